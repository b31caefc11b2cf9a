/**
 * The registry's web page and its JSON API, served by `serve --http` beside `/mcp`.
 *
 * How a request flows:
 * 1. `serve_http.ts` checks `Host` and `Origin` (DNS rebinding) and hands every path but `/mcp`
 *    to {@linkcode WebApp.handle}.
 * 2. `GET /?token=<token>` (the URL printed at start-up) sets an HttpOnly, SameSite=Strict
 *    cookie and redirects to `/`; every other request needs that cookie or the bearer token,
 *    else 401 with how to open the page.
 * 3. Requests that change something (POST, PUT, DELETE) also need an `Origin` equal to the
 *    registry's own and a JSON body.
 * 4. The routes: the page (`/`, `/app.js`, `/app.css`), the API in `_api.ts`, the event stream
 *    in `_events.ts`.
 *
 * @module
 */
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
import { EventHub } from "./_events.ts";

/** Options for {@linkcode createWebApp}. */
export interface WebAppOptions {
  registry: Registry;
  /** The registry's bearer token: the page's URL carries it once. */
  token: string;
  log: Logger;
}

/** The page and its API. */
export interface WebApp {
  /** Answers a request for any path but `/mcp`; null when the path is none of the page's. */
  handle(request: Request, url: URL): Promise<Response | null>;
  /** Ends the event streams (before the HTTP server shuts down). */
  close(): void;
}

/** The largest JSON body the API reads. */
const MAX_BODY = 256 * 1024;
/** How long the page's cookie lasts; a new token (a restart without MCP_REGISTRY_TOKEN) voids it. */
const COOKIE_MAX_AGE = 30 * 24 * 3600;

const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; " +
    "frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

/** Builds the page's request handler over `registry`. */
export function createWebApp(options: WebAppOptions): WebApp {
  const { registry, token, log } = options;
  const hub = new EventHub(registry);
  const cookieValue = sessionValue(token);
  const tokenBytes = new TextEncoder().encode(token);
  const bearerBytes = new TextEncoder().encode(`Bearer ${token}`);
  const files = new Map<string, Promise<string>>();

  const report = (event: Parameters<EventHub["reportProgress"]>[0]) => hub.reportProgress(event);

  async function authorized(request: Request, cookieName: string): Promise<boolean> {
    const bearer = request.headers.get("authorization");
    if (bearer !== null) return sameBytes(new TextEncoder().encode(bearer), bearerBytes);
    const cookie = readCookie(request.headers.get("cookie") ?? "", cookieName);
    if (cookie === null) return false;
    return sameBytes(new TextEncoder().encode(cookie), new TextEncoder().encode(await cookieValue));
  }

  async function route(request: Request, url: URL): Promise<Response> {
    const { pathname } = url;
    const method = request.method;
    const asset = STATIC[pathname];
    if (asset) {
      if (method !== "GET" && method !== "HEAD") return notAllowed("GET");
      let text = files.get(asset.file);
      if (!text) files.set(asset.file, text = readStatic(asset.file));
      try {
        return new Response(await text, {
          headers: { ...SECURITY_HEADERS, "content-type": asset.type },
        });
      } catch (error) {
        files.delete(asset.file);
        log.error("web page file missing", { file: asset.file, error: String(error) });
        return plain(
          500,
          `The page's file ${asset.file} is missing from this build of mcp-registry ` +
            "(a compiled binary needs --include src/web/static)",
        );
      }
    }
    if (!pathname.startsWith("/api/")) {
      return plain(404, "Not found: the page is at /, the MCP endpoint at /mcp");
    }
    const parts = pathname.slice(5).split("/").map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return "\u0000";
      }
    });
    if (parts.some((p) => p.includes("\u0000") || p.length > 200)) {
      return json({ status: 400, body: { error: "Malformed path" } });
    }
    const [resource, id, action, ...extra] = parts;
    if (extra.length) return json({ status: 404, body: { error: "No such API route" } });
    await registry.ready;

    if (resource === "events" && id === undefined) {
      if (method !== "GET") return notAllowed("GET");
      return hub.stream();
    }
    if (resource === "catalog" && id === undefined) {
      if (method !== "GET") return notAllowed("GET");
      return json(searchCatalog(registry, url.searchParams));
    }
    if (resource === "entries" && id && action === undefined) {
      if (method !== "GET") return notAllowed("GET");
      return json(await entryDetail(registry, id));
    }
    if (resource === "entries" && id && action === "config") {
      if (method !== "PUT") return notAllowed("PUT");
      const body = await readJson(request);
      if ("error" in body) return json(body.error);
      const result = await setConfig(registry, id, (body.value as { values?: unknown }).values);
      hub.check();
      return json(result);
    }
    if (resource === "active" && id === undefined) {
      if (method === "GET") return json({ status: 200, body: await activeServers(registry) });
      if (method !== "POST") return notAllowed("GET, POST");
      const body = await readJson(request);
      if ("error" in body) return json(body.error);
      const wanted = (body.value as { id?: unknown }).id;
      if (typeof wanted !== "string") {
        return json({ status: 400, body: { error: 'Send {"id": "<catalog id>"}' } });
      }
      hub.check();
      const result = await addServer(registry, wanted, progressCall("add", report));
      hub.check();
      return json(result);
    }
    if (resource === "active" && id && action === undefined) {
      if (method !== "DELETE") return notAllowed("DELETE");
      const result = await removeServer(registry, id);
      hub.check();
      return json(result);
    }
    if (resource === "active" && id && action === "restart") {
      if (method !== "POST") return notAllowed("POST");
      const result = await restartServer(registry, id, progressCall("add", report));
      hub.check();
      return json(result);
    }
    if (resource === "sources" && id === undefined) {
      if (method !== "GET") return notAllowed("GET");
      return json({ status: 200, body: sourcesStatus(registry, hub.progress) });
    }
    if (resource === "sources" && id && action === "refresh") {
      if (method !== "POST") return notAllowed("POST");
      const result = await refreshSource(registry, id, progressCall("refresh", report));
      hub.check();
      return json(result);
    }
    return json({ status: 404, body: { error: "No such API route" } });
  }

  return {
    async handle(request, url) {
      const cookieName = `mcp_registry_${url.port || "80"}`;
      const given = url.pathname === "/" ? url.searchParams.get("token") : null;
      if (given !== null) {
        if (!sameBytes(new TextEncoder().encode(given), tokenBytes)) return unauthorized(url);
        return new Response(null, {
          status: 303,
          headers: {
            ...SECURITY_HEADERS,
            location: "/",
            "set-cookie": `${cookieName}=${await cookieValue}; HttpOnly; SameSite=Strict; ` +
              `Path=/; Max-Age=${COOKIE_MAX_AGE}`,
          },
        });
      }
      if (!(await authorized(request, cookieName))) return unauthorized(url);
      if (!["GET", "HEAD"].includes(request.method)) {
        // The Host was checked against our own addresses; the Origin must be that very one.
        const origin = request.headers.get("origin");
        const own = `http://${request.headers.get("host") ?? ""}`.toLowerCase();
        if (origin === null || origin.toLowerCase() !== own) {
          return plain(
            403,
            `Changes need the header "Origin: ${own}" (browsers send it; other clients must ` +
              "add it)",
          );
        }
      }
      try {
        return await route(request, url);
      } catch (error) {
        log.error("web request failed", { path: url.pathname, error: String(error) });
        return json({
          status: 500,
          // The detail goes to the log only: an unexpected error may carry anything.
          body: { error: "Internal error in mcp-registry; its log (stderr) has the details" },
        });
      }
    },
    close() {
      hub.close();
    },
  };
}

