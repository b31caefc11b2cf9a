/**
 * Turns one Docker MCP registry `servers/<name>/server.yaml` (and its optional `tools.json`)
 * into a catalog entry. Each field of the file is checked on its own (each item of a list, each
 * value of a mapping), so a mistake costs that value (with a warning on the entry), never its
 * neighbours or the whole server.
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import {
  type BuildSpec,
  type CatalogEntry,
  type EnvVar,
  isSecretName,
  type Secret,
  type ToolInfo,
} from "../catalog/entry.ts";
import { normalizeRepoUrl } from "../catalog/names.ts";

const str = z.string();
/** A name the entry cannot do without: trimmed, and never empty. */
const text = z.string().trim().min(1, "must not be empty");
const bool = z.boolean();
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/**
 * Reads one value at `path`; a fault becomes a warning and the value is left out, so a mistake
 * costs that value only, never its neighbours.
 */
type Reader<T> = (value: unknown, path: string, warnings: string[]) => T | undefined;
type Shape = Record<string, Reader<unknown>>;
type Read<S extends Shape> = { [K in keyof S]?: S[K] extends Reader<infer T> ? T : never };

/** A value checked by `schema` as a whole. */
function field<T>(schema: z.ZodType<T, unknown>): Reader<T> {
  return (value, path, warnings) => {
    if (value === undefined) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    warnings.push(`'${path}' ignored: ${describeIssues(parsed.error)}`);
    return undefined;
  };
}

/** A list read item by item: a bad item is dropped, the others kept. */
function listOf<T>(item: Reader<T>): Reader<T[]> {
  return (value, path, warnings) => {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      warnings.push(`'${path}' ignored: expected a list`);
      return undefined;
    }
    const out: T[] = [];
    for (const [index, v] of value.entries()) {
      const read = item(v, `${path}[${index}]`, warnings);
      if (read !== undefined) out.push(read);
    }
    return out;
  };
}

/** A mapping of arbitrary keys read key by key: a bad value is dropped, the others kept. */
function recordOf<T>(item: Reader<T>): Reader<Record<string, T>> {
  return (value, path, warnings) => {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      warnings.push(`'${path}' ignored: expected a mapping`);
      return undefined;
    }
    const out: Record<string, T> = {};
    for (const [key, v] of Object.entries(value)) {
      const read = item(v, `${path}.${key}`, warnings);
      if (read !== undefined) out[key] = read;
    }
    return out;
  };
}

/**
 * A mapping with known keys. The `required` fields are checked together (any fault drops the
 * whole mapping); each optional field is read on its own. Unknown keys are ignored.
 */
function object<R extends z.ZodRawShape, S extends Shape>(
  required: R,
  optional: S,
): Reader<z.output<z.ZodObject<R>> & Read<S>> {
  const requiredSchema = z.object(required);
  return (value, path, warnings) => {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      warnings.push(`'${path}' ignored: expected a mapping`);
      return undefined;
    }
    const head = requiredSchema.safeParse(value);
    if (!head.success) {
      warnings.push(`'${path}' ignored: ${describeIssues(head.error)}`);
      return undefined;
    }
    const out: Record<string, unknown> = { ...head.data };
    for (const [key, read] of Object.entries(optional)) {
      if (value[key] === null) continue; // `key:` with nothing after it
      const v = read(value[key], path ? `${path}.${key}` : key, warnings);
      if (v !== undefined) out[key] = v;
    }
    return out as z.output<z.ZodObject<R>> & Read<S>;
  };
}

