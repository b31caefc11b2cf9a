/**
 * The registry as a real process, started as users start it, for tests and benchmarks.
 *
 * @module
 */

/** The project's root folder. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** An environment that keeps a registry process in `dir`, offline, and quiet. */
export function registryEnv(
  dir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    MCP_REGISTRY_CACHE_DIR: `${dir}/cache`,
    MCP_REGISTRY_DATA_DIR: `${dir}/data`,
    MCP_REGISTRY_DOCKER_REPO: "/nonexistent",
    MCP_REGISTRY_SOURCES: "docker",
    MCP_REGISTRY_LOG_LEVEL: "error",
    ...extra,
  };
}

/** A raw JSON-RPC `initialize` request, as a client's first line. */
export function initializeRequest(id = 1): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    },
  });
}

/** A running `mcp-registry serve --http`. */
export interface HttpRegistryProcess {
  url: string;
  token: string;
  /** Everything it wrote to stderr until it was ready. */
  banner: string;
  /** SIGTERM (SIGKILL after 10 s) and its exit status. */
  stop(): Promise<Deno.CommandStatus>;
}

/**
 * Starts `main.ts serve --http --port 0` (plus `args`) and waits for its address and token.
 */
export async function spawnHttpRegistry(
  env: Record<string, string>,
  args: string[] = [],
): Promise<HttpRegistryProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts", "serve", "--http", "--port", "0", ...args],
    cwd: ROOT,
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!/token: .+\n/.test(banner)) {
    const { value, done } = await reader.read();
    if (done) break;
    banner += value;
  }
  const url = banner.match(/listening on (\S+)/)?.[1] ?? "";
  const printed = banner.match(/token: (\S+)\n/)?.[1] ?? "";
  return {
    url,
    token: env.MCP_REGISTRY_TOKEN ?? printed,
    banner,
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const status = await child.status;
      clearTimeout(timer);
      await reader.cancel();
      return status;
    },
  };
}
