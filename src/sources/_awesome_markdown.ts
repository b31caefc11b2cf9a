/**
 * The Markdown of one awesome-list bullet, read by hand (the list is hand-edited, so each piece
 * is read leniently): a `[text](target)` link with balanced brackets, inline syntax reduced to
 * its text, emoji-only words trimmed. Pure.
 *
 * @module
 */

/** `[text](target)` at the start of `s`, brackets and parentheses balanced. */
export function readLink(s: string): { text: string; target: string; length: number } | null {
  if (!s.startsWith("[")) return null;
  const textEnd = closing(s, 0, "[", "]");
  if (textEnd < 0 || s[textEnd + 1] !== "(") return null;
  const targetEnd = closing(s, textEnd + 1, "(", ")");
  if (targetEnd < 0) return null;
  return {
    text: s.slice(1, textEnd),
    target: s.slice(textEnd + 2, targetEnd).trim(),
    length: targetEnd + 1,
  };
}

/** The index of the bracket closing the one at `start`, skipping backslash escapes; or -1. */
function closing(s: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return i;
    else if (c === "\n") return -1;
  }
  return -1;
}

/** The link text as a name: images, emphasis, escapes and emoji-only words at either end gone. */
export function cleanTitle(text: string): string {
  const plain = plainText(text.replace(/!\[[^\]]*\]\([^)]*\)/g, " "));
  return stripSymbolTokens(stripSymbolTokens(plain, "start"), "end");
}

/** Markdown inline syntax reduced to its text. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, "")
    .replace(/\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, "$1")
    .replace(/\[([^\]]*)\] \(https?:\/\/[^()\s]*\)/g, "$1")
    .replace(/<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi, " ")
    .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
    .replace(/(^|[^\p{L}\p{N}_])__(?=\S)(.*?\S)__(?![\p{L}\p{N}_])/gu, "$1$2")
    .replace(/\\?\*\\?\*/g, "")
    .replace(/(^|[\s(])[*_](?=\S)([^*_]*?\S)[*_](?=[\s.,;:!?)]|$)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** Drops words with no letter or digit (emoji, stray marks) from one end. */
export function stripSymbolTokens(text: string, end: "start" | "end"): string {
  const words = text.split(" ").filter(Boolean);
  const isSymbol = (w: string) => !/[\p{L}\p{N}]/u.test(w);
  if (end === "start") { while (words.length > 0 && isSymbol(words[0]!)) words.shift(); }
  else while (words.length > 0 && isSymbol(words.at(-1)!)) words.pop();
  return words.join(" ");
}

export function isHttpUrl(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
