/**
 * mcp-registry: one MCP server through which an agent finds (and, later, runs) other MCP servers.
 *
 *   mcp-registry            serve over stdio (what MCP clients run)
 *   mcp-registry serve      the same
 *   mcp-registry --help | --version
 *
 * @module
 */
import process from "node:process";
import { startRegistry } from "./src/app.ts";
import { readConfig } from "./src/config.ts";
import { StdioServerTransport } from "./src/mcp/sdk.ts";
import { VERSION } from "./src/version.ts";

const USAGE = `mcp-registry ${VERSION}: find MCP servers for your agent.

Usage:
  mcp-registry [serve]     run the MCP server over stdio (point your MCP client at this)
  mcp-registry --help      this text
  mcp-registry --version   the version

Environment:
  MCP_REGISTRY_CACHE_DIR         catalog cache (default: $XDG_CACHE_HOME/mcp-registry or ~/.cache/mcp-registry)
  MCP_REGISTRY_SOURCES_DIR       clones of git sources (default: <cache dir>/sources)
  MCP_REGISTRY_REFRESH_INTERVAL  hours between source refreshes (default: 24)
  MCP_REGISTRY_DOCKER_REPO       git URL or path of the Docker MCP registry
                                 (default: https://github.com/docker/mcp-registry.git)
  MCP_REGISTRY_LOG_LEVEL         debug, info, warn, error or silent (default: info; logs go to stderr)
`;

async function serveStdio(): Promise<void> {
  let config;
  try {
    config = readConfig(Deno.env.toObject());
  } catch (error) {
    console.error(`mcp-registry: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const registry = await startRegistry({ config });
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    registry.log.info("stopping", { why });
    if (why === "stdin closed") {
      // A client may send its last request and close its end at once: answer it first.
      await new Promise((r) => setTimeout(r, 20)); // let requests already read reach a handler
      for (let waited = 0; registry.inFlight() > 0 && waited < 30_000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await registry[Symbol.asyncDispose]();
    Deno.exit(0);
  };
  registry.server.onclose = () => void stop("client disconnected");
  // The SDK's stdio transport does not close on end of input; a client that goes away must
  // not leave the registry (and, later, its containers) running.
  process.stdin.once("end", () => void stop("stdin closed"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void stop(signal));
  }
  await registry.server.connect(new StdioServerTransport());
  Deno.cron("mcp-registry refresh due sources", `${registry.checkMinute} * * * *`, async () => {
    await registry.catalog.refreshDue();
  });
  registry.ready.then(
    () => registry.log.info("catalog loaded", { entries: registry.catalog.index.size }),
    (error) => registry.log.error("catalog failed to load", { error: String(error) }),
  );
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
  } else if (command === "--version" || command === "-V") {
    console.log(VERSION);
  } else if (command === undefined || (command === "serve" && rest.length === 0)) {
    await serveStdio();
  } else {
    console.error(`mcp-registry: unknown command "${Deno.args.join(" ")}"\n\n${USAGE}`);
    Deno.exit(2);
  }
}
