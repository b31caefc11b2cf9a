/**
 * What every CLI command shares: output for people or for scripts (`--json`), exit codes, and
 * the flags every command takes.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Exit codes: each says what went wrong, so scripts can tell. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (a refresh failed, a server did not start). */
  failed: 1,
  /** Bad arguments or settings: the message says what to type instead. */
  usage: 2,
  /** The id or source named does not exist. */
  notFound: 3,
  /** Something the registry needs is missing or broken (podman, git, a source). */
  unavailable: 4,
} as const;

/** Where a command writes; swapped in tests of the pure parts. */
export interface Output {
  /** Writes a line to stdout. */
  line(text?: string): void;
  /** Writes a line to stderr (progress, warnings, errors). */
  note(text: string): void;
  /** True when stdout is a terminal (colours and progress bars are fine). */
  terminal: boolean;
}

/** Standard output and error of this process. */
export const STDIO: Output = {
  line: (text = "") => console.log(text),
  note: (text) => console.error(text),
  terminal: Deno.stdout.isTerminal(),
};

/** A usage error: the message names the problem and the fix; exits with `EXIT.usage`. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Options of a command, for `node:util` `parseArgs`. */
export type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/**
 * Parses `args` with `options` plus `--json` and `--help`; a bad flag is a `UsageError` that
 * shows the command's usage.
 */
export function parseCommand<O extends OptionSpec>(
  args: string[],
  options: O,
  usage: string,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return parsed as never;
  } catch (error) {
    // A mistyped secret may start with "-" and be taken for a flag: never repeat what is not
    // shaped like a flag, and keep node's long hint out.
    const raw = (error as Error).message;
    const unknown = raw.match(/^Unknown option '([^']*)'/)?.[1];
    const message = unknown === undefined
      ? raw
      : /^-{1,2}[a-z][a-z-]{0,30}$/i.test(unknown)
      ? `unknown option ${unknown} (a value starting with "-" goes after "--")`
      : 'unknown option (not shown; a value starting with "-" goes after "--")';
    throw new UsageError(`${message}\n\n${usage}`);
  }
}

/** Prints `data` as JSON (`--json`) or `human()` for people. */
export function emit(out: Output, json: boolean, data: unknown, human: () => string): void {
  out.line(json ? JSON.stringify(data, null, 2) : human());
}

/**
 * A progress display: a bar redrawn in place on a terminal, plain lines when piped (so logs
 * and CI output stay readable). Writes to stderr, so `--json` output stays clean.
 */
export function progressReporter(out: Output): {
  step(message: string, done?: number, total?: number): void;
  end(): void;
} {
  const tty = Deno.stderr.isTerminal() && out.terminal;
  let last = "";
  return {
    step(message, done, total) {
      if (!tty) {
        if (message !== last) out.note(`  ${message}`);
        last = message;
        return;
      }
      const width = 24;
      const bar = total && done !== undefined
        ? `[${"#".repeat(Math.round((Math.min(done, total) / total) * width)).padEnd(width)}] `
        : "";
      const text = `${bar}${message}`.slice(0, 100);
      Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[K${text}`));
      last = message;
    },
    end() {
      if (tty && last) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      last = "";
    },
  };
}