const readAbout = object({}, { title: field(str), description: field(str), icon: field(str) });
const readMeta = object({}, { category: field(str), tags: listOf(field(str)) });
const readSource = object({}, {
  project: field(str),
  upstream: field(str),
  commit: field(str),
  directory: field(str),
  dockerfile: field(str),
});
const readRun = object({}, {
  command: listOf(field(scalar)),
  volumes: listOf(field(str)),
  env: recordOf(field(scalar)),
  disableNetwork: field(bool),
  allowHosts: listOf(field(str)),
  user: field(scalar),
});
const readRemote = object({ url: str }, {
  transport_type: field(z.enum(["streamable-http", "sse"])),
  headers: recordOf(field(scalar)),
});
const readOAuth = listOf(object({ provider: str }, { secret: field(str), env: field(str) }));
const readPociTools = listOf(object({ name: text }, {
  description: field(str),
  parameters: field(z.record(str, z.unknown())),
  container: object({ image: str }, {
    command: listOf(field(scalar)),
    volumes: listOf(field(str)),
  }),
}));
const readToolsJsonItem = object({ name: text }, { description: field(str) });
const readSecret = object({ name: text, env: text }, {
  example: field(scalar),
  description: field(str),
  required: field(bool),
});
/** An env item; one without `value` is set by the user directly. */
const readEnv = object({ name: text }, {
  value: field(scalar),
  example: field(scalar),
  description: field(str),
  default: field(scalar),
  required: field(bool),
});
type SecretItem = NonNullable<ReturnType<typeof readSecret>>;
type EnvItem = NonNullable<ReturnType<typeof readEnv>>;
type PociTool = NonNullable<ReturnType<typeof readPociTools>>[number];

/** What a parsed file yields: the entry (without its final id) and the warnings met. */
export interface ParsedDockerServer {
  entry: Omit<CatalogEntry, "id">;
  warnings: string[];
}

/** Options for {@linkcode parseDockerServer}. */
export interface ParseDockerServerOptions {
  /** The server's folder name, used when the file has no `name`. */
  dirName: string;
  /** The text of `tools.json`, when the folder has one. */
  toolsJson?: string;
  /** ISO time stamped on the entry as `last_refreshed`. */
  refreshedAt: string;
  /**
   * A container server with no `image` whose `source.project` names a repository becomes a
   * `build` entry (`source.commit`, `source.directory` pin it). Local catalogs only.
   * @default false
   */
  buildFromSource?: boolean;
}

/**
 * Parses a `server.yaml`. Throws a `SyntaxError` only when nothing usable is in the file
 * (broken YAML, or not a mapping); every lesser fault becomes a warning on the entry.
 */
export function parseDockerServer(
  yamlText: string,
  options: ParseDockerServerOptions,
): ParsedDockerServer {
  const { dirName, toolsJson, refreshedAt } = options;
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new SyntaxError(
      `Cannot parse server.yaml "${dirName}": ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (!isRecord(raw)) {
    throw new SyntaxError(`Cannot parse server.yaml "${dirName}": expected a mapping at the top`);
  }
  const warnings: string[] = [];
  const read = <T>(key: string, reader: Reader<T>): T | undefined =>
    raw[key] === null ? undefined : reader(raw[key], key, warnings); // `key:` with nothing after

  const rawName = typeof raw.name === "string" ? raw.name.trim() : "";
  const name = rawName || dirName;
  if (!rawName) warnings.push(`missing 'name', used the folder name "${dirName}"`);
  const type = read("type", field(str)) ?? "server";
  const about = read("about", readAbout) ?? {};
  const meta = read("meta", readMeta) ?? {};
  const source = read("source", readSource) ?? {};
  const run = read("run", readRun) ?? {};
  const remote = read("remote", readRemote);
  const oauth = read("oauth", readOAuth) ?? [];
  const pociTools = read("tools", readPociTools) ?? [];
  const config = parseConfig(raw.config, warnings);
  const image = read("image", field(str))?.trim() || null;

  let launch: CatalogEntry["launch_method"];
  if (type === "remote") launch = "remote-http";
  else if (type === "server" || type === "poci") launch = "podman";
  else {
    warnings.push(`unknown type "${type}", treated as a container server`);
    launch = "podman";
  }
  if (launch === "remote-http" && !remote && raw.remote == null) {
    warnings.push("type 'remote' without a 'remote.url'");
  }
  const project = source.project?.trim();
  // A container server with no image and no per-call tools, built from its repository.
  const build: BuildSpec | null = options.buildFromSource && type === "server" && !image &&
      pociTools.length === 0 && project
    ? {
      repo: project,
      ...(source.commit?.trim() ? { commit: source.commit.trim() } : {}),
      ...(source.directory?.trim() ? { directory: source.directory.trim() } : {}),
    }
    : null;
  if (build) launch = "build";
  else if (type === "server" && !image) warnings.push("type 'server' without an 'image'");

  const tools = [...pociTools.map(toPociTool), ...parseToolsJson(toolsJson, warnings)];
  const dynamic = isRecord(raw.dynamic) && raw.dynamic.tools === true;
  const repo = source.project ?? source.upstream;

  return {
    warnings,
    entry: {
      name,
      title: about.title?.trim() || name,
      description: (about.description ?? "").trim(),
      source: "docker",
      sources: ["docker"],
      repo_url: repo ? normalizeRepoUrl(repo) : null,
      repo_subfolder: subfolderOf(source),
      homepage: null,
      links: {
        docker: `https://hub.docker.com/mcp/server/${encodeURIComponent(dirName)}/overview`,
      },
      aliases: [],
      container_image: image ?? (pociTools.find((t) => t.container)?.container?.image ?? null),
      icon: about.icon ?? null,
      categories: meta.category ? [meta.category.toLowerCase()] : [],
      tags: [...new Set((meta.tags ?? []).map((t) => t.toLowerCase()))],
      official: image !== null && isDockerOfficialImage(image),
      featured: false,
      requires_api_key: requiresApiKey(config, oauth),
      tools,
      dynamic_tools: dynamic,
      launch_method: launch,
      last_refreshed: refreshedAt,
      run: {
        command: run.command ?? [],
        volumes: run.volumes ?? [],
        env: run.env ?? {},
        disable_network: run.disableNetwork ?? false,
        allow_hosts: run.allowHosts ?? [],
        user: run.user,
        long_lived: raw.longLived === true,
      },
      config,
      remote: remote
        ? {
          url: remote.url,
          transport: remote.transport_type ?? "streamable-http",
          headers: remote.headers ?? {},
        }
        : null,
      build,
      oauth,
      warnings,
    },
  };
}

