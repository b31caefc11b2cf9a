/**
 * `mcp-registry ui [--port N] [--host H]`: the web page of a running `serve --http`, opened in
 * the browser when there is a desktop, printed otherwise.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { checkArgs, emit, EXIT, parseCommand, UsageError } from "./_io.ts";

/** The program that opens a URL in the user's browser here; null without a desktop. */
export function browserCommand(
  os: typeof Deno.build.os,
  env: (name: string) => string | undefined,
): { command: string; args: (url: string) => string[] } | null {
  if (os === "darwin") return { command: "open", args: (url) => [url] };
  if (os === "windows") return { command: "cmd", args: (url) => ["/c", "start", '""', url] };
  if (env("DISPLAY") || env("WAYLAND_DISPLAY")) return { command: "xdg-open", args: (u) => [u] };
  return null;
}

export const uiCommand: Command = {
  name: "ui",
  usage: `Usage: mcp-registry ui [--port N] [--host H] [--json]

Prints the address of the web page of a running \`mcp-registry serve --http\` (the catalog, the
running servers, the sources) and opens it in your browser when there is a desktop. The address
carries the token, so the registry must have been started with MCP_REGISTRY_TOKEN set, and this
command run with the same MCP_REGISTRY_TOKEN; otherwise open the address serve --http printed.

  --port N   the port serve --http listens on (7768)
  --host H   the address it listens on (127.0.0.1)

Exit codes: 0 the page is there, 2 MCP_REGISTRY_TOKEN is not set or bad arguments,
4 no registry answers there (or it has another token).`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {
      port: { type: "string", default: "7768" },
      host: { type: "string", default: "127.0.0.1" },
    });
    checkArgs(positionals, { what: "no arguments" });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UsageError(`--port "${values.port}" is not a port number (1-65535)`);
    }
    const host = String(values.host);
    const token = Deno.env.get("MCP_REGISTRY_TOKEN")?.trim();
    const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
    if (!token) {
      out.note(
        "MCP_REGISTRY_TOKEN is not set, so the page's address (which carries the token) is not " +
          "known here. Either open the address `mcp-registry serve --http` printed when it " +
          "started (web page: ...), or start it with MCP_REGISTRY_TOKEN set and run " +
          `\`mcp-registry ui\` with the same MCP_REGISTRY_TOKEN. The page is at ${base}.`,
      );
      return EXIT.usage;
    }
    const url = `${base}?token=${encodeURIComponent(token)}`;
    const problem = await checkPage(base, token);
    if (problem) {
      out.note(problem);
      return EXIT.unavailable;
    }
    const opened = await openBrowser(url);
    emit(out, values.json === true, { url, opened }, () => url);
    out.note(
      opened
        ? "Opened in your browser."
        : "Open this address in a browser on this machine (it signs you in once).",
    );
    return EXIT.ok;
  },
};

/** Null when a registry with this token serves the page at `base`, else what is wrong. */
async function checkPage(base: string, token: string): Promise<string | null> {
  try {
    const response = await fetch(base, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    await response.body?.cancel();
    if (response.ok) return null;
    if (response.status === 401) {
      return `The registry at ${base} has another token than MCP_REGISTRY_TOKEN; open the ` +
        "address it printed when it started (web page: ...).";
    }
    return `${base} answered ${response.status}: is it an mcp-registry serve --http?`;
  } catch (error) {
    // fetch says only "fetch failed"; its cause says why (connection refused, a timeout).
    const cause = (error as Error).cause;
    const message = cause instanceof Error ? cause.message : (error as Error).message;
    const why = (error as Error).name === "TimeoutError"
      ? "no answer within 5 s"
      : /connection refused/i.test(message)
      ? "connection refused: nothing listens there"
      : message;
    return `No registry answers at ${base} (${why}). Start one with ` +
      "`mcp-registry serve --http` (with MCP_REGISTRY_TOKEN set), or give its --port/--host.";
  }
}

/** Opens `url` in the browser when there is a desktop; false when it could not. */
async function openBrowser(url: string): Promise<boolean> {
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined; // not allowed to read it: no desktop as far as we know
    }
  };
  const opener = browserCommand(Deno.build.os, env);
  if (!opener) return false;
  try {
    const child = new Deno.Command(opener.command, {
      args: opener.args(url),
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      child.status,
      new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 5_000)),
    ]);
    clearTimeout(timer);
    if (status === null) child.unref();
    return status === null || status.success;
  } catch {
    return false; // no such program, or not allowed to run it
  }
}
