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

/**
 * `value` with `mask` applied to every string inside it (object keys too), for results whose
 * text is spread over a structure (a tool result's content, its structuredContent). Returns
 * `value` itself when nothing changed.
 */
export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === "string") return mask(value) as T;
  if (Array.isArray(value)) {
    const items = value.map((item) => maskDeep(item, mask));
    return items.some((item, i) => item !== value[i]) ? items as T : value;
  }
  if (value && typeof value === "object") {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const [mk, mv] = [mask(k), maskDeep(v, mask)];
      if (mk !== k || mv !== v) changed = true;
      return [mk, mv];
    });
    return changed ? Object.fromEntries(entries) as T : value;
  }
  return value;
}
