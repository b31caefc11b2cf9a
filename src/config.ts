/**
 * The registry's settings, read from environment variables once at start.
 *
 * @module
 */
import { LOG_LEVELS, type LogLevel } from "./util/log.ts";
import { type ContainerLimits, DEFAULT_LIMITS } from "./runtime/podman_args.ts";
import { DEFAULT_RUNTIMES, type PackageRuntimes } from "./runtime/package_spec.ts";
import {
  DEFAULT_PACKAGE_REGISTRIES,
  type PackageRegistryUrls,
} from "./sources/package_registry_urls.ts";
import {
  AWESOME_REPO_URL,
  DOCKER_REGISTRY_URL,
  MCPSERVERS_URL,
  OFFICIAL_REGISTRY_URL,
  SOURCE_NAMES,
  type SourceName,
} from "./sources/source.ts";

/** Every setting, with its default filled in. */
export interface RegistryConfig {
  /** `MCP_REGISTRY_CACHE_DIR`: the Kv catalog cache. @default $XDG_CACHE_HOME/mcp-registry */
  cacheDir: string;
  /** `MCP_REGISTRY_SOURCES_DIR`: clones of git sources. @default <cacheDir>/sources */
  sourcesDir: string;
  /** `MCP_REGISTRY_REFRESH_INTERVAL`: hours between refreshes of a source. @default 24 */
  refreshIntervalHours: number;
  /** `MCP_REGISTRY_DOCKER_REPO`: git URL or path of the Docker MCP registry. */
  dockerRepo: string;
  /** `MCP_REGISTRY_OFFICIAL_URL`: the official MCP registry's API. */
  officialUrl: string;
  /** `MCP_REGISTRY_MCPSERVERS_URL`: the mcpservers.org site. */
  mcpserversUrl: string;
  /** `MCP_REGISTRY_AWESOME_REPO`: git URL or path of the awesome list behind mcpservers.org. */
  awesomeRepo: string;
  /** `MCP_REGISTRY_CATALOGS`: the user's own catalog files or folders (PATH-style list). */
  catalogs: string[];
  /**
   * `MCP_REGISTRY_SOURCES`: the sources that are on, in priority order (`local` first). @default
   * every source (`local` only when `MCP_REGISTRY_CATALOGS` names something)
   */
  sources: SourceName[];
  /** `MCP_REGISTRY_REFRESH_COOLDOWN`: minutes between two `registry-refresh` of one source. */
  refreshCooldownMinutes: number;
  /**
   * `MCP_REGISTRY_REFRESH_RETRY`: minutes automatic refreshes of a failing source wait after the
   * 1st, 2nd... failed attempt in a row; the last one repeats. @default [1, 5, 15, 60]
   */
  refreshRetryMinutes: number[];
  /** `MCP_REGISTRY_LOG_LEVEL`. @default "info" */
  logLevel: LogLevel;
  /** `MCP_REGISTRY_DATA_DIR`: settings, secrets, state. @default $XDG_DATA_HOME/mcp-registry */
  dataDir: string;
  /** `MCP_REGISTRY_PODMAN`: the podman binary. @default "podman" */
  podman: string;
  /**
   * `MCP_REGISTRY_PODMAN_ATTACH`: `service` attaches every server over one shared podman API
   * service (`run` when it cannot start); `run` gives each its own `podman run -i` client.
   * @default "service"
   */
  podmanAttach: "service" | "run";
  /** `MCP_REGISTRY_CONTAINER_MEMORY`, `_CPUS`, `_PIDS`. @default 512m, 1, 256 */
  limits: ContainerLimits;
  /** `MCP_REGISTRY_CALL_TIMEOUT`: seconds a proxied tool call may take. @default 120 */
  callTimeoutSeconds: number;
  /** `MCP_REGISTRY_ALLOW_INSECURE_REMOTES=1`: plain http to remote servers off this machine. */
  allowInsecureRemotes: boolean;
  /** `MCP_REGISTRY_NODE_IMAGE`, `MCP_REGISTRY_PYTHON_IMAGE`: runtime images of package servers. */
  runtimes: PackageRuntimes;
  /** `MCP_REGISTRY_ALLOW_HOST_PROCESSES=1`: package servers as processes, not in containers. */
  allowHostProcesses: boolean;
  /**
   * `MCP_REGISTRY_ALLOWED_PATHS`: host folders containers may mount (PATH-style list), besides
   * those approved with `mcp-registry config allow-path`. @default none
   */
  allowedPaths: string[];
  /** `HOME`: its dot-files are never mounted; `~/` in a catalog's host path starts here. */
  home: string | undefined;
  /**
   * `MCP_REGISTRY_TOOL_SCHEMAS`: `full` lists an active server's tools with their schemas;
   * `lazy` lists name and one line only, and a call whose arguments do not fit gets the schema
   * back. @default "full"
   */
  toolSchemas: "full" | "lazy";
  /** Builds from source and package resolution (`MCP_REGISTRY_BUILD_*`). */
  build: BuildSettings;
}

