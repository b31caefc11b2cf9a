/**
 * Reading a value the command line must never carry (a secret would land in shell history, in
 * `ps` and in a chat transcript): from a hidden prompt on a terminal, or from piped stdin.
 *
 * @module
 */
import { UsageError } from "./_io.ts";

/** Longest input read from stdin; a secret is at most 16 KiB (see `checkConfigValues`). */
const MAX_INPUT = 65_536;

/** Where {@linkcode readValue} reads and writes; swapped in tests. */
export interface InputStream {
  isTerminal(): boolean;
  setRaw(mode: boolean): void;
  read(buffer: Uint8Array): Promise<number | null>;
}

/** Options for {@linkcode readValue}. */
export interface ReadValueOptions {
  /** What the prompt asks for, e.g. `github.personal_access_token for github-official`. */
  label: string;
  /** @default Deno.stdin */
  stdin?: InputStream;
  /** Where the prompt goes. @default stderr */
  prompt?: (text: string) => void;
  /**
   * What to do instead when nothing is piped in.
   * @default pipe the value in, or type it at the hidden prompt of a terminal
   */
  whenEmpty?: string;
}

/**
 * The value typed at a hidden prompt (stdin a terminal: nothing typed is shown) or piped on stdin (one line; the trailing
 * newline is dropped). Resolves to `null` when the user cancels (Ctrl-C, Ctrl-D). Throws a
 * `UsageError` for empty or multi-line input.
 */
export async function readValue(options: ReadValueOptions): Promise<string | null> {
  const {
    label,
    stdin = Deno.stdin,
    prompt = (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
    whenEmpty = "pipe the value in (e.g. from a password manager) or run the command in a " +
      "terminal to type it at a hidden prompt",
  } = options;
  const value = stdin.isTerminal()
    ? await promptHidden(stdin, prompt, `${label} (typing is hidden): `)
    : await readPiped(stdin, label, whenEmpty);
  if (value === null) return null;
  if (value === "") throw new UsageError(`${label}: the value is empty; nothing was stored`);
  return value;
}

async function readPiped(stdin: InputStream, label: string, whenEmpty: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const buffer = new Uint8Array(16_384);
  while (true) {
    const n = await stdin.read(buffer);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
    size += n;
    if (size > MAX_INPUT) {
      throw new UsageError(`${label}: stdin holds more than ${MAX_INPUT} bytes; give one line`);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  const text = new TextDecoder().decode(bytes).replace(/\r?\n$/, "");
  if (text === "") {
    throw new UsageError(`${label}: nothing on stdin; ${whenEmpty}`);
  }
  if (/[\r\n]/.test(text)) {
    throw new UsageError(`${label}: stdin holds several lines; give the value on one line`);
  }
  return text;
}

async function promptHidden(
  stdin: InputStream,
  prompt: (text: string) => void,
  text: string,
): Promise<string | null> {
  const editor = new LineEditor();
  stdin.setRaw(true); // before the prompt: nothing typed after it is echoed
  try {
    prompt(text);
    const buffer = new Uint8Array(256);
    while (editor.state === "typing") {
      const n = await stdin.read(buffer);
      if (n === null) {
        editor.feed(new Uint8Array([EOT]));
        break;
      }
      editor.feed(buffer.subarray(0, n));
    }
  } finally {
    stdin.setRaw(false);
    prompt("\n");
  }
  return editor.state === "done" ? editor.text() : null;
}

const ETX = 0x03; // Ctrl-C
const EOT = 0x04; // Ctrl-D
const BS = 0x08;
const LF = 0x0a;
const CR = 0x0d;
const NAK = 0x15; // Ctrl-U: erase the line
const ESC = 0x1b;
const DEL = 0x7f; // what most terminals send for Backspace

/**
 * The line being typed in raw mode, fed the bytes as they arrive: Enter ends it, Backspace
 * erases a character (all bytes of a UTF-8 one), Ctrl-U the line, Ctrl-C cancels, Ctrl-D
 * cancels on an empty line and ends a non-empty one; escape sequences (arrow keys) and other
 * control bytes are ignored.
 */
export class LineEditor {
  state: "typing" | "done" | "cancelled" = "typing";
  #bytes: number[] = [];
  /** Inside an escape sequence: `ESC`, then `[` or `O`, then parameters up to a final byte. */
  #escape: "none" | "start" | "sequence" = "none";

  /** Applies the bytes of one read. */
  feed(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (this.state !== "typing") return;
      if (this.#escape === "start") {
        this.#escape = byte === 0x5b || byte === 0x4f ? "sequence" : "none";
        continue;
      }
      if (this.#escape === "sequence") {
        if (byte >= 0x40 && byte <= 0x7e) this.#escape = "none";
        continue;
      }
      if (byte === CR || byte === LF) this.state = "done";
      else if (byte === ETX) this.state = "cancelled";
      else if (byte === EOT) this.state = this.#bytes.length ? "done" : "cancelled";
      else if (byte === DEL || byte === BS) this.#eraseOne();
      else if (byte === NAK) this.#bytes = [];
      else if (byte === ESC) this.#escape = "start";
      else if (byte >= 0x20) this.#bytes.push(byte);
    }
  }

  /** What was typed. */
  text(): string {
    return new TextDecoder().decode(new Uint8Array(this.#bytes));
  }

  #eraseOne() {
    // UTF-8 continuation bytes are 10xxxxxx: drop them, then the character's first byte.
    while (this.#bytes.length && (this.#bytes.at(-1)! & 0xc0) === 0x80) this.#bytes.pop();
    this.#bytes.pop();
  }
}