/** The cookie's value: derived from the token, so the cookie alone is no bearer token. */
async function sessionValue(token: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`mcp-registry web page\u0000${token}`),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Reads a static file of the page beside this module (or fetches it, when run from a URL). */
async function readStatic(file: string): Promise<string> {
  const url = new URL(`./static/${file}`, import.meta.url);
  if (url.protocol === "file:") return await Deno.readTextFile(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return await response.text();
}

async function readJson(
  request: Request,
): Promise<{ value: Record<string, unknown> } | { error: ApiResult }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    return {
      error: { status: 415, body: { error: "Send JSON (Content-Type: application/json)" } },
    };
  }
  const text = await readBody(request, MAX_BODY);
  if (text === null) {
    return { error: { status: 413, body: { error: `The body is over ${MAX_BODY} bytes` } } };
  }
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return { value };
  } catch { /* below */ }
  return { error: { status: 400, body: { error: "The body must be a JSON object" } } };
}

/**
 * The body as text, or null when it is over `max` bytes: a declared length over it is refused
 * unread, and a body without one (chunked) is read only until it passes `max`.
 */
async function readBody(request: Request, max: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? "0") > max) return null;
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

function readCookie(header: string, name: string): string | null {
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

function unauthorized(url: URL): Response {
  return new Response(
    "Unauthorized: open the page with the address mcp-registry printed when it started " +
      `(${url.origin}/?token=<token>), or run \`mcp-registry ui\` with MCP_REGISTRY_TOKEN set. ` +
      'API clients may send "Authorization: Bearer <token>" instead.\n',
    {
      status: 401,
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/plain; charset=utf-8",
        "www-authenticate": 'Bearer realm="mcp-registry"',
      },
    },
  );
}

function json(result: ApiResult): Response {
  return new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" },
  });
}

function plain(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}

function notAllowed(allow: string): Response {
  return new Response(`Method not allowed; use ${allow}\n`, {
    status: 405,
    headers: { ...SECURITY_HEADERS, allow, "content-type": "text/plain; charset=utf-8" },
  });
}

/** Compares in time that does not depend on where the inputs differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i]!;
  return diff === 0;
}
