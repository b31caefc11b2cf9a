/**
 * What every CLI command shares: output for people or for scripts (`--json`), exit codes, and
 * the flags every command takes.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { closest } from "../registry/suggest.ts";

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

/**
 * Standard output and error of this process; control characters never reach the terminal, and
 * messages on stderr are wrapped to its width.
 */
export const STDIO: Output = {
  line: (text = "") => console.log(safeText(text)),
  note: (text) => console.error(wrap(safeText(text), { keepIndented: true })),
  terminal: Deno.stdout.isTerminal(),
};

/** Options for {@linkcode UsageError}. */
export interface UsageErrorOptions {
  /** Show the command's synopsis and a pointer to its --help under the message. @default false */
  usage?: boolean;
}

/** A usage error: the message names the problem and the fix; exits with `EXIT.usage`. */
export class UsageError extends Error {
  override name = "UsageError";
  /** True when the command's synopsis belongs under the message (a wrong flag or argument). */
  readonly usage: boolean;
  constructor(message: string, options: UsageErrorOptions = {}) {
    super(message);
    this.usage = options.usage ?? false;
  }
}

/**
 * `text` without the control characters that would move the cursor, recolour or retitle a
 * terminal (catalog text is scraped from the web; ids are typed by anyone): every C0 and C1
 * character except newline and tab becomes U+FFFD.
 */
export function safeText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\ufffd");
}

/** `text` on one line (runs of whitespace, newlines included, become one space). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `text` cut to `max` characters with an ellipsis: for echoing what a user typed. */
export function clip(text: string, max = 80): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}\u2026`;
}

/** The width human output is wrapped to: the terminal's, between 60 and 100 columns. */
export function textWidth(): number {
  try {
    if (Deno.stdout.isTerminal() || Deno.stderr.isTerminal()) {
      return Math.max(60, Math.min(100, Deno.consoleSize().columns));
    }
  } catch {
    // not a terminal after all
  }
  return 100;
}

/** Options for {@linkcode wrap}. */
export interface WrapOptions {
  /** @default textWidth() */
  width?: number;
  /** Put before every line but the first. @default "" */
  indent?: string;
  /** Put before the first line. @default indent */
  first?: string;
  /**
   * Leave paragraphs that start with a space as they are (commands to copy, lists already laid
   * out by their author). @default false
   */
  keepIndented?: boolean;
}

/**
 * `text` broken into lines of at most `width` columns at spaces (a word longer than a line,
 * such as a URL, stays whole on its own line); each paragraph (line of `text`) on its own.
 */
export function wrap(text: string, options: WrapOptions = {}): string {
  const { width = textWidth(), indent = "", first = indent, keepIndented = false } = options;
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    const lead = paragraph.match(/^ */)![0];
    let line = (lines.length === 0 ? first : indent) + lead;
    if (line.length + paragraph.length - lead.length <= width || (keepIndented && lead)) {
      lines.push(line + paragraph.slice(lead.length));
      continue;
    }
    let empty = true;
    for (const word of paragraph.split(/ +/).filter((w) => w)) {
      if (!empty && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent + lead + word;
      } else {
        line += empty ? word : ` ${word}`;
      }
      empty = false;
    }
    lines.push(line.trimEnd());
  }
  return lines.join("\n");
}

/** Options of a command, for `node:util` `parseArgs`. */
export type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/**
 * Parses `args` with `options` plus `--json` and `--help`; a bad flag is a `UsageError` that
 * names the fix and shows the command's synopsis.
 */
export function parseCommand<O extends OptionSpec>(
  args: string[],
  options: O,
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
    const names = [...Object.keys(options ?? {}), "json", "help"];
    throw new UsageError(optionProblem((error as Error).message, names), { usage: true });
  }
}

/**
 * node's `parseArgs` error in the words of this CLI, with the fix. A mistyped secret may start
 * with "-" and be taken for a flag: what is not shaped like a flag is never repeated.
 */
export function optionProblem(raw: string, names: string[]): string {
  const unknown = raw.match(/^Unknown option '([^']*)'/)?.[1];
  if (unknown !== undefined) {
    if (!/^-{1,2}[a-z][a-z-]{0,30}$/i.test(unknown)) {
      return 'unknown option (not shown; a value starting with "-" goes after "--")';
    }
    const near = closest(unknown.replace(/^-+/, "").toLowerCase(), names, 1)[0];
    return `unknown option ${unknown}` +
      (near ? `; did you mean --${near}?` : ' (a value starting with "-" goes after "--")');
  }
  const missing = raw.match(/^Option '(-\w, )?(--[\w-]+) <value>' argument missing/)?.[2];
  if (missing) return `${missing} needs a value: ${missing} <value>`;
  const ambiguous = raw.match(/^Option '(-\w, )?(--[\w-]+)' argument is ambiguous/)?.[2];
  if (ambiguous) {
    return `${ambiguous} needs a value; one that starts with "-" is written ${ambiguous}=<value>`;
  }
  const flag = raw.match(/^Option '(-\w, )?(--[\w-]+)' does not take an argument/)?.[2];
  if (flag) return `${flag} takes no value: write ${flag} alone`;
  return raw;
}

/**
 * Checks how many words a command got besides its options: between `min` and `max`, where
 * `what` says what they are (`one id`, `words to search for`); else a `UsageError`.
 */
export function checkArgs(
  positionals: string[],
  { what, min = 0, max = min }: { what: string; min?: number; max?: number },
): void {
  const n = positionals.length;
  if (n >= min && n <= max) return;
  const got = positionals.slice(0, 3).map((p) => `"${clip(p, 40)}"`).join(", ") +
    (n > 3 ? ", ..." : "");
  const message = n < min
    ? `give ${what}`
    : max === 0
    ? `takes no arguments (got ${got})`
    : `give ${what}, not ${n} arguments (${got}); quote a value that has spaces`;
  throw new UsageError(message, { usage: true });
}

/** Prints `data` as JSON (`--json`) or `human()` for people. */
export function emit(out: Output, json: boolean, data: unknown, human: () => string): void {
  out.line(json ? jsonText(data) : human());
}

/**
 * `data` as indented JSON with DEL and the C1 controls escaped too (`JSON.stringify` leaves
 * them raw), so the text is safe on a terminal and parses to exactly `data`.
 */
export function jsonText(data: unknown): string {
  return JSON.stringify(data, null, 2).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
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
