/**
 * The filters of a search or listing: checks of an entry's fields and what running it taught.
 *
 * @module
 */
import type { LaunchMethod } from "../catalog/entry.ts";
import type { IndexedEntry } from "./_indexed_entry.ts";
import { type MarkLookup, STARTS_NOW } from "./_runnable.ts";

/** Filters narrow the catalog before anything is ranked. */
export interface SearchFilters {
  /** Entries that came from this source (any of their sources). Case-insensitive. */
  source?: string;
  /** Case-insensitive. */
  category?: string;
  /** Case-insensitive. */
  tag?: string;
  official?: boolean;
  featured?: boolean;
  requires_api_key?: boolean;
  launch_method?: LaunchMethod;
  /**
   * `now`: entries that start as they are (an image, a package, a remote), unless they failed
   * before; `after-build`: entries built from their repository first, unless that failed.
   * Failures need `marks` in the search options.
   */
  startable?: Startable;
}

/** What {@linkcode SearchFilters.startable} asks for. */
export const STARTABLE = ["now", "after-build"] as const;
export type Startable = typeof STARTABLE[number];

/** One check per filter set; an entry passes when it passes them all. */
export function filterChecks(
  filters: SearchFilters,
  marks: MarkLookup | undefined,
): ((entry: IndexedEntry) => boolean)[] {
  const checks: ((entry: IndexedEntry) => boolean)[] = [];
  const { source, category, tag, official, featured, requires_api_key, launch_method } = filters;
  if (source !== undefined) {
    const s = source.toLowerCase();
    checks.push((e) => e.sources.includes(s));
  }
  if (category !== undefined) {
    const c = category.toLowerCase();
    checks.push((e) => e.categories.includes(c));
  }
  if (tag !== undefined) {
    const t = tag.toLowerCase();
    checks.push((e) => e.tags.includes(t));
  }
  if (official !== undefined) checks.push((e) => e.official === official);
  if (featured !== undefined) checks.push((e) => e.featured === featured);
  if (requires_api_key !== undefined) {
    checks.push((e) => e.requires_api_key === requires_api_key);
  }
  if (launch_method !== undefined) checks.push((e) => e.launch_method === launch_method);
  const { startable } = filters;
  if (startable !== undefined) {
    const build = startable === "after-build";
    checks.push((e) =>
      (build ? e.launch_method === "build" : STARTS_NOW.has(e.launch_method)) &&
      marks?.(e.id) !== "failed"
    );
  }
  return checks;
}
