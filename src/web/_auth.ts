/**
 * Who may use `serve --http`: the bearer token (MCP clients, scripts) and, for the web page, an
 * HttpOnly cookie derived from it. Comparisons run in constant time (Hono's `timingSafeEqual`);
 * tokens and cookie values are base64url (Node's `Buffer`), one helper each for the whole server.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { timingSafeEqual } from "hono/utils/buffer";

/** What the HTTP server knows of a request once its address was checked. */
export interface WebEnv {
  Variables: {
    /** The request's URL on the checked `Host` (not what a request line in absolute form says). */
    url: URL;
  };
}

/** How long the page's cookie lasts; a new token (a restart without MCP_REGISTRY_TOKEN) voids it. */
const COOKIE_MAX_AGE = 30 * 24 * 3600;

/** `bytes` in base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** A random token for clients, 256 bits in base64url. */
export function generateToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Whether `given` is `expected`, in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): Promise<boolean> {
  return timingSafeEqual(given, expected);
}

/** Whether an `Authorization` header (null when absent) carries `token`. */
export function bearerMatches(header: string | null, token: string): Promise<boolean> {
  return sameSecret(header ?? "", `Bearer ${token}`);
}

/** The sign-in of the page: `/?token=`, the cookie, or the bearer token. */
export interface PageSignIn {
  /** Answers `GET /?token=<token>`: the cookie and a redirect to `/`, else 401. */
  signIn(c: Context<WebEnv>, given: string): Promise<Response>;
  /** Lets a request pass with the bearer token or the cookie; 401 otherwise. */
  required: MiddlewareHandler<WebEnv>;
}

/** The page's sign-in for `token`; `unauthorized` answers who may not pass. */
export function pageSignIn(
  token: string,
  unauthorized: (c: Context<WebEnv>) => Response,
): PageSignIn {
  const cookieValue = sessionValue(token);
  const cookieName = (c: Context<WebEnv>) => `mcp_registry_${c.get("url").port || "80"}`;
  return {
    async signIn(c, given) {
      if (!(await sameSecret(given, token))) return unauthorized(c);
      setCookie(c, cookieName(c), await cookieValue, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
        maxAge: COOKIE_MAX_AGE,
      });
      return c.redirect("/", 303);
    },
    async required(c, next) {
      const bearer = c.req.header("authorization") ?? null;
      const cookie = getCookie(c, cookieName(c));
      const passes = bearer !== null
        ? await bearerMatches(bearer, token)
        : cookie !== undefined && await sameSecret(cookie, await cookieValue);
      if (!passes) return unauthorized(c);
      return await next();
    },
  };
}

/** The cookie's value: derived from the token, so the cookie alone is no bearer token. */
async function sessionValue(token: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`mcp-registry web page\u0000${token}`),
  );
  return base64url(new Uint8Array(digest));
}
