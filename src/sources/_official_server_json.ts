/**
 * Turns one record of the official MCP registry (a `server.json` document, in today's camelCase
 * layout or the snake_case layout the registry used before 2025-09-16) into a catalog entry.
 * Pure: no I/O. A fault in a record costs that value (with a warning on the entry), and a record
 * the catalog schema refuses comes back as an error, never as a throw.
 *
 * @module
 */
export { withId } from "../catalog/entry.ts";
import { checkEntry } from "../catalog/entry.ts";
import type { CatalogEntry, EnvVar, RemoteSpec, Secret } from "../catalog/entry.ts";
import { fullImageName, splitRepoLink } from "../catalog/names.ts";
import { assignIdsAround, slugify } from "../catalog/slug.ts";

/** The key of the registry's own block in a list item's `_meta`. */
export const OFFICIAL_META = "io.modelcontextprotocol.registry/official";

/** One item of `GET /v0.1/servers`, read: the server document and the registry's facts on it. */
export interface OfficialRow {
  /** The full registry name, e.g. `io.github.user/weather`; "" for a blank record. */
  name: string;
  version: string;
  /** `active`, `deprecated` or `deleted`; `active` when the record does not say. */
  status: string;
  isLatest: boolean;
  /** When the registry last changed the row (ISO 8601), when it says. */
  updatedAt: string | null;
  /** The server document itself (`server` of the envelope, or the whole old record). */
  server: Record<string, unknown>;
}

/**
 * Reads one item of a list answer: the `{server, _meta}` envelope of today's API, the
 * transitional one (status on the server), or an old snake_case record with no envelope.
 * Returns null for an item that is not an object at all.
 */
export function readOfficialRow(item: unknown): OfficialRow | null {
  if (!isRecord(item)) return null;
  const server = isRecord(item.server) ? item.server : item;
  const metaBlock = isRecord(item._meta) ? item._meta[OFFICIAL_META] : undefined;
  const meta = isRecord(metaBlock) ? metaBlock : {};
  const detail = isRecord(server.version_detail) ? server.version_detail : {};
  const latest = pick(meta, "isLatest", "is_latest") ?? detail.is_latest;
  const updated = pick(meta, "updatedAt", "updated_at") ?? detail.release_date;
  return {
    name: text(server.name) ?? "",
    version: text(server.version) ?? text(detail.version) ?? "",
    status: text(meta.status) ?? text(server.status) ?? "active",
    // A record that does not say is taken as latest: a registry asked for `version=latest`
    // that knows no such flag answers with latest versions only.
    isLatest: typeof latest === "boolean" ? latest : true,
    updatedAt: text(updated) ?? null,
    server,
  };
}

/** Options for {@linkcode mapOfficialServer}. */
export interface MapOfficialOptions {
  /** The entry's id, from {@linkcode officialIds}. */
  id: string;
  /** The registry's base URL, for the entry's link. */
  registryUrl: string;
  /** ISO time stamped on the entry as `last_refreshed`. */
  refreshedAt: string;
}

/** What one record became: an entry with its warnings, or an error that says why not. */
export type MappedServer =
  | { entry: CatalogEntry; warnings: string[]; error?: undefined }
  | { entry?: undefined; warnings: string[]; error: string };

/**
 * Ids for a set of registry names: the slug of the part after the last `/`
 * (`io.github.domdomegg/airtable-mcp-server` → `airtable-mcp-server`), and the slug of the full
 * name for every name whose short slug another name shares. The same for the same set of names,
 * whatever their order.
 */
export function officialIds(names: readonly string[]): Map<string, string> {
  const sorted = [...new Set(names)].sort();
  const byShort = Map.groupBy(sorted, shortSlug);
  const unique = [...byShort].filter(([, group]) => group.length === 1);
  // Full-name slugs can still meet (`a.b/c` and `a/b-c`); sorted order settles who gets `-2`.
  return assignIdsAround(sorted, new Map(unique.map(([short, [name]]) => [name!, short])));
}

/** Names of credentials, for records that do not say `isSecret` (old ones had no such field). */
const CREDENTIAL_NAME = /(api[_-]?key|token|secret|password|passwd|credential|private[_-]?key)/i;

/** A read package: both layouts' field names brought to one. */
interface Pkg {
  registryType: string;
  identifier: string;
  version: string | undefined;
  registryBaseUrl: string | undefined;
  transport: string | undefined;
  raw: Record<string, unknown>;
}

