/**
 * From a catalog entry and the user's configuration to what a container needs: image, command,
 * environment, volumes, user. Pure: nothing here touches the system.
 *
 * Values never travel in argv: every environment value (secret or not) is handed to podman
 * through its own environment and named with `-e NAME` only.
 *
 * @module
 */
import { type CatalogEntry, isSecretName } from "../catalog/entry.ts";
import type { ServerConfig } from "../catalog/settings.ts";
import { fullImageName } from "../catalog/names.ts";
import { evaluate, evaluateList, type TemplateConfig } from "./template.ts";

/** Options for {@linkcode buildLaunchSpec}. */
export interface LaunchOptions {
  /** The user's home, for `$HOME` and `~` at the start of a catalog's host path. */
  home?: string;
  /** The image to run instead of the entry's (package servers run in a runtime image). */
  image?: string;
}

/** Something about the entry or its configuration prevents a start; `message` says what to do. */
export class LaunchError extends Error {
  override name = "LaunchError";
}

/** What one container needs. */
export interface LaunchSpec {
  image: string;
  command: string[];
  /** Name -> value; the values reach podman through its environment only. */
  env: Record<string, string>;
  /**
   * `source:target[:mode]`, checked for form: a named volume or an absolute host path. What may
   * be mounted is decided by `applyMountPolicy()` just before the container starts.
   */
  volumes: string[];
  user: string | null;
  disableNetwork: boolean;
  /** Replaces the image's entrypoint (package servers: `npx`, `uvx`). */
  entrypoint?: string;
}

/** A configuration key the entry declares. */
export interface ConfigKey {
  key: string;
  kind: "secret" | "parameter" | "env";
  required: boolean;
  description?: string;
  example?: string;
  /** For secrets: the variable it becomes in the container. */
  env?: string;
  schema?: Record<string, unknown>;
}

/** Every key `registry-config-set` accepts for `entry`. */
export function configKeys(entry: CatalogEntry): ConfigKey[] {
  const keys: ConfigKey[] = [];
  for (const secret of entry.config.secrets) {
    keys.push({
      key: secret.name,
      kind: "secret",
      required: secret.required !== false,
      env: secret.env,
      ...optional({ description: secret.description, example: secret.example }),
    });
  }
  for (const oauth of entry.oauth) {
    if (!oauth.secret || keys.some((k) => k.key === oauth.secret)) continue;
    keys.push({
      key: oauth.secret,
      kind: "secret",
      required: false,
      ...optional({
        env: oauth.env,
        description: `A token for ${oauth.provider}, used instead of an OAuth sign-in`,
      }),
    });
  }
  const schema = entry.config.parameters;
  const properties = isRecord(schema?.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required.map(String) : []);
  // A key named like a credential (`API_KEY`, `access_token`) is a secret whatever the catalog
  // declares: stored apart and masked. The store hands it back under the same name, so the
  // templates (`{{server.api_key}}`) and the env item still get it, and it is refused on argv.
  const envFed = [
    ...entry.config.env.map((e) => [e.name, e.value ?? ""]),
    ...Object.entries(entry.run.env),
  ];
  for (const [name, prop] of Object.entries(properties)) {
    const p = isRecord(prop) ? prop : {};
    const secret = isSecretName(name);
    const fed = envFed.find(([, value]) =>
      [entry.name, entry.id].some((server) => value!.includes(`{{${server}.${name}`))
    )?.[0];
    keys.push({
      key: name,
      kind: secret ? "secret" : "parameter",
      required: required.has(name) && p.default === undefined,
      schema: p,
      ...optional({
        description: typeof p.description === "string" ? p.description : undefined,
        example: p.default !== undefined && !secret ? JSON.stringify(p.default) : undefined,
        env: secret ? fed : undefined,
      }),
    });
  }
  for (const env of entry.config.env) {
    if (env.value !== undefined) continue; // derived from parameters
    if (keys.some((k) => k.key === env.name)) continue;
    const secret = isSecretName(env.name);
    keys.push({
      key: env.name,
      kind: secret ? "secret" : "env",
      required: env.required !== false,
      ...optional({
        description: env.description,
        example: secret ? undefined : env.example,
        env: secret ? env.name : undefined,
      }),
    });
  }
  return keys;
}

