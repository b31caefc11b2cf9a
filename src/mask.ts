/**
 * Masking secret values in text that leaves the registry: error messages, a server's stderr,
 * results shown to people.
 *
 * @module
 */

/** What a secret value is replaced with. */
export const MASK = "********";

/**
 * A function that replaces every one of `secrets` in a text with {@linkcode MASK}: longest
 * first, so a secret that contains another is masked whole. Values under 4 characters are left
 * alone (masking "a" would mangle every message and hide nothing).
 */
export function secretMasker(secrets: Iterable<string>): (text: string) => string {
  const sorted = [...new Set(secrets)].filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  return (text) => sorted.reduce((t, s) => t.replaceAll(s, MASK), text);
}