/** The base images of source recipes: a builder and a runtime image per language. */
export interface RecipeImages {
  /** `MCP_REGISTRY_BUILD_NODE_IMAGE`. @default "docker.io/library/node:22-slim" */
  nodeBuilder: string;
  /** `MCP_REGISTRY_BUILD_NODE_RUNTIME`. @default the Node builder */
  nodeRuntime: string;
  /** `MCP_REGISTRY_BUILD_PYTHON_IMAGE`. @default "docker.io/library/python:3.12-slim" */
  pythonBuilder: string;
  /** `MCP_REGISTRY_BUILD_PYTHON_RUNTIME` (the same Python at the same path). @default builder */
  pythonRuntime: string;
  /** `MCP_REGISTRY_BUILD_GO_IMAGE`. @default "docker.io/library/golang:1.23" */
  goBuilder: string;
  /** `MCP_REGISTRY_BUILD_GO_RUNTIME`. @default "gcr.io/distroless/static-debian12" */
  goRuntime: string;
}

/** Settings of builds from source. */
export interface BuildSettings {
  images: RecipeImages;
  /** `MCP_REGISTRY_NPM_REGISTRY`, `MCP_REGISTRY_PYPI_URL`: where package metadata is read. */
  packageRegistries: PackageRegistryUrls;
  /** `MCP_REGISTRY_BUILD_MAX_CLONE_MB`: a bigger clone is refused. @default 500 */
  maxCloneMb: number;
  /** `MCP_REGISTRY_BUILD_MAX_IMAGE_MB`: a bigger image is removed. @default 3000 */
  maxImageMb: number;
  /** `MCP_REGISTRY_BUILD_TIMEOUT`: seconds a build may take. @default 900 */
  timeoutSeconds: number;
}

/** The build settings with nothing set. */
export const DEFAULT_BUILD_SETTINGS: BuildSettings = {
  images: {
    nodeBuilder: "docker.io/library/node:22-slim",
    nodeRuntime: "docker.io/library/node:22-slim",
    pythonBuilder: "docker.io/library/python:3.12-slim",
    pythonRuntime: "docker.io/library/python:3.12-slim",
    goBuilder: "docker.io/library/golang:1.23",
    goRuntime: "gcr.io/distroless/static-debian12",
  },
  packageRegistries: DEFAULT_PACKAGE_REGISTRIES,
  maxCloneMb: 500,
  maxImageMb: 3000,
  timeoutSeconds: 900,
};

/** `MCP_REGISTRY_BUILD_*` and the package registries' URLs. */
function readBuildSettings(env: Record<string, string | undefined>): BuildSettings {
  const d = DEFAULT_BUILD_SETTINGS;
  const image = (name: string, fallback: string) => nonEmpty(env[name]) ?? fallback;
  const nodeBuilder = image("MCP_REGISTRY_BUILD_NODE_IMAGE", d.images.nodeBuilder);
  const pythonBuilder = image("MCP_REGISTRY_BUILD_PYTHON_IMAGE", d.images.pythonBuilder);
  return {
    images: {
      nodeBuilder,
      nodeRuntime: image("MCP_REGISTRY_BUILD_NODE_RUNTIME", nodeBuilder),
      pythonBuilder,
      pythonRuntime: image("MCP_REGISTRY_BUILD_PYTHON_RUNTIME", pythonBuilder),
      goBuilder: image("MCP_REGISTRY_BUILD_GO_IMAGE", d.images.goBuilder),
      goRuntime: image("MCP_REGISTRY_BUILD_GO_RUNTIME", d.images.goRuntime),
    },
    packageRegistries: {
      npm: httpUrl(env, "MCP_REGISTRY_NPM_REGISTRY", d.packageRegistries.npm),
      pypi: httpUrl(env, "MCP_REGISTRY_PYPI_URL", d.packageRegistries.pypi),
    },
    maxCloneMb: number(env, "MCP_REGISTRY_BUILD_MAX_CLONE_MB", d.maxCloneMb, 1, 100_000),
    maxImageMb: number(env, "MCP_REGISTRY_BUILD_MAX_IMAGE_MB", d.maxImageMb, 1, 100_000),
    timeoutSeconds: number(env, "MCP_REGISTRY_BUILD_TIMEOUT", d.timeoutSeconds, 10, 86_400),
  };
}

