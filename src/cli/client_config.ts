/**
 * `mcp-registry client-config <client>`: the configuration snippet that points an MCP client
 * (Claude Desktop, Claude Code, VS Code, Cursor) at this installation: the compiled binary's
 * own path, or `deno run -A <this checkout's main.ts>`; over stdio, or over HTTP to a registry
 * started with `serve --http`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { Command } from "./command.ts";
import { emit, EXIT, parseCommand, UsageError } from "./_io.ts";

/** The clients there is a snippet for. */
export const CLIENTS = ["claude-desktop", "claude-code", "vscode", "cursor"] as const;
export type ClientName = (typeof CLIENTS)[number];

/** Where `serve --http` listens unless told otherwise. */
export const DEFAULT_HTTP_URL = "http://127.0.0.1:7768/mcp";

/** The server's name in every client's configuration. */
export const SERVER_NAME = "mcp-registry";

/** The `mcp-remote` release Claude Desktop runs to reach an HTTP server (it speaks stdio only). */
const MCP_REMOTE = "mcp-remote@0.15.1";

/** How a client starts the registry over stdio. */
export interface Launch {
  /** An absolute path. */
  command: string;
  args: string[];
}

/** Options for {@linkcode launchCommand}. */
export interface LaunchOptions {
  /** This process's executable. @default Deno.execPath() */
  execPath?: string;
  /** This checkout's `main.ts`. @default the main.ts beside src/ */
  mainUrl?: URL;
  /** `deno run` even from a compiled binary. @default false */
  deno?: boolean;
}

/** True when `execPath` is a binary made by `deno compile` rather than deno itself. */
export function isCompiled(execPath: string = Deno.execPath()): boolean {
  const name = execPath.split(/[/\\]/).pop() ?? "";
  return !/^deno(\.exe)?$/i.test(name);
}

/**
 * The command of this installation: the compiled binary itself, or deno (its absolute path)
 * running this checkout's `main.ts` with `-A`. A compiled binary has no `main.ts` on disk, so
 * `deno: true` there is a `UsageError`.
 */
export function launchCommand(options: LaunchOptions = {}): Launch {
  const {
    execPath = Deno.execPath(),
    mainUrl = new URL("../../main.ts", import.meta.url),
    deno = false,
  } = options;
  if (isCompiled(execPath)) {
    if (deno) {
      throw new UsageError(
        `${execPath} is a compiled binary: it has no main.ts to give deno. Run client-config ` +
          "--deno from a checkout (deno run -A main.ts client-config ...), or leave --deno out",
      );
    }
    return { command: execPath, args: [] };
  }
  const main = mainUrl.protocol === "file:" ? fileURLToPath(mainUrl) : mainUrl.href;
  return { command: execPath, args: ["run", "-A", ...LEAN_FLAGS, main] };
}

/**
 * V8 tuned for a small, long-lived, mostly idle process (issue 18, measured at 10,000 servers):
 * - `--max-semi-space-size=2`: a 2 MB young generation (16 MB by default): the start's peak
 *   fell from about 160 MB to 130;
 * - `--no-turbofan`: V8's top compiler never runs, so its code in the deno binary is never paged
 *   in (3 MB of resident memory); Maglev still optimizes, and search p50/p99 and a full merge
 *   took the same time within noise;
 * - `--gc-memory-reducer-start-delay-ms=5000`: the collection that hands freed memory back runs
 *   5 s after a burst of work instead of 30 s.
 * `deno task compile` passes the same.
 */
export const V8_FLAGS =
  "--v8-flags=--max-semi-space-size=2,--no-turbofan,--gc-memory-reducer-start-delay-ms=5000";

/**
 * What `deno run` is given wherever the registry is launched (client configs, the README, `deno
 * task start`): {@linkcode V8_FLAGS}, and no V8 code cache. Reading and writing deno's code cache
 * (a SQLite file) cost more at start than it saved here: without it the first answer came 50 ms
 * sooner (285 ms against 337, median of 10) and the process settled 3-5 MB smaller.
 */
export const LEAN_FLAGS: readonly string[] = ["--no-code-cache", V8_FLAGS];

/** Options for {@linkcode clientSnippet}. */
export interface SnippetOptions {
  /** How the client starts the registry (stdio). */
  launch: Launch;
  /** Connect over HTTP to a registry started with `serve --http`. @default false */
  http?: boolean;
  /** @default DEFAULT_HTTP_URL */
  url?: string;
  /** Whose file locations to name. @default Deno.build.os */
  os?: typeof Deno.build.os;
  /**
   * Settings the started registry must share with this shell (the `MCP_REGISTRY_*` and XDG
   * folders set here, see {@linkcode registrySettings}), so client and CLI use one store.
   * Stdio only.
   */
  env?: Record<string, string>;
}

