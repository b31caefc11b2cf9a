/**
 * mcp-registry: one MCP server through which an agent finds and runs other MCP servers.
 *
 *   mcp-registry            serve over stdio (what MCP clients run)
 *   mcp-registry serve      the same
 *   mcp-registry --help | --version
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { type Registry, startRegistry } from "./src/app.ts";
import { isLoopback } from "./src/runtime/remote_spec.ts";
import { readConfig } from "./src/config.ts";
import { StdioServerTransport } from "./src/mcp/sdk.ts";
import { MAX_MESSAGE_BYTES, withLineBuffer } from "./src/proxy/_line_buffer.ts";
import { VERSION } from "./src/util/version.ts";

/** The synopsis of `serve --http`, in the help texts and the error for a stray option. */
const SERVE_HTTP = "serve --http [--host 127.0.0.1] [--port 7768] [--header-timeout 15]";

/** `mcp-registry --help`; `commands` is the commands' part (`commandHelp()` of src/cli/cli.ts). */
const usage = (commands: string) =>
  `mcp-registry ${VERSION}: find MCP servers for your agent.

Usage:
  mcp-registry [serve]     run the MCP server over stdio (point your MCP client at this)
  mcp-registry ${SERVE_HTTP}
                           run it over Streamable HTTP at http://<host>:<port>/mcp; clients send
                           "Authorization: Bearer <token>" (MCP_REGISTRY_TOKEN, or one printed
                           at start); a connection whose request headers take longer than
                           --header-timeout seconds is closed
${commands}
  mcp-registry --help      this text
  mcp-registry --version   the version

Every command but serve takes --json (JSON on stdout; messages stay on stderr). Exit codes:
0 ok, 1 it failed, 2 bad arguments or settings, 3 no such id or source (or nothing found),
4 something it needs is missing or unreachable (doctor, ui) or a refresh came too soon;
each command's --help says which it uses.

Environment:
  MCP_REGISTRY_CACHE_DIR         catalog cache
                                 (default: $XDG_CACHE_HOME/mcp-registry or ~/.cache/mcp-registry)
  MCP_REGISTRY_SOURCES_DIR       clones of git sources (default: <cache dir>/sources)
  MCP_REGISTRY_REFRESH_INTERVAL  hours between source refreshes (default: 24)
  MCP_REGISTRY_REFRESH_COOLDOWN  minutes between two manual refreshes of one source
                                 (registry-refresh; refresh without --force; default: 15)
  MCP_REGISTRY_REFRESH_RETRY     minutes before retrying a failing source by itself, after
                                 each failure in a row (default: 1,5,15,60; the last repeats)
  MCP_REGISTRY_SOURCES           sources that are on: local, docker, official, mcpservers, awesome
                                 (comma-separated; default: all)
  MCP_REGISTRY_CATALOGS          your own catalog files or folders (server.yaml format),
                                 ':'-separated
  MCP_REGISTRY_DOCKER_REPO       git URL or path of the Docker MCP registry
                                 (default: https://github.com/docker/mcp-registry.git)
  MCP_REGISTRY_OFFICIAL_URL      the official MCP registry
                                 (default: https://registry.modelcontextprotocol.io)
  MCP_REGISTRY_MCPSERVERS_URL    the mcpservers.org site (default: https://mcpservers.org)
  MCP_REGISTRY_AWESOME_REPO      git URL or path of the awesome list
                                 (default: https://github.com/wong2/awesome-mcp-servers.git)
  MCP_REGISTRY_LOG_LEVEL         debug, info, warn, error or silent (default: info for serve, error
                                 for the other commands; logs go to stderr)
  MCP_REGISTRY_DATA_DIR          active servers, settings and secrets
                                 (default: $XDG_DATA_HOME/mcp-registry or
                                 ~/.local/share/mcp-registry)
  MCP_REGISTRY_PODMAN            the podman binary (default: podman)
  MCP_REGISTRY_CONTAINER_MEMORY, _CPUS, _PIDS
                                 limits of each server container (default: 512m, 1, 256)
  MCP_REGISTRY_CALL_TIMEOUT      seconds a proxied tool call may take (default: 120)
  MCP_REGISTRY_ALLOW_INSECURE_REMOTES=1
                                 allow plain-http remote servers beyond this machine
  MCP_REGISTRY_NODE_IMAGE, MCP_REGISTRY_PYTHON_IMAGE
                                 runtime images of npm and PyPI package servers
  MCP_REGISTRY_ALLOW_HOST_PROCESSES=1
                                 run package servers as processes on this machine (no container)
  MCP_REGISTRY_TOKEN             the bearer token of serve --http
`;

const SERVE_USAGE = `Usage:
  mcp-registry serve
  mcp-registry ${SERVE_HTTP}

Runs the registry as an MCP server. Without options it speaks MCP over stdio: this is what an
MCP client starts (mcp-registry client-config <client> prints the snippet). It stops at the end
of its input, on SIGINT or on SIGTERM, and stops the servers it started.

  --http                  serve Streamable HTTP at http://<host>:<port>/mcp and the web page at
                          http://<host>:<port>/ instead of stdio
  --host <address>        where to listen (default 127.0.0.1; another address lets other
                          machines in: anyone who has the token can run servers)
  --port <n>              the port (default 7768; 0 takes a free one)
  --header-timeout <s>    seconds a connection may take to send its request headers (default 15)

Over HTTP every request needs "Authorization: Bearer <token>" (the web page: its cookie). The
token is MCP_REGISTRY_TOKEN when it is set (it is then not printed); otherwise a new one is made
and printed at start. Settings come from the environment: mcp-registry --help lists them.

Exit codes: 0 stopped, 1 could not listen, 2 bad arguments or settings.`;

