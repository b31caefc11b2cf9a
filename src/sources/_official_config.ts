/**
 * What the user configures for an official registry server (environment, secrets, parameters),
 * gathered while its package arguments, environment variables, remote headers and their
 * variables are read. Pure.
 *
 * @module
 */
import type { CatalogEntry, EnvVar, Secret } from "../catalog/entry.ts";
import { envNameOf, type Input, readInput } from "./_official_fields.ts";

/** Names of credentials, for records that do not say `isSecret` (old ones had no such field). */
const CREDENTIAL_NAME = /(api[_-]?key|token|secret|password|passwd|credential|private[_-]?key)/i;
/**
 * Gathers what the user configures (environment, secrets, parameters) while arguments, variables
 * and headers are read, and hands out parameter names unique within the entry.
 */
export class ConfigBuilder {
  readonly #id: string;
  readonly #oldLayout: boolean;
  readonly #warnings: string[];
  readonly #env: EnvVar[] = [];
  readonly #secrets: Secret[] = [];
  readonly #properties: Record<string, Record<string, unknown>> = {};
  readonly #required: string[] = [];

  constructor(id: string, oldLayout: boolean, warnings: string[]) {
    this.#id = id;
    this.#oldLayout = oldLayout;
    this.#warnings = warnings;
  }

