/**
 * The registry's web page and its JSON API, served by `serve --http` beside `/mcp`: Hono routes
 * that `serve_http.ts` mounts after its own address checks and the MCP endpoint.
 *
 * How a request flows:
 * 1. `serve_http.ts` checks `Host` and `Origin` (DNS rebinding), answers `/mcp` itself and
 *    leaves every other path to these routes.
 * 2. `GET /?token=<token>` (the URL printed at start-up) sets an HttpOnly, SameSite=Strict
 *    cookie and redirects to `/`; every other request needs that cookie or the bearer token,
 *    else 401 with how to open the page (`_auth.ts`).
 * 3. Requests that change something (POST, PUT, DELETE) also need an `Origin` equal to the
 *    registry's own; those with a body need JSON of at most 256 KiB.
 * 4. The routes: the page's files (`static/`), the API in `_api.ts`, the event stream in
 *    `_events.ts`. Every answer carries the page's security headers.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { Registry } from "../registry/context.ts";
import type { Logger } from "../util/log.ts";
import {
  activeServers,
  addServer,
  type ApiResult,
  entryDetail,
  progressCall,
  refreshSource,
  removeServer,
  restartServer,
  searchCatalog,
  setConfig,
  sourcesStatus,
} from "./_api.ts";
import { pageSignIn, type WebEnv } from "./_auth.ts";
import { EventHub } from "./_events.ts";
import { PAGE_FILES, staticFiles } from "./_static.ts";

export type { WebEnv };

/** Options for {@linkcode createWebApp}. */
export interface WebAppOptions {
  registry: Registry;
  /** The registry's bearer token: the page's URL carries it once. */
  token: string;
  log: Logger;
}

/** The page and its API. */
export interface WebApp {
  /** The routes of every path but `/mcp`, to mount at `/`. */
  routes: Hono<WebEnv>;
  /** Ends the event streams (before the HTTP server shuts down). */
  close(): void;
}

/** The largest JSON body the API reads. */
const MAX_BODY = 256 * 1024;

/** The page's security headers: its own files only, nothing inline, no frames. */
const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  // Plain HTTP on loopback: a browser ignores HSTS there, and it must not stick to localhost.
  strictTransportSecurity: false,
});

type Handler = (c: Context<WebEnv>) => Response | Promise<Response>;

/** A path parameter of the route that matched (decoded by Hono). */
const param = (c: Context<WebEnv>, name: string): string => c.req.param(name) ?? "";

/** Builds the page's routes over `registry`. */
export function createWebApp(options: WebAppOptions): WebApp {
  const { registry, token, log } = options;
  const hub = new EventHub(registry);
  const report = (event: Parameters<EventHub["reportProgress"]>[0]) => hub.reportProgress(event);
  const access = pageSignIn(token, unauthorized);
  const files = staticFiles(log);
  const app = new Hono<WebEnv>();

  app.onError((error, c) => {
    log.error("web request failed", { path: c.get("url")?.pathname, error: String(error) });
    // The detail goes to the log only: an unexpected error may carry anything.
    return json({
      status: 500,
      body: { error: "Internal error in mcp-registry; its log (stderr) has the details" },
    });
  });
  app.use("*", securityHeaders, async (c, next) => {
    await next();
    c.res.headers.set("cache-control", "no-store");
  });
  app.use("*", async (c, next) => {
    const given = c.get("url").pathname === "/" ? c.req.query("token") : undefined;
    if (given !== undefined) return await access.signIn(c, given);
    return await next();
  });
  app.use("*", access.required, ownOrigin);

  /** `path` answers `handlers` (by method, HEAD counting as GET for files only); 405 else. */
  const route = (path: string, handlers: Record<string, Handler>, head = false) => {
    const allow = Object.keys(handlers).join(", ");
    for (const [method, handler] of Object.entries(handlers)) {
      app.on(method, path, (c) => {
        // Hono answers HEAD with the GET handler; the API's GETs (the event stream!) refuse it.
        if (c.req.method === "HEAD" && !head) return notAllowed(allow);
        return handler(c);
      });
    }
    app.all(path, () => notAllowed(allow));
  };

  route("/", { GET: () => files.answer("index.html") }, true);
  route("/:file{[a-z_]+\\.(?:js|css)}", {
    GET: (c) => {
      const file = param(c, "file");
      return PAGE_FILES.has(file) ? files.answer(file) : notFound();
    },
  }, true);

  app.use("/api/*", async (c, next) => {
    const problem = malformed(c.get("url").pathname);
    if (problem) return json(problem);
    await registry.ready;
    return await next();
  });
  const limit = limitedBody(MAX_BODY);
  const readJson = async (c: Context<WebEnv>) => {
    const value = await c.req.json().catch(() => null);
    return value && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : null;
  };
  const notAnObject = () =>
    json({ status: 400, body: { error: "The body must be a JSON object" } });

  route("/api/events", { GET: (c) => hub.stream(c) });
  route("/api/catalog", { GET: (c) => json(searchCatalog(registry, c.get("url").searchParams)) });
  route("/api/entries/:id", {
    GET: async (c) => json(await entryDetail(registry, param(c, "id"))),
  });
  app.put("/api/entries/:id/config", jsonBody, limit);
  route("/api/entries/:id/config", {
    PUT: async (c) => {
      const value = await readJson(c);
      if (value === null) return notAnObject();
      const result = await setConfig(registry, param(c, "id"), value.values);
      hub.check();
      return json(result);
    },
  });
  app.post("/api/active", jsonBody, limit);
  route("/api/active", {
    GET: async () => json({ status: 200, body: await activeServers(registry) }),
    POST: async (c) => {
      const value = await readJson(c);
      if (value === null) return notAnObject();
      if (typeof value.id !== "string") {
        return json({ status: 400, body: { error: 'Send {"id": "<catalog id>"}' } });
      }
      if (value.build !== undefined && typeof value.build !== "boolean") {
        return json({
          status: 400,
          body: { error: '"build" is true (the person agreed to the build) or false' },
        });
      }
      hub.check();
      const result = await addServer(registry, value.id, progressCall("add", report), {
        build: value.build === true,
      });
      hub.check();
      return json(result);
    },
  });
  route("/api/active/:id", {
    DELETE: async (c) => {
      const result = await removeServer(registry, param(c, "id"));
      hub.check();
      return json(result);
    },
  });
  route("/api/active/:id/restart", {
    POST: async (c) => {
      const call = progressCall("add", report);
      const result = await restartServer(registry, param(c, "id"), call);
      hub.check();
      return json(result);
    },
  });
  route("/api/sources", {
    GET: () => json({ status: 200, body: sourcesStatus(registry, hub.progress) }),
  });
  route("/api/sources/:name/refresh", {
    POST: async (c) => {
      const call = progressCall("refresh", report);
      const result = await refreshSource(registry, param(c, "name"), call);
      hub.check();
      return json(result);
    },
  });
  app.all("/api/*", () => json({ status: 404, body: { error: "No such API route" } }));
  app.all("*", () => notFound());

  return { routes: app, close: () => hub.close() };
}