/** Reads the settings; a bad value is a `RangeError` naming the variable and the fix. */
export function readConfig(env: Record<string, string | undefined>): RegistryConfig {
  const home = env.HOME ?? env.USERPROFILE;
  const cacheBase = env.XDG_CACHE_HOME || (home ? `${home}/.cache` : undefined);
  const cacheDir = nonEmpty(env.MCP_REGISTRY_CACHE_DIR) ??
    (cacheBase ? `${cacheBase}/mcp-registry` : undefined);
  if (!cacheDir) {
    throw new RangeError("Cannot choose a cache directory: set MCP_REGISTRY_CACHE_DIR or HOME");
  }
  const interval = nonEmpty(env.MCP_REGISTRY_REFRESH_INTERVAL) ?? "24";
  const hours = Number(interval);
  if (!Number.isFinite(hours) || hours < 0 || hours > 24 * 365) {
    throw new RangeError(
      `MCP_REGISTRY_REFRESH_INTERVAL is "${interval}": give the hours between refreshes as a ` +
        "number from 0 to 8760 (default 24)",
    );
  }
  const level = (nonEmpty(env.MCP_REGISTRY_LOG_LEVEL) ?? "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(
      `MCP_REGISTRY_LOG_LEVEL is "${level}": use one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  const dataBase = env.XDG_DATA_HOME || (home ? `${home}/.local/share` : undefined);
  const dataDir = nonEmpty(env.MCP_REGISTRY_DATA_DIR) ??
    (dataBase ? `${dataBase}/mcp-registry` : `${cacheDir}/data`);
  const memory = nonEmpty(env.MCP_REGISTRY_CONTAINER_MEMORY) ?? DEFAULT_LIMITS.memory;
  if (!/^\d+(\.\d+)?[bkmg]?$/i.test(memory)) {
    throw new RangeError(
      `MCP_REGISTRY_CONTAINER_MEMORY is "${memory}": give a size such as 512m or 2g`,
    );
  }
  const cpus = nonEmpty(env.MCP_REGISTRY_CONTAINER_CPUS) ?? DEFAULT_LIMITS.cpus;
  if (!/^\d+(\.\d+)?$/.test(cpus) || Number(cpus) <= 0) {
    throw new RangeError(
      `MCP_REGISTRY_CONTAINER_CPUS is "${cpus}": give a number such as 1 or 0.5`,
    );
  }
  const pids = number(env, "MCP_REGISTRY_CONTAINER_PIDS", DEFAULT_LIMITS.pids, 16, 100_000);
  const callTimeoutSeconds = number(env, "MCP_REGISTRY_CALL_TIMEOUT", 120, 1, 86_400);
  const catalogs = readCatalogs(env.MCP_REGISTRY_CATALOGS, home);
  const allowedPaths = readCatalogs(env.MCP_REGISTRY_ALLOWED_PATHS, home);
  const relative = allowedPaths.find((p) => !p.startsWith("/"));
  if (relative !== undefined) {
    throw new RangeError(
      `MCP_REGISTRY_ALLOWED_PATHS names "${relative}": give absolute folders, separated by ":"`,
    );
  }
  return {
    officialUrl: httpUrl(env, "MCP_REGISTRY_OFFICIAL_URL", OFFICIAL_REGISTRY_URL),
    mcpserversUrl: httpUrl(env, "MCP_REGISTRY_MCPSERVERS_URL", MCPSERVERS_URL),
    awesomeRepo: nonEmpty(env.MCP_REGISTRY_AWESOME_REPO) ?? AWESOME_REPO_URL,
    catalogs,
    sources: readSources(env.MCP_REGISTRY_SOURCES, catalogs.length > 0),
    refreshCooldownMinutes: number(env, "MCP_REGISTRY_REFRESH_COOLDOWN", 15, 0, 10_080),
    refreshRetryMinutes: retryMinutes(env.MCP_REGISTRY_REFRESH_RETRY),
    dataDir,
    podman: nonEmpty(env.MCP_REGISTRY_PODMAN) ?? "podman",
    podmanAttach: readPodmanAttach(env.MCP_REGISTRY_PODMAN_ATTACH),
    limits: { memory, cpus, pids },
    callTimeoutSeconds,
    allowInsecureRemotes: flag(env.MCP_REGISTRY_ALLOW_INSECURE_REMOTES),
    allowHostProcesses: flag(env.MCP_REGISTRY_ALLOW_HOST_PROCESSES),
    allowedPaths,
    home,
    toolSchemas: readToolSchemas(env.MCP_REGISTRY_TOOL_SCHEMAS),
    build: readBuildSettings(env),
    runtimes: {
      nodeImage: nonEmpty(env.MCP_REGISTRY_NODE_IMAGE) ?? DEFAULT_RUNTIMES.nodeImage,
      pythonImage: nonEmpty(env.MCP_REGISTRY_PYTHON_IMAGE) ?? DEFAULT_RUNTIMES.pythonImage,
    },
    cacheDir,
    sourcesDir: nonEmpty(env.MCP_REGISTRY_SOURCES_DIR) ?? `${cacheDir}/sources`,
    refreshIntervalHours: hours,
    dockerRepo: nonEmpty(env.MCP_REGISTRY_DOCKER_REPO) ?? DOCKER_REGISTRY_URL,
    logLevel: level as LogLevel,
  };
}

/** `MCP_REGISTRY_PODMAN_ATTACH`: `service` (the default) or `run`. */
function readPodmanAttach(raw: string | undefined): "service" | "run" {
  const value = nonEmpty(raw)?.toLowerCase() ?? "service";
  if (value !== "service" && value !== "run") {
    throw new RangeError(
      `MCP_REGISTRY_PODMAN_ATTACH is "${value}": use service (servers attached over one shared ` +
        "podman API service, the default) or run (one podman run -i client per server)",
    );
  }
  return value;
}

/** `MCP_REGISTRY_TOOL_SCHEMAS`: `full` (the default) or `lazy`. */
function readToolSchemas(raw: string | undefined): "full" | "lazy" {
  const value = nonEmpty(raw)?.toLowerCase() ?? "full";
  if (value !== "full" && value !== "lazy") {
    throw new RangeError(
      `MCP_REGISTRY_TOOL_SCHEMAS is "${value}": use full (every active server's tools with ` +
        "their schemas, the default) or lazy (names and one line; the schema on first use)",
    );
  }
  return value;
}

/** `MCP_REGISTRY_SOURCES`: names from SOURCE_NAMES, comma-separated; returned in priority order. */
function readSources(raw: string | undefined, haveCatalogs: boolean): SourceName[] {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined || value === "all") {
    return SOURCE_NAMES.filter((name) => name !== "local" || haveCatalogs);
  }
  const names = value.split(",").map((n) => n.trim()).filter((n) => n);
  for (const name of names) {
    if (!(SOURCE_NAMES as readonly string[]).includes(name)) {
      throw new RangeError(
        `MCP_REGISTRY_SOURCES names "${name}", which is no source: use a comma-separated list of ` +
          `${SOURCE_NAMES.join(", ")} (or "all", the default)`,
      );
    }
  }
  if (names.includes("local") && !haveCatalogs) {
    throw new RangeError(
      'MCP_REGISTRY_SOURCES names "local" but MCP_REGISTRY_CATALOGS is empty: set it to your ' +
        "catalog files or folders, or leave local out",
    );
  }
  if (names.length === 0) {
    throw new RangeError(
      `MCP_REGISTRY_SOURCES is empty: name at least one of ${SOURCE_NAMES.join(", ")}`,
    );
  }
  return SOURCE_NAMES.filter((name) => names.includes(name));
}

