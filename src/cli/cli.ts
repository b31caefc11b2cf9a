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

/** Every command, loaded on demand. `serve` is handled by `main.ts` itself. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  find: {
    summary: "search the catalog",
    load: async () => (await import("./find.ts")).findCommand,
  },
  list: {
    summary: "page through the catalog",
    load: async () => (await import("./find.ts")).listCommand,
  },
  show: {
    summary: "everything known about one server, its settings (masked)",
    load: async () => (await import("./show.ts")).showCommand,
  },
  status: {
    summary: "sources, catalog size, active servers",
    load: async () => (await import("./status.ts")).statusCommand,
  },
  refresh: {
    summary: "fetch one source or all now",
    load: async () => (await import("./status.ts")).refreshCommand,
  },
  add: {
    summary: "start a server with the registry (from now on)",
    load: async () => (await import("./servers.ts")).addCommand,
  },
  remove: {
    summary: "stop starting a server with the registry",
    load: async () => (await import("./servers.ts")).removeCommand,
  },
  active: {
    summary: "the servers the registry starts",
    load: async () => (await import("./servers.ts")).activeCommand,
  },
  config: {
    summary: "set, show or unset a server's settings and secrets",
    load: async () => (await import("./config.ts")).configCommand,
  },
  doctor: {
    summary: "check what the registry needs and print the fix for each problem",
    load: async () => (await import("./doctor.ts")).doctorCommand,
  },
  ui: {
    summary: "open the registry's web page in a browser (or print its address)",
    load: async () => (await import("./ui.ts")).uiCommand,
  },
  "client-config": {
    summary: "print the configuration snippet for an MCP client",
    load: async () => (await import("./client_config.ts")).clientConfigCommand,
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

/** Lines of `name  summary` for the top-level help. */
export function commandSummaries(): string[] {
  return Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(22)} ${c.summary}`);
}
