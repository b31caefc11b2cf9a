/**
 * The permissions `mcp-registry` runs with: one list, used by `deno task compile` (baked into
 * the binary), `deno task start:scoped` (the source, run with exactly the same flags), the
 * release workflow and the scoped integration test.
 *
 *   deno run scripts/permissions.ts     # prints the flags, space-separated, for `$(...)`
 *
 * Why each flag, and why read and write are not scoped: see {@linkcode PERMISSION_FLAGS}.
 *
 * @module
 */

import { PODMAN_ENV, PROXY_ENV } from "../src/runtime/podman.ts";

/**
 * The programs the registry runs: podman (every server container), git (catalog sources), ps
 * (the start time of a registry process, for container owner labels: Deno opens /proc only under
 * --allow-all) and deno (registry-code's sandbox: a `deno run` child with no permissions at all,
 * src/code/sandbox.ts; the same deno as the registry's when it runs from source).
 */
export const ALLOWED_PROGRAMS: readonly string[] = ["podman", "git", "ps", "deno"];

/**
 * Every environment variable read by the registry or the SDK it uses, by whom. With
 * `--ignore-env`, any other variable reads as unset (and `Deno.env.toObject()` returns only these),
 * so the user's other variables (tokens, keys) never reach the registry or its children.
 */
export const ENV_GROUPS: Readonly<Record<string, readonly string[]>> = {
  /** src/config.ts and main.ts: the registry's settings. */
  settings: [
    "MCP_REGISTRY_CACHE_DIR",
    "MCP_REGISTRY_SOURCES_DIR",
    "MCP_REGISTRY_REFRESH_INTERVAL",
    "MCP_REGISTRY_REFRESH_COOLDOWN",
    "MCP_REGISTRY_REFRESH_RETRY",
    "MCP_REGISTRY_SOURCES",
    "MCP_REGISTRY_CATALOGS",
    "MCP_REGISTRY_DOCKER_REPO",
    "MCP_REGISTRY_OFFICIAL_URL",
    "MCP_REGISTRY_MCPSERVERS_URL",
    "MCP_REGISTRY_AWESOME_REPO",
    "MCP_REGISTRY_LOG_LEVEL",
    "MCP_REGISTRY_DATA_DIR",
    "MCP_REGISTRY_PODMAN",
    "MCP_REGISTRY_PODMAN_ATTACH",
    "MCP_REGISTRY_CONTAINER_MEMORY",
    "MCP_REGISTRY_CONTAINER_CPUS",
    "MCP_REGISTRY_CONTAINER_PIDS",
    "MCP_REGISTRY_CALL_TIMEOUT",
    "MCP_REGISTRY_ALLOW_INSECURE_REMOTES",
    "MCP_REGISTRY_NODE_IMAGE",
    "MCP_REGISTRY_PYTHON_IMAGE",
    "MCP_REGISTRY_ALLOW_HOST_PROCESSES",
    "MCP_REGISTRY_ALLOWED_PATHS",
    "MCP_REGISTRY_TOOL_SCHEMAS",
    "MCP_REGISTRY_TOKEN",
    "MCP_REGISTRY_BUILD_NODE_IMAGE",
    "MCP_REGISTRY_BUILD_NODE_RUNTIME",
    "MCP_REGISTRY_BUILD_PYTHON_IMAGE",
    "MCP_REGISTRY_BUILD_PYTHON_RUNTIME",
    "MCP_REGISTRY_BUILD_GO_IMAGE",
    "MCP_REGISTRY_BUILD_GO_RUNTIME",
    "MCP_REGISTRY_BUILD_MAX_CLONE_MB",
    "MCP_REGISTRY_BUILD_MAX_IMAGE_MB",
    "MCP_REGISTRY_BUILD_TIMEOUT",
    "MCP_REGISTRY_NPM_REGISTRY",
    "MCP_REGISTRY_PYPI_URL",
  ],
  /** src/config.ts: where the default cache and data folders are. */
  folders: ["HOME", "USERPROFILE", "XDG_CACHE_HOME", "XDG_DATA_HOME"],
  /** src/runtime/podman.ts: what podman is given (rootless podman needs its runtime dir). */
  podman: PODMAN_ENV,
  /** src/sources/git.ts and podman.ts: certificates and proxies for git and podman pulls. */
  network: ["SSL_CERT_FILE", "SSL_CERT_DIR", ...PROXY_ENV],
  /** src/proxy/active_servers.ts: the base environment of host processes. */
  host: ["LANG"],
  /**
   * The MCP SDK's `getDefaultEnvironment()`, merged into every server it spawns (POSIX list,
   * then Windows list), and cross-spawn, which finds programs on Windows.
   */
  sdk: [
    "SHELL",
    "TERM",
    "APPDATA",
    "HOMEDRIVE",
    "HOMEPATH",
    "LOCALAPPDATA",
    "PROCESSOR_ARCHITECTURE",
    "SYSTEMDRIVE",
    "SYSTEMROOT",
    "TEMP",
    "USERNAME",
    "PROGRAMFILES",
    "PATHEXT",
    "COMSPEC",
  ],
};