/**
 * `MCP_REGISTRY_CATALOGS`: paths separated like PATH (`:`; `;` on Windows), `~/` expanded.
 * Relative paths are taken from the working directory at start.
 */
function readCatalogs(raw: string | undefined, home: string | undefined): string[] {
  const separator = Deno.build.os === "windows" ? ";" : ":";
  return (raw ?? "").split(separator).map((p) => p.trim()).filter((p) => p).map((p) => {
    if ((p === "~" || p.startsWith("~/")) && home) return `${home}${p.slice(1)}`;
    return p;
  });
}

/** An http(s) URL setting, without a trailing slash. */
function httpUrl(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RangeError(`${name} is "${raw}": give an http or https URL such as ${fallback}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RangeError(`${name} is "${raw}": give an http or https URL such as ${fallback}`);
  }
  return raw.replace(/\/+$/, "");
}

function number(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} is "${raw}": give a whole number from ${min} to ${max}`);
  }
  return value;
}

function flag(value: string | undefined): boolean {
  return ["1", "true", "yes"].includes((value ?? "").trim().toLowerCase());
}

/** `MCP_REGISTRY_REFRESH_RETRY`: minutes, comma-separated, each above 0 and at most a week. */
function retryMinutes(raw: string | undefined): number[] {
  const text = nonEmpty(raw);
  if (text === undefined) return [1, 5, 15, 60];
  const minutes = text.split(",").map((part) => Number(part.trim() || NaN));
  if (minutes.some((m) => !Number.isFinite(m) || m <= 0 || m > 10_080)) {
    throw new RangeError(
      `MCP_REGISTRY_REFRESH_RETRY is "${text}": give the minutes to wait after each failed ` +
        "refresh, comma-separated, each above 0 and at most 10080 (default 1,5,15,60; the last " +
        "one repeats)",
    );
  }
  return minutes;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}