/**
 * The XDG base folders a client-started registry must share with this shell, and where each
 * falls back to: `XDG_CACHE_HOME` decides the catalog cache and the clones of git sources,
 * `XDG_DATA_HOME` the active servers, settings and secrets (and rootless podman's images),
 * `XDG_CONFIG_HOME` podman's own settings (containers.conf, storage.conf). A client started from
 * a desktop menu does not get what a shell's profile exported, so without these it would use
 * other folders than the CLI: another store, servers added here missing there.
 * `XDG_RUNTIME_DIR` is not carried: it belongs to one login session (logind makes it at login and
 * removes it at logout), the client gets its session's own, a value written into a file would go
 * stale, and no folder of the registry is decided by it.
 */
const XDG_FOLDERS: Record<string, string> = {
  XDG_CACHE_HOME: ".cache",
  XDG_DATA_HOME: ".local/share",
  XDG_CONFIG_HOME: ".config",
};

/**
 * The `MCP_REGISTRY_*` settings of `env` (never the token: a snippet lands in files and chats)
 * and the XDG folders of {@linkcode XDG_FOLDERS} set to other than their defaults under `HOME`.
 */
export function registrySettings(env: Record<string, string | undefined>): Record<string, string> {
  const home = env.HOME?.replace(/\/+$/, "");
  return Object.fromEntries(
    Object.entries(env).filter(([k, v]) => {
      if (v === undefined || v === "") return false;
      if (k in XDG_FOLDERS) return !home || v.replace(/\/+$/, "") !== `${home}/${XDG_FOLDERS[k]}`;
      return k.startsWith("MCP_REGISTRY_") && k !== "MCP_REGISTRY_TOKEN";
    }) as [string, string][],
  );
}

/** A snippet and what to do with it. */
export interface Snippet {
  client: ClientName;
  transport: "stdio" | "http";
  /** The file it goes in; `null` for a command to run. */
  file: string | null;
  /** The configuration (JSON clients) or the command line (Claude Code). */
  snippet: Record<string, unknown> | string;
  /** How to use it, and what else it needs. */
  notes: string[];
}