/** {@linkcode ENV_GROUPS} as one list, each name once. */
export const ENV_VARS: readonly string[] = [...new Set(Object.values(ENV_GROUPS).flat())];

/**
 * The flags, in the order `deno run` and `deno compile` take them.
 *
 * - `--no-prompt`: a missing permission is an error, never a question on the terminal (stdio is
 *   the MCP channel; a prompt would hang the client).
 * - `--allow-read`, unscoped: the registry reads paths only known at run time: its cache and data
 *   folders (from `MCP_REGISTRY_*`, `XDG_*` or `HOME`, which differ per user, while the flags of a
 *   compiled binary are fixed when it is built), `MCP_REGISTRY_CATALOGS`, local source
 *   repositories, `/proc/<pid>/stat` (is the registry that owns a container or lock alive), and
 *   every host path a server is to mount (resolved with `realPath` to check where it leads).
 * - `--allow-write`, unscoped: the cache folder (catalog Kv, git clones, locks) and the data folder
 *   (state Kv, secrets), both chosen at run time as above.
 * - `--allow-net`, unscoped: the official registry, mcpservers.org, any remote MCP server in the
 *   catalog, and `serve --http` listening on the host and port given.
 * - `--allow-run=podman,git`: nothing else. Not `npx`/`uvx`: package servers run as host
 *   processes (`MCP_REGISTRY_ALLOW_HOST_PROCESSES=1`) only under `deno run -A`.
 * - `--allow-env=<ENV_VARS>` with `--ignore-env`: the variables read, no others.
 * - `--allow-sys=uid`: `mcp-registry doctor` suggests the rootless runtime folder `/run/user/<uid>`.
 * - `--unstable-kv`, `--unstable-cron`: the catalog cache and scheduled refreshes.
 */
export const PERMISSION_FLAGS: readonly string[] = [
  "--no-prompt",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  `--allow-run=${ALLOWED_PROGRAMS.join(",")}`,
  `--allow-env=${ENV_VARS.join(",")}`,
  "--ignore-env",
  "--allow-sys=uid",
  "--unstable-kv",
  "--unstable-cron",
];

/** What `deno compile` embeds beyond the module graph: the catalog snapshot and its license. */
export const COMPILE_INCLUDES: readonly string[] = [
  "src/catalog/snapshot/docker.json",
  "src/catalog/snapshot/docker-mcp-registry.LICENSE",
  "src/web/static",
];

if (import.meta.main) {
  const args = Deno.args[0] === "--compile"
    ? [...PERMISSION_FLAGS, ...COMPILE_INCLUDES.flatMap((path) => ["--include", path])]
    : PERMISSION_FLAGS;
  console.log(args.join(" "));
}
