/**
 * Names as the exact-name bonus compares them, and the browsing order.
 *
 * @module
 */
import type { IndexedEntry } from "./_indexed_entry.ts";
import { runnableTier } from "./_runnable.ts";

/** Lowercase letters and digits, words one space apart: `GitHub_Issues` -> `github issues`. */
export function normalizeName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

/** A query that is an entry's name outranks partial matches; its exact id outranks its title. */
export function exactBonus(entry: IndexedEntry, query: string): number {
  return normalizeName(entry.id) === normalizeName(query) ? 5 : 4;
}

/** Browsing order: what starts now first, then official, featured, by title, by id. */
export function browseCompare(a: IndexedEntry, b: IndexedEntry): number {
  const runnable = runnableTier(b) - runnableTier(a);
  return runnable || Number(b.official) - Number(a.official) ||
    Number(b.featured) - Number(a.featured) ||
    a.title.localeCompare(b.title, "en") || a.id.localeCompare(b.id);
}
