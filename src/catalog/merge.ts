/**
 * Merging the entries of several sources into one catalog.
 *
 * @module
 */
import type { CatalogEntry } from "./entry.ts";

/**
 * Joins per-source entry lists, given in priority order. An id already taken by a
 * higher-priority source keeps that source's entry and records the other source in `sources`.
 */
export function mergeSources(lists: readonly (readonly CatalogEntry[])[]): CatalogEntry[] {
  const byId = new Map<string, CatalogEntry>();
  for (const list of lists) {
    for (const entry of list) {
      const kept = byId.get(entry.id);
      if (!kept) byId.set(entry.id, entry);
      else if (!kept.sources.includes(entry.source)) {
        byId.set(entry.id, { ...kept, sources: [...kept.sources, entry.source] });
      }
    }
  }
  return [...byId.values()];
}