  config(): CatalogEntry["config"] {
    const out: CatalogEntry["config"] = { env: this.#env, secrets: this.#secrets };
    if (Object.keys(this.#properties).length > 0) {
      out.parameters = { type: "object", properties: this.#properties };
      if (this.#required.length > 0) out.parameters.required = this.#required;
    }
    return out;
  }

  /**
   * One package argument as command items: a named one `--flag value` as two items, a
   * positional one as one. A value the user must give becomes a `{{id.param}}` template.
   */
  argument(raw: unknown, path: string): string[] {
    const arg = readInput(raw);
    if (!arg) {
      this.#warnings.push(`'${path}' ignored: expected an object`);
      return [];
    }
    const named = arg.type === "named";
    if (named && !arg.name?.trim()) {
      this.#warnings.push(`'${path}' ignored: a named argument without 'name'`);
      return [];
    }
    const flag = arg.name?.trim() ?? "";
    if (arg.isSecret) {
      this.#warnings.push(
        `'${path}' (${flag || arg.valueHint || "a positional argument"}) left out: it is a ` +
          "secret on the command line, where any local user could read it",
      );
      return [];
    }
    if (named && this.#oldLayout && arg.value !== undefined && arg.value === arg.name) {
      // The old seed wrote the whole `--flag value` into both `name` and `value`.
      return flag.split(/\s+/);
    }
    let value: string | null | undefined;
    if (arg.value !== undefined) value = this.#resolveForTemplate(arg.value, arg.variables, path);
    else if (!named || arg.isRequired || arg.default !== undefined) {
      // A positional argument is always asked for: leaving it out would shift the ones after it.
      const input = named ? arg : { ...arg, isRequired: true };
      const param = this.#addParameter(named ? flag : arg.valueHint ?? "", input, path);
      value = arg.isRepeated ? `{{${this.#id}.${param}|into}}` : `{{${this.#id}.${param}}}`;
    }
    // Optional with nothing to put there (the server's own default applies), or a secret.
    if (value === undefined || value === null) return [];
    return named ? [flag, value] : [value];
  }

  /** One environment variable: a secret, a value the user sets, or a fixed/templated value. */
  envVar(raw: unknown, path: string): void {
    const env = readInput(raw);
    const envName = env?.name?.trim();
    if (!env || !envName) {
      this.#warnings.push(`'${path}' ignored: an environment variable without 'name'`);
      return;
    }
    // Publishers often leave `isSecret` out (the large 2025-09 seed never sets it): a value the
    // user gives under a credential's name is kept as a secret unless marked `isSecret: false`.
    const secret = env.isSecret ?? (env.value === undefined && CREDENTIAL_NAME.test(envName));
    const required = this.#isRequired(env);
    if (secret && env.value === undefined) {
      this.#addSecret(envName, env, required);
      return;
    }
    const item: EnvVar = { name: envName, required };
    if (env.value !== undefined) {
      item.value = this.#resolveForEnv(env.value, env.variables, path);
    } else if (env.default !== undefined) item.default = env.default;
    if (env.description) item.description = env.description;
    const example = env.placeholder ?? (env.choices?.length ? env.choices.join(" | ") : undefined);
    if (example !== undefined) item.example = example;
    this.#env.push(item);
  }

  /**
   * One remote header as a value for `remote.headers`: `${VAR}` where a secret or a value the
   * user sets goes, as `buildRemoteSpec` fills it. Null when the header is left out.
   */
  header(raw: unknown, path: string): [string, string] | null {
    const header = readInput(raw);
    const headerName = header?.name?.trim();
    if (!header || !headerName) {
      this.#warnings.push(`'${path}' ignored: a header without 'name'`);
      return null;
    }
    const envName = envNameOf(headerName);
    if (header.value !== undefined) {
      const value = this.#resolveForHeader(header.value, header.variables);
      return [headerName, value];
    }
    const required = this.#isRequired(header);
    if (header.isSecret) {
      this.#addSecret(envName, header, required, `The value of the ${headerName} header`);
    } else {
      const item: EnvVar = { name: envName, required };
      item.description = header.description ?? `The value of the ${headerName} header`;
      if (header.placeholder !== undefined) item.example = header.placeholder;
      this.#env.push(item);
    }
    return [headerName, `\${${envName}}`];
  }

  /** Required unless a default makes the value optional. */
  #isRequired(input: Input): boolean {
    if (input.default !== undefined) return false;
    return input.isRequired ?? this.#oldLayout;
  }

  #addSecret(envName: string, input: Input, required: boolean, about?: string): void {
    const key = `${this.#id}.${envName.toLowerCase()}`;
    if (this.#secrets.some((s) => s.name === key)) return;
    const secret: Secret = { name: key, env: envName, required };
    const description = input.description ?? about;
    if (description) secret.description = description;
    if (input.placeholder !== undefined) secret.example = input.placeholder;
    this.#secrets.push(secret);
  }

  /** Adds a parameter named after `label`; returns its name, unique within the entry. */
  #addParameter(label: string, input: Input, path: string): string {
    let base = label.toLowerCase().replace(/^-+/, "").replace(/[^a-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "");
    if (!base) base = path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase();
    let name = base;
    for (let n = 2; name in this.#properties; n++) name = `${base}_${n}`;
    const schema: Record<string, unknown> = {
      type: input.format === "number"
        ? "number"
        : input.format === "boolean"
        ? "boolean"
        : "string",
    };
    if (input.isRepeated) {
      schema.type = "array";
      schema.items = { type: "string" };
    }
    if (input.description) schema.description = input.description;
    if (input.default !== undefined) {
      schema.default = input.isRepeated ? [input.default] : input.default;
    }
    if (input.choices?.length) schema.enum = input.choices;
    this.#properties[name] = schema;
    if (input.isRequired && input.default === undefined) this.#required.push(name);
    return name;
  }

  /**
   * Fills `{var}` in an argument's value: a fixed variable with its value, any other with a
   * parameter template. Null when a variable is a secret (it cannot go on a command line).
   */
  #resolveForTemplate(
    value: string,
    variables: Record<string, Input>,
    path: string,
  ): string | null {
    let secret = false;
    const out = value.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, key: string) => {
      const variable = variables[key];
      if (!variable) return whole;
      if (variable.value !== undefined) return variable.value;
      if (variable.isSecret) {
        this.#warnings.push(
          `'${path}' left out: its secret variable {${key}} would be on the command line`,
        );
        secret = true;
        return "";
      }
      return `{{${this.#id}.${this.#addParameter(key, variable, path)}}}`;
    });
    return secret ? null : out;
  }

  /** Fills `{var}` in an environment value: a secret as `${VAR}`, others as parameters. */
  #resolveForEnv(value: string, variables: Record<string, Input>, path: string): string {
    return value.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, key: string) => {
      const variable = variables[key];
      if (!variable) return whole;
      if (variable.value !== undefined) return variable.value;
      if (variable.isSecret) {
        const envName = envNameOf(key);
        this.#addSecret(envName, variable, this.#isRequired(variable), `{${key}} in ${path}`);
        return `\${${envName}}`;
      }
      return `{{${this.#id}.${this.#addParameter(key, variable, path)}}}`;
    });
  }

  /**
   * Fills `{var}` in a header value: a fixed value or default in place, anything the user gives
   * as `${VAR}` (a secret, or an environment value).
   */
  #resolveForHeader(value: string, variables: Record<string, Input>): string {
    return value.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, key: string) => {
      const variable = variables[key];
      if (!variable) return whole;
      const fixed = variable.value ?? (variable.isSecret ? undefined : variable.default);
      if (fixed !== undefined) return fixed;
      const envName = envNameOf(key);
      const required = this.#isRequired(variable);
      if (variable.isSecret) {
        this.#addSecret(envName, variable, required, `{${key}} in a header`);
      } else if (!this.#env.some((e) => e.name === envName)) {
        const item: EnvVar = { name: envName, required };
        if (variable.description) item.description = variable.description;
        this.#env.push(item);
      }
      return `\${${envName}}`;
    });
  }
}