/**
 * True when the user must supply a credential before the server works: a required secret, an
 * OAuth secret, or a required environment value or parameter named like one (`isSecretName`,
 * the rule that also stores and masks them as secrets: `NOVITA_API_KEY`
 * set directly, `GITHUB_TOKEN: "{{server.github_token}}"`, a required `api_key` parameter).
 */
function requiresApiKey(
  config: CatalogEntry["config"],
  oauth: CatalogEntry["oauth"],
): boolean {
  if (config.secrets.some((s) => s.required !== false)) return true;
  if (oauth.some((o) => o.secret !== undefined)) return true;
  // An env item without a value is set by the user; one made of a template takes a parameter.
  const userSet = (env: EnvVar) => env.value === undefined || env.value.includes("{{");
  if (config.env.some((e) => e.required !== false && userSet(e) && isSecretName(e.name))) {
    return true;
  }
  const schema = config.parameters;
  const properties = isRecord(schema?.properties) ? schema.properties : {};
  const required = Array.isArray(schema?.required) ? schema.required.map(String) : [];
  return required.some((name) => {
    const property = properties[name];
    const hasDefault = isRecord(property) && property.default !== undefined;
    return !hasDefault && isSecretName(name);
  });
}

/** `mcp/<name>` on Docker Hub is the namespace Docker builds and signs itself. */
function isDockerOfficialImage(image: string): boolean {
  return /^(docker\.io\/)?mcp\/[^/]+$/.test(image);
}

