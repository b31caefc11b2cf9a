/**
 * From a remote catalog entry and the user's settings to what a connection needs: the URL, the
 * transport, and headers with `${SECRET}` filled in. Pure.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { ServerConfig } from "../catalog/settings.ts";
import { LaunchError } from "./launch_spec.ts";

/** What one remote connection needs. Header values may hold secrets: never log them. */
export interface RemoteSpec {
  url: URL;
  transport: "streamable-http" | "sse";
  headers: Record<string, string>;
}

/** Options for {@linkcode buildRemoteSpec}. */
export interface RemoteOptions {
  /** Plain http to hosts other than loopback (`MCP_REGISTRY_ALLOW_INSECURE_REMOTES=1`). */
  allowInsecure?: boolean;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

/** Builds the connection spec; a `LaunchError` says what the user or catalog must fix. */
export function buildRemoteSpec(
  entry: CatalogEntry,
  config: ServerConfig,
  options: RemoteOptions = {},
): RemoteSpec {
  if (!entry.remote) {
    throw new LaunchError(`${entry.id} is a remote server without a URL in the catalog`);
  }
  let url: URL;
  try {
    url = new URL(entry.remote.url);
  } catch {
    throw new LaunchError(`${entry.id} has an invalid URL in the catalog: ${entry.remote.url}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new LaunchError(
      `${entry.id}: only http(s) remote servers are supported, not ${url.protocol}`,
    );
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !options.allowInsecure) {
    throw new LaunchError(
      `${entry.id} is served over plain http (${url.host}), where its traffic and keys could be ` +
        "read on the way. mcp-registry connects over https, or over http to this machine only; " +
        "set MCP_REGISTRY_ALLOW_INSECURE_REMOTES=1 to allow it anyway",
    );
  }
  const byEnv: Record<string, string> = {};
  for (const secret of entry.config.secrets) {
    const value = config.secrets[secret.name];
    if (value) byEnv[secret.env] = value;
  }
  for (const oauth of entry.oauth) {
    const value = oauth.secret ? config.secrets[oauth.secret] : undefined;
    if (value && oauth.env) byEnv[oauth.env] = value;
  }
  for (const item of entry.config.env) {
    const value = config.env[item.name];
    if (value && item.value === undefined) byEnv[item.name] = value;
  }
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(entry.remote.headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new LaunchError(`${entry.id}: the catalog's header name "${name}" is not valid`);
    }
    let missing = false;
    const value = template.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_, a, b) => {
        const v = byEnv[a ?? b];
        if (v === undefined) missing = true;
        return v ?? "";
      },
    );
    if (missing) continue; // an optional key left unset: send no header rather than a broken one
    if (/[\r\n\0]/.test(value)) {
      throw new LaunchError(`${entry.id}: the value for header ${name} holds line breaks`);
    }
    headers[name] = value;
  }
  // OAuth: mcp-registry runs no browser flow; a token the user set goes as a bearer token.
  if (
    entry.oauth.length > 0 && !Object.keys(headers).some((h) => h.toLowerCase() === "authorization")
  ) {
    const token = entry.oauth.map((o) => o.env && byEnv[o.env]).find((v) => v);
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (Object.keys(headers).length === 0) {
      const keys = entry.oauth.map((o) => o.secret).filter((s) => s);
      throw new LaunchError(
        `${entry.id} signs in with OAuth (${entry.oauth.map((o) => o.provider).join(", ")}), ` +
          "and mcp-registry does not run OAuth sign-in flows. If the service offers an API or " +
          `personal access token, store it with registry-config-set ${
            JSON.stringify({ id: entry.id, values: { [keys[0] ?? "token"]: "<token>" } })
          }; it is sent as "Authorization: Bearer <token>"`,
      );
    }
  }
  return { url, transport: entry.remote.transport, headers };
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