/** The snippet that connects `client` to the registry. */
export function clientSnippet(client: ClientName, options: SnippetOptions): Snippet {
  const { launch, http = false, url = DEFAULT_HTTP_URL, os = Deno.build.os } = options;
  const env = !http && options.env && Object.keys(options.env).length ? options.env : undefined;
  const local = env ? { command: launch.command, args: launch.args, env } : {
    command: launch.command,
    args: launch.args,
  };
  const transport = http ? "http" : "stdio";
  const serve = `${shellLine([launch.command, ...launch.args])} serve --http`;
  const start = http
    ? [`Start the registry first: choose a token, export it as MCP_REGISTRY_TOKEN, run ${serve}`]
    : [];
  switch (client) {
    case "claude-desktop": {
      const file = os === "darwin"
        ? "~/Library/Application Support/Claude/claude_desktop_config.json"
        : os === "windows"
        ? "%APPDATA%\\Claude\\claude_desktop_config.json"
        : "~/.config/Claude/claude_desktop_config.json";
      const server = http
        ? {
          command: "npx",
          args: ["-y", MCP_REMOTE, url, "--header", "Authorization:${MCP_REGISTRY_AUTH}"],
          env: { MCP_REGISTRY_AUTH: "Bearer <token>" },
        }
        : local;
      return {
        client,
        transport,
        file,
        snippet: { mcpServers: { [SERVER_NAME]: server } },
        notes: [
          `Merge this into ${file} (keep your other "mcpServers"), then restart Claude Desktop.`,
          ...(http
            ? [
              ...start,
              "Claude Desktop starts only local commands: npx (Node.js) runs mcp-remote, which " +
              "forwards to the registry over HTTP. Replace <token> with that token.",
            ]
            : []),
        ],
      };
    }
    case "cursor": {
      const file = os === "windows" ? "%USERPROFILE%\\.cursor\\mcp.json" : "~/.cursor/mcp.json";
      const server = http
        ? { url, headers: { Authorization: "Bearer ${env:MCP_REGISTRY_TOKEN}" } }
        : local;
      return {
        client,
        transport,
        file,
        snippet: { mcpServers: { [SERVER_NAME]: server } },
        notes: [
          `Merge this into ${file} (every project) or .cursor/mcp.json (one project).`,
          ...(http
            ? [
              ...start,
              "Cursor reads the token from MCP_REGISTRY_TOKEN in the environment it was started " +
              "with (${env:MCP_REGISTRY_TOKEN}).",
            ]
            : []),
        ],
      };
    }
    case "vscode": {
      const snippet = http
        ? {
          inputs: [{
            type: "promptString",
            id: "mcp-registry-token",
            description: "The token of mcp-registry serve --http (MCP_REGISTRY_TOKEN)",
            password: true,
          }],
          servers: {
            [SERVER_NAME]: {
              type: "http",
              url,
              headers: { Authorization: "Bearer ${input:mcp-registry-token}" },
            },
          },
        }
        : {
          servers: {
            [SERVER_NAME]: { type: "stdio", ...local },
          },
        };
      return {
        client,
        transport,
        file: ".vscode/mcp.json",
        snippet,
        notes: [
          "Merge this into .vscode/mcp.json of your workspace, or into your user configuration " +
          '("MCP: Open User Configuration" in the command palette) for every workspace.',
          ...(http
            ? [...start, "VS Code asks for the token when it first starts the server and keeps it."]
            : []),
        ],
      };
    }
    case "claude-code": {
      const line = http
        ? `claude mcp add --transport http ${SERVER_NAME} ${shellWord(url)} ` +
          '--header "Authorization: Bearer $MCP_REGISTRY_TOKEN"'
        : shellLine([
          "claude",
          "mcp",
          "add",
          SERVER_NAME,
          ...Object.entries(env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
          "--",
          launch.command,
          ...launch.args,
        ]);
      return {
        client,
        transport,
        file: null,
        snippet: line,
        notes: [
          'Run this in a terminal; add --scope user after "add" to have it in every project.',
          ...(http
            ? [...start, "The line takes the token from MCP_REGISTRY_TOKEN in your shell."]
            : []),
        ],
      };
    }
  }
}

/** `word` quoted for a POSIX shell when it needs to be. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

function shellLine(words: string[]): string {
  return words.map(shellWord).join(" ");
}

export const clientConfigCommand: Command = {
  name: "client-config",
  usage: `Usage: mcp-registry client-config <client> [--http] [--url <url>] [--deno] [--json]

Prints the snippet that connects an MCP client to this installation; where it goes is written
to stderr, so the snippet alone can be redirected into a file.

Clients: ${CLIENTS.join(", ")}.

  --http        connect over HTTP to a registry started with "mcp-registry serve --http"
  --url <url>   its address (default ${DEFAULT_HTTP_URL})
  --deno        insist on "deno run -A <main.ts>" (an error from a compiled binary)
  --json        the snippet, its file and the notes as JSON

The command is this binary's absolute path when it is a compiled binary, otherwise deno's
absolute path with "run -A <absolute path of main.ts>". A stdio snippet carries the
MCP_REGISTRY_* settings of this shell (never MCP_REGISTRY_TOKEN) and XDG_CACHE_HOME,
XDG_DATA_HOME and XDG_CONFIG_HOME when they are set to other than their defaults, so the
registry the client starts uses the same folders as this CLI.

Exit codes: 0 printed, 2 unknown client or bad arguments.`,
  run(args, out) {
    const { values, positionals } = parseCommand(args, {
      http: { type: "boolean" },
      url: { type: "string" },
      deno: { type: "boolean" },
    });
    const [client, ...extra] = positionals;
    if (client === undefined || extra.length) {
      throw new UsageError(`give one client: ${CLIENTS.join(", ")}`, { usage: true });
    }
    if (!(CLIENTS as readonly string[]).includes(client)) {
      throw new UsageError(`unknown client "${client}"; the clients are ${CLIENTS.join(", ")}`);
    }
    const url = typeof values.url === "string" ? values.url : undefined;
    if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) {
      throw new UsageError(`--url "${url}" is not an http(s) URL such as ${DEFAULT_HTTP_URL}`);
    }
    const http = values.http === true || url !== undefined;
    const launch = launchCommand({ deno: values.deno === true });
    const result = clientSnippet(client as ClientName, {
      launch,
      http,
      ...(url ? { url } : {}),
      env: registrySettings(Deno.env.toObject()),
    });
    if (values.json === true) {
      emit(out, true, { ...result, launch: http ? null : launch }, () => "");
    } else {
      for (const note of result.notes) out.note(note);
      out.line(
        typeof result.snippet === "string"
          ? result.snippet
          : JSON.stringify(result.snippet, null, 2),
      );
    }
    return Promise.resolve(EXIT.ok);
  },
};