function parseConfig(value: unknown, warnings: string[]): CatalogEntry["config"] {
  const out: CatalogEntry["config"] = { env: [], secrets: [] };
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) {
    warnings.push("'config' ignored: expected a mapping");
    return out;
  }
  const description = field(str)(value.description, "config.description", warnings);
  if (description !== undefined) out.description = description.trim();
  for (const [index, item] of itemsOf(value, "secrets", warnings).entries()) {
    const secret = readSecret(item, `config.secrets[${index}]`, warnings);
    if (secret) out.secrets.push(toSecret(secret));
  }
  if (value.parameters !== undefined && value.parameters !== null && !isRecord(value.parameters)) {
    warnings.push("'config.parameters' ignored: expected a JSON Schema mapping");
  }
  if (isRecord(value.parameters)) {
    out.parameters = value.parameters;
  } else if (value.type === "object" && isRecord(value.properties)) {
    // A mis-indented `parameters:` leaves the schema's keys directly under `config`.
    warnings.push("'config.parameters' is empty but 'config' holds a schema: used that schema");
    out.parameters = { type: "object", properties: value.properties };
    if (Array.isArray(value.required)) out.parameters.required = value.required;
  }
  for (const [index, item] of itemsOf(value, "env", warnings).entries()) {
    const path = `config.env[${index}]`;
    if (isRecord(item) && item.value === undefined && item.env !== undefined) {
      // A secret listed under `env` (it has `env:` instead of `value:`).
      const secret = readSecret(item, path, warnings);
      if (secret) {
        warnings.push(`'config.env' item "${secret.name}" looks like a secret: treated as one`);
        out.secrets.push(toSecret(secret));
      }
      continue;
    }
    const env = readEnv(item, path, warnings);
    if (!env) continue;
    if (env.value === undefined) {
      warnings.push(`'config.env' item "${env.name}" has no 'value': the user sets it directly`);
    }
    out.env.push(toEnvVar(env));
  }
  return out;
}

/**
 * The items of the list `config[key]`. A mapping written where a list belongs is read as its
 * one item when it looks like one (it has a `name`), and is never skipped without a warning.
 */
function itemsOf(config: Record<string, unknown>, key: string, warnings: string[]): unknown[] {
  const value = config[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (isRecord(value) && "name" in value) {
    warnings.push(`'config.${key}' is a mapping, not a list: read it as one item`);
    return [value];
  }
  warnings.push(`'config.${key}' ignored: expected a list`);
  return [];
}

function toEnvVar(item: EnvItem): EnvVar {
  const env: EnvVar = { name: item.name };
  for (const key of ["value", "example", "description", "default"] as const) {
    if (item[key] !== undefined) env[key] = item[key];
  }
  if (item.required !== undefined) env.required = item.required;
  return env;
}

function toSecret(item: SecretItem): Secret {
  const secret: Secret = { name: item.name, env: item.env };
  if (item.example !== undefined) secret.example = item.example;
  if (item.description !== undefined) secret.description = item.description.trim();
  if (item.required !== undefined) secret.required = item.required;
  return secret;
}

function toPociTool(tool: PociTool): ToolInfo {
  const out: ToolInfo = { name: tool.name, description: tool.description?.trim() ?? "" };
  if (tool.parameters) out.input_schema = tool.parameters;
  if (tool.container) {
    out.container = {
      image: tool.container.image,
      command: tool.container.command ?? [],
      volumes: tool.container.volumes ?? [],
    };
  }
  return out;
}

/** Reads both shapes of `tools.json` (MCP's `inputSchema`, the legacy `arguments`): names only. */
function parseToolsJson(text: string | undefined, warnings: string[]): ToolInfo[] {
  if (text === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    warnings.push(`'tools.json' ignored: ${(error as Error).message}`);
    return [];
  }
  if (!Array.isArray(raw)) {
    warnings.push("'tools.json' ignored: expected a list of tools");
    return [];
  }
  const tools: ToolInfo[] = [];
  for (const [index, item] of raw.entries()) {
    const tool = readToolsJsonItem(item, `tools.json[${index}]`, warnings);
    if (tool) tools.push({ name: tool.name, description: tool.description?.trim() ?? "" });
  }
  return tools;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => {
    return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
  }).join("; ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The folder of the repository that holds the server: `source.directory`, or else the folder of
 * `source.dockerfile` (`src/filesystem/Dockerfile` -> `src/filesystem`), so monorepo servers
 * match their entries in other sources.
 */
function subfolderOf(source: { directory?: string; dockerfile?: string }): string | null {
  const clean = (path: string) => path.trim().replace(/^\.?\/+|\/+$/g, "");
  if (source.directory?.trim()) return clean(source.directory) || null;
  const dockerfile = source.dockerfile ? clean(source.dockerfile) : "";
  const folder = dockerfile.includes("/") ? dockerfile.slice(0, dockerfile.lastIndexOf("/")) : "";
  return folder || null;
}