function loadConfig() {
  try {
    return readConfig(Deno.env.toObject());
  } catch (error) {
    console.error(`mcp-registry: ${(error as Error).message}`);
    Deno.exit(2);
  }
}

function scheduleRefreshes(registry: Registry) {
  // One schedule per source, each at its own minute: a source is fetched when its last
  // refresh is older than MCP_REGISTRY_REFRESH_INTERVAL (kept in Kv across restarts).
  for (const name of registry.catalog.sourceNames) {
    const minute = registry.catalog.checkMinuteOf(name);
    Deno.cron(`mcp-registry refresh ${name}`, `${minute} * * * *`, async () => {
      await registry.catalog.refreshDue([name]);
    });
  }
}

async function serveHttpCommand(args: string[]): Promise<void> {
  let flags;
  try {
    flags = parseArgs({
      args,
      options: {
        http: { type: "boolean" },
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "7768" },
        "header-timeout": { type: "string", default: "15" },
      },
    }).values;
  } catch (error) {
    console.error(`mcp-registry serve: ${(error as Error).message}\n\n${SERVE_USAGE}`);
    Deno.exit(2);
  }
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`mcp-registry serve: --port "${flags.port}" is not a port number (0-65535)`);
    Deno.exit(2);
  }
  const headerTimeout = Number(flags["header-timeout"]);
  if (!Number.isFinite(headerTimeout) || headerTimeout <= 0 || headerTimeout > 3600) {
    console.error(
      `mcp-registry serve: --header-timeout "${
        flags["header-timeout"]
      }" is not a number of seconds ` +
        "above 0, at most 3600 (default 15)",
    );
    Deno.exit(2);
  }
  const config = loadConfig();
  const { generateToken, serveHttp } = await import("./src/http/serve_http.ts");
  const registry = await startRegistry({ config });
  const given = Deno.env.get("MCP_REGISTRY_TOKEN")?.trim();
  const token = given || generateToken();
  let endpoint;
  try {
    endpoint = await serveHttp(registry, {
      host: flags.host,
      port,
      token,
      log: registry.log,
      headerTimeoutMs: headerTimeout * 1000,
    });
  } catch (error) {
    console.error(`mcp-registry: ${(error as Error).message}`);
    await registry[Symbol.asyncDispose]();
    Deno.exit(1);
  }
  if (!isLoopback(flags.host)) {
    registry.log.warn("listening beyond this machine: anyone who has the token can run servers", {
      host: flags.host,
    });
  }
  console.error(`mcp-registry ${VERSION} listening on ${endpoint.url}`);
  // A token the person chose is theirs: it is not echoed into a terminal, its scrollback or a
  // log. One the registry made is printed, or nobody could sign in.
  console.error(
    given
      ? `web page: ${endpoint.pageUrl} (sign in once with ?token=<MCP_REGISTRY_TOKEN>, ` +
        "or run mcp-registry ui with the same MCP_REGISTRY_TOKEN)\n" +
        "token: the one in MCP_REGISTRY_TOKEN (not shown)"
      : `web page: ${endpoint.pageUrl}?token=${encodeURIComponent(token)}\n` +
        `token: ${token}\n(send "Authorization: Bearer <token>"; set MCP_REGISTRY_TOKEN to keep one)`,
  );
  scheduleRefreshes(registry);
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    registry.log.info("stopping", { why });
    await endpoint[Symbol.asyncDispose]();
    await registry[Symbol.asyncDispose]();
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void stop(signal));
  }
}

async function serveStdio(): Promise<void> {
  const config = loadConfig();
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
  // The SDK's default cap (10 MB) would close the whole registry on one large tool call, and
  // its read buffer costs the square of a message's length (see src/proxy/_line_buffer.ts).
  await registry.server.connect(
    withLineBuffer(
      new StdioServerTransport(undefined, undefined, { maxBufferSize: MAX_MESSAGE_BYTES }),
      MAX_MESSAGE_BYTES,
    ),
  );
  scheduleRefreshes(registry);
  registry.ready.then(
    () => registry.log.info("catalog loaded", { entries: registry.catalog.index.size }),
    (error) => registry.log.error("catalog failed to load", { error: String(error) }),
  );
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  if (command === "--help" || command === "-h" || command === "help") {
    const { commandHelp } = await import("./src/cli/cli.ts");
    console.log(usage(commandHelp()));
  } else if (command === "--version" || command === "-V") {
    console.log(VERSION);
  } else if (command === "serve" && (rest.includes("--help") || rest.includes("-h"))) {
    console.log(SERVE_USAGE);
  } else if (command === undefined || (command === "serve" && rest.length === 0)) {
    await serveStdio();
  } else if (command === "serve" && rest.includes("--http")) {
    await serveHttpCommand(rest);
  } else if (command !== "serve") {
    const { runCli } = await import("./src/cli/cli.ts");
    Deno.exit(await runCli(Deno.args));
  } else {
    // `serve` with options but no --http: the stdio server takes none.
    const given = rest.filter((a) => a.startsWith("-")).map((a) => a.slice(0, 40)).join(" ");
    console.error(
      `mcp-registry serve: ${given ? `${given} needs --http` : "unexpected arguments"}: the ` +
        "stdio server takes no options; run `mcp-registry serve` alone, or " +
        `\`mcp-registry ${SERVE_HTTP}\``,
    );
    Deno.exit(2);
  }
}