/** Maps a key as an agent may write it (`github.token`, `GITHUB_TOKEN`, `server.param`) to a key. */
export function resolveKey(entry: CatalogEntry, key: string): ConfigKey | undefined {
  const keys = configKeys(entry);
  const exact = keys.find((k) => k.key === key);
  if (exact) return exact;
  const bySecretEnv = keys.find((k) => k.kind === "secret" && k.env === key);
  if (bySecretEnv) return bySecretEnv;
  for (const prefix of [`${entry.name}.`, `${entry.id}.`]) {
    if (!key.startsWith(prefix)) continue;
    // A parameter, or one that is a secret by its name (it keeps its schema).
    const found = keys.find((k) => k.schema !== undefined && k.key === key.slice(prefix.length));
    if (found) return found;
  }
  return undefined;
}

/** The required keys that have no value yet. */
export function missingConfig(entry: CatalogEntry, config: ServerConfig): ConfigKey[] {
  return configKeys(entry).filter((k) => {
    if (!k.required) return false;
    // A secret by its name may still be where older versions stored it (env or parameters).
    const value = k.kind === "secret"
      ? config.secrets[k.key] ?? config.env[k.key] ?? config.params[k.key]
      : k.kind === "env"
      ? config.env[k.key]
      : config.params[k.key];
    return value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  });
}

/** Environment names a catalog may not set: they steer podman itself or the dynamic linker. */
const RESERVED_ENV =
  /^(PATH|HOME|USER|LOGNAME|SHELL|TMPDIR|LD_.*|XDG_.*|CONTAINERS?_.*|DBUS_.*|BUILDAH_.*|PODMAN_.*|_CONTAINERS_.*|STORAGE_.*|REGISTRY_AUTH_FILE|GODEBUG|GOMAXPROCS|NOTIFY_SOCKET|SSL_CERT_.*|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$/;
/** `$NAME` or `${NAME}` in a value, expanded from the server's own environment values. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Builds the launch spec. Throws a `LaunchError` for what the user or the catalog must fix:
 * a missing required value, a secret that would have to travel on the command line, an unsafe
 * volume or user, a reserved environment name.
 */
export function buildLaunchSpec(
  entry: CatalogEntry,
  config: ServerConfig,
  options: LaunchOptions = {},
): LaunchSpec {
  const image = options.image ?? entry.container_image;
  if (!image) {
    throw new LaunchError(`${entry.id} has no container image in the catalog, so it cannot run`);
  }
  const missing = missingConfig(entry, config);
  if (missing.length > 0) {
    throw new LaunchError(`${entry.id} needs ${missing.map((k) => k.key).join(", ")} first`);
  }
  const params: Record<string, unknown> = {};
  const properties = isRecord(entry.config.parameters?.properties)
    ? entry.config.parameters.properties
    : {};
  for (const [name, prop] of Object.entries(properties)) {
    if (isRecord(prop) && prop.default !== undefined) params[name] = prop.default;
  }
  for (const [name, value] of Object.entries(config.params)) {
    // An empty value means "not set": the catalog default, if any, stays.
    if (value === "" || (Array.isArray(value) && value.length === 0)) continue;
    params[name] = value;
  }
  // Docker entries write `{{<name>.param}}`; sources without such names (the official
  // registry's names hold dots and slashes) write `{{<id>.param}}`.
  const templates: TemplateConfig = { [entry.name]: params, [entry.id]: params };

  const env: Record<string, string> = {};
  const secretEnv = new Set<string>();
  for (const secret of entry.config.secrets) {
    const value = config.secrets[secret.name];
    if (value === undefined || value === "") continue;
    env[checkEnvName(secret.env, entry)] = value;
    secretEnv.add(secret.env);
  }
  const expand = (value: string) => value.replace(VARIABLE, (_, a, b) => env[a ?? b] ?? "");
  const secretValues = Object.values(config.secrets).filter((v) => v.length >= 4);
  const setEnv = (name: string, raw: string) => {
    const value = raw.includes("{{") ? flatten(evaluate(raw, templates)) : expand(raw);
    if (value !== "") env[checkEnvName(name, entry)] = value;
  };
  for (const item of entry.config.env) {
    if (item.value !== undefined) setEnv(item.name, item.value);
    else if (config.env[item.name]) env[checkEnvName(item.name, entry)] = config.env[item.name]!;
  }
  for (const [name, value] of Object.entries(entry.run.env)) setEnv(name, value);

  const command = evaluateList(entry.run.command, templates).map((arg) => {
    for (const [, a, b] of arg.matchAll(VARIABLE)) {
      const name = (a ?? b)!;
      if (secretEnv.has(name)) {
        throw new LaunchError(
          `${entry.id} passes the secret ${name} on the container's command line, where any ` +
            "local user could read it (ps); mcp-registry refuses to run it that way",
        );
      }
    }
    const expanded = expand(arg);
    // A secret may also arrive through another variable built from it ("Bearer $TOKEN").
    if (secretValues.some((secret) => expanded.includes(secret))) {
      throw new LaunchError(
        `${entry.id} would put a secret on the container's command line, where any local ` +
          "user could read it (ps); mcp-registry refuses to run it that way",
      );
    }
    return expanded;
  });

  const volumes = checkVolumes(evaluateList(entry.run.volumes, templates), entry, options.home);

  let user: string | null = null;
  if (entry.run.user) {
    const value = flatten(evaluate(entry.run.user, templates)).trim();
    if (value !== "") {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/.test(value)) {
        throw new LaunchError(
          `${entry.id}: the container user "${value}" is not a user name or uid[:gid]; fix it ` +
            "with registry-config-set",
        );
      }
      user = value;
    }
  }

  return {
    image: qualifyImage(image),
    command,
    env,
    volumes,
    user,
    disableNetwork: entry.run.disable_network,
  };
}

