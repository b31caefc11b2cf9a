/**
 * A yes-or-no question at a terminal prompt (`Build and start it? [y/N] `): the answer is a
 * line typed in the terminal's own (cooked) mode, so what is typed shows and Backspace works.
 * Only `y` or `yes` is a yes; anything else, an empty line and Ctrl-D are a no.
 *
 * @module
 */
import type { InputStream } from "./_secret_input.ts";

/** The longest answer read; a person types a word. */
const MAX_ANSWER = 1_024;

/** Options for {@linkcode confirm}. */
export interface ConfirmOptions {
  /** @default Deno.stdin */
  stdin?: Pick<InputStream, "isTerminal" | "read">;
  /** Where the question goes. @default stderr */
  prompt?: (text: string) => void;
}

/**
 * Asks `question` (shown as `<question> [y/N] `) and reads one line. Resolves to true for a
 * yes; a `TypeError` when stdin is no terminal (the caller decides what a script gets).
 */
export async function confirm(question: string, options: ConfirmOptions = {}): Promise<boolean> {
  const {
    stdin = Deno.stdin,
    prompt = (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
  } = options;
  if (!stdin.isTerminal()) throw new TypeError("confirm() needs a terminal on stdin");
  prompt(`${question} [y/N] `);
  const bytes: number[] = [];
  const buffer = new Uint8Array(256);
  while (bytes.length <= MAX_ANSWER) {
    const n = await stdin.read(buffer);
    if (n === null) {
      prompt("\n"); // Ctrl-D: the cursor is still after the question
      break;
    }
    const end = buffer.subarray(0, n).findIndex((b) => b === 0x0a || b === 0x0d);
    bytes.push(...buffer.subarray(0, end === -1 ? n : end));
    if (end !== -1) break;
  }
  return isYes(new TextDecoder().decode(new Uint8Array(bytes)));
}

/** True for `y` or `yes`, in any case, with spaces around. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}