/** Changes (any method but GET and HEAD) need the registry's own `Origin`. */
const ownOrigin: MiddlewareHandler<WebEnv> = async (c, next) => {
  if (!["GET", "HEAD"].includes(c.req.method)) {
    // The Host was checked against our own addresses; the Origin must be that very one.
    const origin = c.req.header("origin");
    const own = `http://${c.req.header("host") ?? ""}`.toLowerCase();
    if (origin === undefined || origin.toLowerCase() !== own) {
      return plain(
        403,
        `Changes need the header "Origin: ${own}" (browsers send it; other clients must add it)`,
      );
    }
  }
  return await next();
};

/** A body must say it is JSON (a plain form cannot). */
const jsonBody: MiddlewareHandler<WebEnv> = async (c, next) => {
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) {
    return json({
      status: 415,
      body: { error: "Send JSON (Content-Type: application/json)" },
    });
  }
  return await next();
};

/**
 * Hono's `bodyLimit`, with the request's stream cancelled when it refuses: it stops reading at
 * `maxSize` but leaves the stream open, and a client sending a huge chunked body would hang in
 * its writes until the connection timed out, instead of being cut off.
 */
function limitedBody(maxSize: number): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const body = c.req.raw.body;
    let refused = false;
    const limit = bodyLimit({
      maxSize,
      onError: () => {
        refused = true;
        return tooLarge();
      },
    });
    if (body === null) return await limit(c, next);
    const stop = new AbortController();
    // Not `new Request(c.req.raw, ...)`: that reads the request's signal, and Deno.serve then warns
    // about its legacy abort behaviour on stderr.
    const { url, method, headers } = c.req.raw;
    c.req.raw = new Request(url, {
      method,
      headers,
      body: body.pipeThrough(new TransformStream(), { signal: stop.signal }),
    });
    const answer = await limit(c, next);
    if (refused) stop.abort();
    return answer;
  };
}

/** An API path whose parts do not decode, or are too long, is refused before routing. */
function malformed(pathname: string): ApiResult | null {
  const bad = pathname.slice(5).split("/").some((part) => {
    try {
      const decoded = decodeURIComponent(part);
      return decoded.includes("\u0000") || decoded.length > 200;
    } catch {
      return true;
    }
  });
  return bad ? { status: 400, body: { error: "Malformed path" } } : null;
}

function unauthorized(c: Context<WebEnv>): Response {
  return new Response(
    "Unauthorized: open the page with the address mcp-registry printed when it started " +
      `(${c.get("url").origin}/?token=<token>), or run \`mcp-registry ui\` with ` +
      'MCP_REGISTRY_TOKEN set. API clients may send "Authorization: Bearer <token>" instead.\n',
    {
      status: 401,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "www-authenticate": 'Bearer realm="mcp-registry"',
      },
    },
  );
}

function json(result: ApiResult): Response {
  return new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

function plain(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

function notFound(): Response {
  return plain(404, "Not found: the page is at /, the MCP endpoint at /mcp");
}

function tooLarge(): Response {
  return json({ status: 413, body: { error: `The body is over ${MAX_BODY} bytes` } });
}

function notAllowed(allow: string): Response {
  return new Response(`Method not allowed; use ${allow}\n`, {
    status: 405,
    headers: { allow, "content-type": "text/plain; charset=utf-8" },
  });
}