/** The image's full name (see `fullImageName()`); a name that is none is a `LaunchError`. */
export function qualifyImage(image: string): string {
  try {
    return fullImageName(image);
  } catch (error) {
    if (error instanceof RangeError) throw new LaunchError(error.message);
    throw error;
  }
}

/**
 * Checks the form of filled-in volumes (see {@linkcode checkVolume}), with `$HOME/` and `~/` at
 * the start of a host path made absolute; a volume left empty (`:/target`) is dropped.
 */
export function checkVolumes(
  volumes: readonly string[],
  entry: Pick<CatalogEntry, "id">,
  home: string | undefined,
): string[] {
  return volumes.map((v) => expandHome(v.trim(), home))
    .filter((v) => v !== "" && !v.startsWith(":"))
    .map((v) => checkVolume(v, entry));
}

/**
 * Checks the form of one `source:target[:mode]` and returns it normalized: a named volume or an
 * absolute host path, nothing podman could read as an option. What may be mounted is decided
 * later, against the real paths, by `applyMountPolicy()` (mount_policy.ts).
 */
export function checkVolume(spec: string, entry: Pick<CatalogEntry, "id">): string {
  const fail = (why: string): never => {
    throw new LaunchError(`${entry.id}: volume "${spec}" refused: ${why}`);
  };
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(spec)) fail("it contains control characters");
  if (spec.startsWith("-")) fail('it starts with "-" and would be read as a podman option');
  const parts = spec.split(":");
  if (parts.length < 2 || parts.length > 3) fail("expected source:target[:mode]");
  const [source = "", target = "", mode] = parts;
  if (!target.startsWith("/")) fail(`the container path "${target}" is not absolute`);
  if (mode !== undefined && !/^(ro|rw|z|Z|ro,z|ro,Z|rw,z|rw,Z)$/.test(mode)) {
    fail(`unknown mode "${mode}" (use ro or rw)`);
  }
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) return spec; // a named volume
  if (!source.startsWith("/")) {
    fail(`the host path "${source}" is not absolute; give the full path`);
  }
  const normalized = normalizePath(source);
  if (normalized !== source.replace(/\/+$/, "") && normalized !== source) {
    fail(`the host path "${source}" is not in normal form (use "${normalized}")`);
  }
  return [normalized, target, ...(mode ? [mode] : [])].join(":");
}

/** `$HOME/x` or `~/x` at the start of a volume source, as catalogs write it, made absolute. */
function expandHome(volume: string, home: string | undefined): string {
  if (!home) return volume;
  return volume.replace(/^(\$HOME|\$\{HOME\}|~)(?=\/|:)/, home);
}

/** Absolute, with `.` and `..` resolved and no doubled or trailing slashes. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

function checkEnvName(name: string, entry: CatalogEntry): string {
  if (!ENV_NAME.test(name) || RESERVED_ENV.test(name)) {
    throw new LaunchError(
      `${entry.id} declares the environment variable "${name}", which mcp-registry does not ` +
        "pass to containers (not a valid name, or it would steer podman itself)",
    );
  }
  return name;
}

function flatten(value: string | string[]): string {
  return Array.isArray(value) ? value.join(",") : value;
}

function optional(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
