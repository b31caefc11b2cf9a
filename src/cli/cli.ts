/**
 * The human CLI: `mcp-registry <command>`. Each command lives in its own file and is imported
 * only when typed, so `mcp-registry status` loads no server code and `serve` no CLI code.
 *
 * @module
 */
import { closest } from "../registry/suggest.ts";
import { clip, EXIT, jsonText, type Output, STDIO, UsageError } from "./_io.ts";
import type { Command } from "./command.ts";

export type { Command };

/** One command of the CLI, as the top-level help lists it before it is loaded. */
export interface CommandEntry {
  /** Its row in `mcp-registry --help`; none for a command listed in another's row. */
  help?: {
    /** Its arguments, e.g. `find <words> [filters]`. */
    synopsis: string;
    /** What it does; `\n` starts another line. */
    summary: string;
  };
  load: () => Promise<Command>;
}

/**
 * Every command, loaded on demand, in the order of the top-level help. `serve` is handled by
 * `main.ts` itself.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  find: {
    help: {
      synopsis: "find <words> [filters]",
      summary: "search the catalog",
    },
    load: async () => (await import("./find.ts")).findCommand,
  },
  list: {
    help: {
      synopsis: "list [filters]",
      summary: "page through the catalog",
    },
    load: async () => (await import("./find.ts")).listCommand,
  },
  show: {
    help: {
      synopsis: "show <id>",
      summary: "everything known about a server, its settings (masked)",
    },
    load: async () => (await import("./show.ts")).showCommand,
  },
  status: {
    help: {
      synopsis: "status",
      summary: "sources, catalog size, servers started with the registry",
    },
    load: async () => (await import("./status.ts")).statusCommand,
  },
  refresh: {
    help: {
      synopsis: "refresh [source] [--force]",
      summary: "fetch one source or all now",
    },
    load: async () => (await import("./status.ts")).refreshCommand,
  },
  add: {
    help: {
      synopsis: "add <id> [--check] [--yes] | remove <id>",
      summary: "start (or stop starting) a server with the registry;\n" +
        "--check starts it once now to see that it works;\n" +
        "one built from source is built only after you say yes",
    },
    load: async () => (await import("./servers.ts")).addCommand,
  },
  remove: { // in the help with add
    load: async () => (await import("./servers.ts")).removeCommand,
  },
  active: {
    help: {
      synopsis: "active",
      summary: "the servers the registry starts",
    },
    load: async () => (await import("./servers.ts")).activeCommand,
  },
  config: {
    help: {
      synopsis: "config set <id> <key> [value] | get <id> | unset <id> <key>",
      summary: "a server's settings; secrets from a hidden prompt or stdin",
    },
    load: async () => (await import("./config.ts")).configCommand,
  },
  doctor: {
    help: {
      synopsis: "doctor",
      summary: "check podman, git, folders and sources; print the fixes",
    },
    load: async () => (await import("./doctor.ts")).doctorCommand,
  },
  "client-config": {
    help: {
      synopsis: "client-config <client> [--http]",
      summary: "the snippet for claude-desktop, claude-code, vscode, cursor",
    },
    load: async () => (await import("./client_config.ts")).clientConfigCommand,
  },
  ui: {
    help: {
      synopsis: "ui [--port N]",
      summary: "open the web page of a running serve --http",
    },
    load: async () => (await import("./ui.ts")).uiCommand,
  },
};

/**
 * Runs `args` (`[command, ...rest]`); resolves to the exit code. Never throws. With `--json`, a
 * failure that printed nothing on stdout prints `{"error": ..., "exit_code": ...}` there, so a
 * script always has JSON to read; the message for people stays on stderr.
 */
export async function runCli(args: string[], out: Output = STDIO): Promise<number> {
  const [name, ...rest] = args;
  const end = rest.indexOf("--");
  const options = end < 0 ? rest : rest.slice(0, end); // after "--" come values, not flags
  const json = [name, ...options].some((a) => a === "--json" || a?.startsWith("--json="));
  const watched = watchOutput(out);
  const code = await runCommand(name, rest, options, watched);
  if (json && code !== EXIT.ok && !watched.printed) {
    out.line(jsonText({ error: watched.error ?? "failed", exit_code: code }));
  }
  return code;
}

/** An `Output` that remembers whether stdout got anything and the last message on stderr. */
interface WatchedOutput extends Output {
  printed: boolean;
  /** The error for `--json`: the message of what was thrown, else the last note. */
  error: string | undefined;
}

function watchOutput(out: Output): WatchedOutput {
  const watched: WatchedOutput = {
    printed: false,
    error: undefined,
    terminal: out.terminal,
    line(text) {
      watched.printed = true;
      out.line(text);
    },
    note(text) {
      watched.error = text.trim();
      out.note(text);
    },
  };
  return watched;
}

async function runCommand(
  name: string | undefined,
  rest: string[],
  options: string[],
  out: WatchedOutput,
): Promise<number> {
  const entry = name === undefined ? undefined : COMMANDS[name];
  if (!entry) {
    out.note(unknownCommand(name ?? ""));
    return EXIT.usage;
  }
  const command = await entry.load();
  if (options.includes("--help") || options.includes("-h")) {
    out.line(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, out);
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof UsageError) {
      out.note(
        `mcp-registry ${command.name}: ${message}${error.usage ? `\n\n${synopsis(command)}` : ""}`,
      );
      out.error = message;
      return EXIT.usage;
    }
    out.note(`mcp-registry ${command.name}: ${message}`);
    out.error = message;
    return EXIT.failed;
  }
}

/** The first paragraph of a command's usage, and where the rest is. */
function synopsis(command: Command): string {
  const first = command.usage.split("\n\n")[0]!;
  return first.includes("--help")
    ? first
    : `${first}\n(mcp-registry ${command.name} --help says more)`;
}

/** What to say for a command that does not exist: the near one, the list, where help is. */
export function unknownCommand(name: string): string {
  const shown = clip(name, 40);
  const what = name.startsWith("-")
    ? `unknown option "${shown}"; options go after a command (mcp-registry <command> --json)`
    : `unknown command "${shown}"`;
  const near = name.startsWith("-") ? [] : closest(name.toLowerCase(), Object.keys(COMMANDS), 1);
  return `mcp-registry: ${what}${near.length ? `; did you mean ${near[0]}?` : ""}\n` +
    `Commands: ${commandList()}, serve.\n` +
    "mcp-registry --help lists them with what each does.";
}

/** The commands for the top-level help. */
export function commandList(): string {
  return Object.keys(COMMANDS).join(", ");
}

/** Where a command's summary starts in the top-level help. */
const SUMMARY_COLUMN = 41;

/**
 * The commands' part of `mcp-registry --help`: a line `mcp-registry <synopsis>` for each, what
 * it does beside it (below it when the synopsis is long), and how to get a command's options.
 */
export function commandHelp(): string {
  const rows = Object.values(COMMANDS).flatMap(({ help }) =>
    help ? [helpRow(help.synopsis, help.summary)] : []
  );
  rows.push(helpRow("<command> --help", "the options of a command (--json for scripts)"));
  return rows.join("\n");
}

function helpRow(synopsis: string, summary: string): string {
  const head = `  mcp-registry ${synopsis}`;
  const indent = " ".repeat(SUMMARY_COLUMN);
  const [first = "", ...more] = summary.split("\n");
  const lines = head.length < SUMMARY_COLUMN - 1
    ? [head.padEnd(SUMMARY_COLUMN) + first]
    : [head, indent + first];
  return [...lines, ...more.map((line) => indent + line)].join("\n");
}
