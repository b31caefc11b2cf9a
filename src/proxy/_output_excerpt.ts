/**
 * The lines of a server's output that say why it failed. A tail alone often misses it: Node
 * prints `Error: Cannot find module '/app/dist/index.js'` and then a dozen lines of stack and an
 * error object, so the last eight lines are all stack and `code: 'MODULE_NOT_FOUND'`.
 *
 * @module
 */

/** A line and its number in the whole output (0 for the first line written; gaps allowed). */
export interface NumberedLine {
  n: number;
  text: string;
}

/** A line that names a problem (not a stack frame). */
const PROBLEM =
  /\b(error|exception|fatal|panic|traceback|cannot|can't|could not|couldn't|failed|not found|no such|denied|refused|invalid|missing|unable)\b/i;
/** A stack frame: Node's `    at f (file:1:2)`, Python's `  File "x.py", line 3`, Go's `\tfile.go:12`. */
const FRAME = /^\s+(at\s|File\s"|\S+\.go:\d+)/;

/**
 * What to show of `lines` (in output order, gaps allowed): the first line naming a problem with
 * a line of context before and two after (stack frames left out), then the last lines, with
 * `...` where lines are skipped; at most about `max` lines. Just the last `max` lines when no line
 * names a problem.
 */
export function outputExcerpt(lines: readonly NumberedLine[], max = 10): string[] {
  const useful = lines.filter((l) => l.text.trim() !== "");
  const first = useful.findIndex((l) => PROBLEM.test(l.text) && !FRAME.test(l.text));
  if (first < 0) return useful.slice(-max).map((l) => l.text);
  // Keyed by position among the useful lines, so skipped blank lines leave no gap mark.
  const picked = new Set<number>();
  picked.add(Math.max(0, first - 1)).add(first);
  let after = 0;
  for (let i = first + 1; i < useful.length && after < 2; i++) {
    if (FRAME.test(useful[i]!.text)) continue;
    picked.add(i);
    after++;
  }
  const room = Math.max(3, max - picked.size);
  for (let i = Math.max(0, useful.length - room); i < useful.length; i++) picked.add(i);
  const out: string[] = [];
  let previous: number | null = null;
  for (const i of [...picked].sort((a, b) => a - b)) {
    if (previous !== null && i > previous + 1) out.push("\u2026");
    out.push(useful[i]!.text);
    previous = i;
  }
  return out;
}