/** A read input (argument, environment variable, header, variable). */
interface Input {
  name: string | undefined;
  type: string | undefined;
  value: string | undefined;
  default: string | undefined;
  description: string | undefined;
  placeholder: string | undefined;
  valueHint: string | undefined;
  format: string | undefined;
  choices: string[] | undefined;
  isRequired: boolean | undefined;
  isSecret: boolean | undefined;
  isRepeated: boolean | undefined;
  variables: Record<string, Input>;
}

/**
 * Maps one server document (`row.server`) to a catalog entry. Never throws: a record the
 * catalog schema refuses comes back with `error`.
 */
export function mapOfficialServer(server: unknown, options: MapOfficialOptions): MappedServer {
  const { id, registryUrl, refreshedAt } = options;
  const warnings: string[] = [];
  if (!isRecord(server)) return { warnings, error: "Cannot load a record that is not an object" };
  const name = text(server.name)?.trim() ?? "";
  if (!name) return { warnings, error: "Cannot load a record without 'name'" };
  const oldLayout = isRecord(server.version_detail) ||
    list(server.packages).some((p) => isRecord(p) && "registry_name" in p);
  const builder = new ConfigBuilder(id, oldLayout, warnings);

  const packages = readList(server.packages, "packages", warnings).flatMap((p, index) => {
    const pkg = readPackage(p);
    if (!pkg) warnings.push(`'packages[${index}]' ignored: no registry type or identifier`);
    return pkg ? [pkg] : [];
  });
  const runnable = packages.filter((p) => p.transport === undefined || p.transport === "stdio");
  const oci = runnable.find((p) => p.registryType === "oci" || p.registryType === "docker");
  const npm = runnable.find((p) => p.registryType === "npm");
  const pypi = runnable.find((p) => p.registryType === "pypi");

  let launch: CatalogEntry["launch_method"] = "none";
  let containerImage: string | null = null;
  let pkgSpec: CatalogEntry["run"]["package"];
  let command: string[] = [];
  let remote: RemoteSpec | null = null;
  let chosen: Pkg | undefined;
  if (oci) {
    containerImage = imageOf(oci, oldLayout, warnings);
    if (containerImage) chosen = oci;
  }
  chosen ??= npm ?? pypi;
  if (chosen) {
    launch = chosen === oci ? "podman" : "stdio-proxy";
    if (chosen !== oci) {
      pkgSpec = { registry: chosen.registryType as "npm" | "pypi", name: chosen.identifier };
      if (chosen.version) pkgSpec.version = chosen.version;
    }
    if (list(pick(chosen.raw, "runtimeArguments", "runtime_arguments")).length > 0) {
      warnings.push(
        `'runtimeArguments' of the ${chosen.registryType} package ignored: they configure the ` +
          "runtime (npx, uvx, docker), which mcp-registry sets up itself",
      );
    }
    const args = list(pick(chosen.raw, "packageArguments", "package_arguments"));
    if (oldLayout && chosen === oci && args.length > 0) {
      // The old seed wrote whole `docker run` lines here (-i, --rm, -e X, the image).
      warnings.push("the old record's docker arguments are `docker run` options: ignored");
    } else {
      command = args.flatMap((arg, index) => builder.argument(arg, `packageArguments[${index}]`));
    }
    const envs = list(pick(chosen.raw, "environmentVariables", "environment_variables"));
    for (const [index, env] of envs.entries()) {
      builder.envVar(env, `environmentVariables[${index}]`);
    }
  } else {
    remote = chooseRemote(server.remotes, builder, warnings);
    if (remote) launch = "remote-http";
    else {
      const kinds = [...new Set(packages.map((p) => describeKind(p)))];
      if (kinds.length > 0) {
        warnings.push(
          `cannot be started: its packages are ${kinds.join(", ")}, and mcp-registry runs ` +
            "npm, PyPI and OCI packages over stdio, and remote servers",
        );
      }
    }
  }

  const repository = isRecord(server.repository) ? server.repository : {};
  const repoUrl = text(repository.url)?.trim();
  const link = repoUrl ? splitRepoLink(repoUrl) : null;
  const subfolder = text(repository.subfolder)?.trim().replace(/^\.?\/+|\/+$/g, "") ||
    link?.subfolder || null;
  const icons = list(server.icons);
  const icon = isRecord(icons[0]) ? text(icons[0].src) ?? null : null;
  const lastSegment = name.slice(name.lastIndexOf("/") + 1) || name;
  const config = builder.config();

  const candidate = {
    id,
    name,
    title: text(server.title)?.trim() || lastSegment,
    description: (text(server.description) ?? "").trim(),
    source: "official",
    sources: ["official"],
    repo_url: link?.repo || null,
    repo_subfolder: subfolder,
    homepage: text(pick(server, "websiteUrl", "website_url"))?.trim() || null,
    links: {
      official: `${registryUrl.replace(/\/+$/, "")}/v0.1/servers/${
        encodeURIComponent(name)
      }/versions/latest`,
    },
    aliases: [],
    container_image: containerImage,
    icon,
    categories: [],
    tags: [],
    // The registry verifies that a publisher owns the namespace (a GitHub account, a DNS
    // domain), not that the publisher is the vendor of the service the server talks to; so
    // nothing here marks an entry as official or featured.
    official: false,
    featured: false,
    // Publishers rarely say isRequired: any declared credential means "takes an API key".
    requires_api_key: config.secrets.length > 0,
    tools: [],
    dynamic_tools: false,
    launch_method: launch,
    last_refreshed: refreshedAt,
    run: {
      command,
      volumes: [],
      env: {},
      disable_network: false,
      allow_hosts: [],
      ...(pkgSpec ? { package: pkgSpec } : {}),
      long_lived: false,
    },
    config,
    remote,
    oauth: [],
    warnings,
  };
  const parsed = checkEntry(candidate);
  if ("error" in parsed) return { warnings, error: `Cannot load "${name}": ${parsed.error}` };
  return { entry: parsed.entry, warnings };
}

