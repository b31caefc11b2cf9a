/**
 * The registry over Streamable HTTP (`mcp-registry serve --http`): one MCP session per client,
 * all sharing the catalog and the active servers, and the web page at `/` (`src/web/`).
 * Loopback by default; every request needs the bearer token (the page: its cookie); `Host` and
 * `Origin` are checked against DNS rebinding.
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { Registry } from "../registry/context.ts";
import type { Logger } from "../util/log.ts";
import { WebStandardStreamableHTTPServerTransport } from "../mcp/sdk_http.ts";
import { bearerMatches, generateToken, type WebEnv } from "../web/_auth.ts";
import { createWebApp } from "../web/web_app.ts";
import { listenWithHeaderDeadline } from "./_header_deadline.ts";

export { generateToken };

/** How long a client may take to send a request's headers. */
export const DEFAULT_HEADER_TIMEOUT_MS = 15_000;

/** Options for {@linkcode serveHttp}. */
export interface ServeHttpOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 7768 */
  port?: number;
  /** The bearer token clients must send. */
  token: string;
  log: Logger;
  /**
   * How long a client may take to send a request's header block before its connection is
   * closed (against slowloris; see `_header_deadline.ts`). @default 15_000
   */
  headerTimeoutMs?: number;
}

/** A running HTTP endpoint. */
export interface HttpEndpoint extends AsyncDisposable {
  /** The MCP endpoint, e.g. `http://127.0.0.1:7768/mcp`. */
  url: string;
  /** The web page, e.g. `http://127.0.0.1:7768/` (open it once with `?token=<token>`). */
  pageUrl: string;
  /** Open client sessions. */
  sessions: () => number;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

/** Serves `registry` over Streamable HTTP at `/mcp`. */
export async function serveHttp(
  registry: Registry,
  options: ServeHttpOptions,
): Promise<HttpEndpoint> {
  const {
    host = "127.0.0.1",
    port = 7768,
    token,
    log,
    headerTimeoutMs = DEFAULT_HEADER_TIMEOUT_MS,
  } = options;
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  const web = createWebApp({ registry, token, log });

  /** DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host/Origin. */
  const ownAddress: MiddlewareHandler<WebEnv> = async (c, next) => {
    const hostHeader = (c.req.header("host") ?? "").toLowerCase();
    if (!allowedHosts.has(hostHeader)) {
      return refuse(403, `Host "${hostHeader.slice(0, 100)}" is not this registry's address`);
    }
    // A request line in absolute form (`GET http://other/ HTTP/1.1`) names its own host; only
    // the checked Host may decide the page's address and its cookie's name.
    // Behind the front the server listens on a Unix socket: its URLs say `http+unix:`.
    const url = URL.parse(c.req.url.replace(/^http\+unix:/, "http:"));
    if (url === null || url.host !== URL.parse(`http://${hostHeader}`)?.host) {
      return refuse(400, "The request's target must be a path on this registry's address");
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
      return refuse(403, `Origin "${origin.slice(0, 100)}" may not use this registry`);
    }
    c.set("url", url);
    return await next();
  };

  const mcp = async (request: Request): Promise<Response> => {
    if (!(await bearerMatches(request.headers.get("authorization"), token))) {
      return new Response(
        'Unauthorized: send the registry\'s token as "Authorization: Bearer <token>" (it is ' +
          "printed when the registry starts, or set it with MCP_REGISTRY_TOKEN)\n",
        { status: 401, headers: { "www-authenticate": 'Bearer realm="mcp-registry"' } },
      );
    }
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId) {
      const transport = sessions.get(sessionId);
      if (!transport) return refuse(404, "Unknown or closed session: initialize a new one");
      return await transport.handleRequest(request);
    }
    if (request.method !== "POST") {
      return refuse(400, "Start a session with an initialize request (POST) first");
    }
    // A new session: its own MCP server over the shared registry.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
        log.info("http session opened", { sessions: sessions.size });
      },
    });
    const server = registry.newServer();
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close().catch(() => {});
      log.info("http session closed", { sessions: sessions.size });
    };
    await server.connect(transport);
    return await transport.handleRequest(request);
  };

  // Order matters: the address check first, then `/mcp` (which answers and stops), then the
  // page's routes for every other path.
  const app = new Hono<WebEnv>()
    .use(ownAddress)
    .all("/mcp", (c) => mcp(c.req.raw))
    .route("/", web.routes);

  // Deno.serve behind a front that enforces the header deadline; only the front can reach it.
  const socketDir = await Deno.makeTempDir({ prefix: "mcp-registry-http-" });
  await Deno.chmod(socketDir, 0o700);
  const socket = `${socketDir}/http.sock`;
  let front;
  try {
    front = listenWithHeaderDeadline({
      hostname: host,
      port,
      target: socket,
      timeoutMs: headerTimeoutMs,
      onTimeout: () => log.debug("http connection closed: its headers took too long"),
    });
  } catch (error) {
    await Deno.remove(socketDir, { recursive: true }).catch(() => {});
    throw new Error(
      `Cannot listen on ${host}:${port}: ${(error as Error).message}. Pick another port with ` +
        "--port",
    );
  }
  const httpServer = Deno.serve({
    transport: "unix",
    path: socket,
    onListen: () => {},
    onError: (error) => {
      log.error("http request failed", { error: String(error) });
      return refuse(500, "Internal error");
    },
  }, app.fetch);
  const bound = front.addr.port;
  const names = new Set([host, "127.0.0.1", "localhost", "[::1]"]);
  allowedHosts = new Set([...names].map((n) => `${n}:${bound}`.toLowerCase()));
  allowedOrigins = new Set([...names].map((n) => `http://${n}:${bound}`.toLowerCase()));
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/mcp`,
    pageUrl: `http://${shown}:${bound}/`,
    sessions: () => sessions.size,
    finished: httpServer.finished,
    async [Symbol.asyncDispose]() {
      web.close();
      for (const transport of [...sessions.values()]) await transport.close().catch(() => {});
      // A graceful shutdown waits for open responses; a client that never lets go of one must
      // not keep the registry from stopping.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        httpServer.shutdown(),
        new Promise((r) => timer = setTimeout(r, 3_000)),
      ]);
      clearTimeout(timer);
      front.close();
      await Deno.remove(socketDir, { recursive: true }).catch(() => {});
    },
  };
}

function refuse(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
  });
}