/** The slug of the part of a registry name after its last `/`. */
function shortSlug(name: string): string {
  return slugify(name.slice(name.lastIndexOf("/") + 1) || name);
}

/**
 * Gathers what the user configures (environment, secrets, parameters) while arguments, variables
 * and headers are read, and hands out parameter names unique within the entry.
 */
class ConfigBuilder {
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

/** The remote to connect to: streamable HTTP preferred over SSE; null when none is usable. */
function chooseRemote(
  raw: unknown,
  builder: ConfigBuilder,
  warnings: string[],
): RemoteSpec | null {
  const remotes = list(raw).filter(isRecord);
  const transportOf = (r: Record<string, unknown>) => {
    const type = text(pick(r, "type", "transport_type"))?.trim();
    if (type === "streamable-http" || type === "sse") return type;
    if (type === "" || type === undefined) {
      return /\/sse\/?$/.test(text(r.url) ?? "") ? "sse" : "streamable-http";
    }
    return null;
  };
  const ordered = [
    ...remotes.filter((r) => transportOf(r) === "streamable-http"),
    ...remotes.filter((r) => transportOf(r) === "sse"),
  ];
  for (const remote of ordered) {
    const url = fillUrl(text(remote.url)?.trim() ?? "", readVariables(remote.variables));
    if (url === null) {
      warnings.push(
        `remote ${text(remote.url)} skipped: its URL needs a value with no default`,
      );
      continue;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      warnings.push(`remote "${url}" skipped: not a URL`);
      continue;
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      warnings.push(`remote ${url} skipped: not an http(s) URL`);
      continue;
    }
    if (/^(localhost|127\.[0-9.]+|\[::1\]|0\.0\.0\.0)$/i.test(parsed.hostname)) {
      // Old records list the address a server has once you run it yourself: no service.
      warnings.push(`remote ${url} skipped: it points at this machine, not at a service`);
      continue;
    }
    const headers: Record<string, string> = {};
    const rawHeaders = remote.headers;
    if (Array.isArray(rawHeaders)) {
      for (const [index, h] of rawHeaders.entries()) {
        const header = builder.header(h, `remotes.headers[${index}]`);
        if (header) headers[header[0]] = header[1];
      }
    } else if (isRecord(rawHeaders)) {
      for (const [k, v] of Object.entries(rawHeaders)) if (typeof v === "string") headers[k] = v;
    }
    return { url, transport: transportOf(remote) as RemoteSpec["transport"], headers };
  }
  return null;
}

/** `{var}` in a remote URL filled with the variable's value or default; null when one is missing. */
function fillUrl(url: string, variables: Record<string, Input>): string | null {
  let missing = false;
  const out = url.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
    const value = variables[key]?.value ?? variables[key]?.default;
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? null : out;
}

/**
 * The image to run: the identifier, tagged with the version when it has no tag of its own, and
 * prefixed with the package's registry when that is not Docker Hub. Null (with a warning) when
 * that is no image name podman would accept.
 */
function imageOf(pkg: Pkg, oldLayout: boolean, warnings: string[]): string | null {
  let image = pkg.identifier.trim();
  let version = pkg.version;
  if (oldLayout) {
    // The old seed's `docker run` line names the image among its positional arguments; its
    // package `name` is often the npm or PyPI name.
    const args = list(pick(pkg.raw, "packageArguments", "package_arguments")).map(readInput);
    const named = args.findLast((a) =>
      a?.type === "positional" && a.value !== undefined &&
      /^[a-z0-9][a-z0-9._-]*\/[a-z0-9._/:-]+$/.test(a.value)
    );
    if (named?.value) {
      image = named.value;
      version = undefined;
    }
  }
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  if (!lastPart.includes(":") && !image.includes("@") && version) image = `${image}:${version}`;
  const registry = pkg.registryBaseUrl ? hostOf(pkg.registryBaseUrl) : null;
  const first = image.split("/")[0]!;
  const hasRegistry = image.includes("/") &&
    (first.includes(".") || first.includes(":") || first === "localhost");
  if (registry && !hasRegistry && !/(^|\.)docker\.io$/.test(registry)) {
    image = `${registry}/${image}`;
  }
  try {
    fullImageName(image);
  } catch {
    warnings.push(`the ${pkg.registryType} package "${image}" is not a container image name`);
    return null;
  }
  return image;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

function describeKind(pkg: Pkg): string {
  const runnableType = ["npm", "pypi", "oci", "docker"].includes(pkg.registryType);
  return runnableType ? `${pkg.registryType} (${pkg.transport ?? "stdio"})` : pkg.registryType;
}

function readPackage(raw: unknown): Pkg | null {
  if (!isRecord(raw)) return null;
  const registryType = text(pick(raw, "registryType", "registry_name"))?.trim().toLowerCase();
  const identifier = text(pick(raw, "identifier", "name"))?.trim();
  if (!registryType || !identifier) return null;
  const transport = isRecord(raw.transport)
    ? text(raw.transport.type)
    : text(pick(raw, "transport", "transport_type"));
  return {
    registryType,
    identifier,
    version: text(raw.version)?.trim() || undefined,
    registryBaseUrl: text(pick(raw, "registryBaseUrl", "registry_base_url")),
    transport: transport?.trim() || undefined,
    raw,
  };
}

function readInput(raw: unknown): Input | null {
  if (!isRecord(raw)) return null;
  const choices = list(raw.choices).filter((c): c is string => typeof c === "string");
  return {
    name: text(raw.name),
    type: text(raw.type),
    value: scalar(raw.value),
    default: scalar(raw.default),
    description: text(raw.description)?.trim() || undefined,
    placeholder: text(raw.placeholder),
    valueHint: text(pick(raw, "valueHint", "value_hint")),
    format: text(raw.format),
    choices: choices.length ? choices : undefined,
    isRequired: bool(pick(raw, "isRequired", "is_required")),
    isSecret: bool(pick(raw, "isSecret", "is_secret")),
    isRepeated: bool(pick(raw, "isRepeated", "is_repeated")),
    variables: readVariables(raw.variables),
  };
}

function readVariables(raw: unknown): Record<string, Input> {
  if (!isRecord(raw)) return {};
  const out: Record<string, Input> = {};
  for (const [key, value] of Object.entries(raw)) {
    const input = readInput(value);
    if (input) out[key] = input;
  }
  return out;
}

function readList(value: unknown, path: string, warnings: string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warnings.push(`'${path}' ignored: expected a list`);
    return [];
  }
  return value;
}

/** `Authorization` → `AUTHORIZATION`, `X-Api-Key` → `X_API_KEY`. */
function envNameOf(name: string): string {
  const out = name.toUpperCase().replace(/[^A-Z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[A-Z_]/.test(out) ? out : `_${out}`;
}

/** The camelCase field, or the snake_case one of the old layout. */
function pick(record: Record<string, unknown>, camel: string, snake: string): unknown {
  return record[camel] ?? record[snake];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
