/**
 * What the index keeps in memory of each entry: the few fields that filters, ranking factors
 * and browsing order read for every entry. The rest of an entry (descriptions, tools, run and
 * config specs, links) stays in the {@linkcode EntryTable} until a hit or a lookup needs it.
 *
 * Stored beside the built index as one tuple per entry, and read back with the repeated
 * strings (sources, categories, tags, launch methods) shared, as parsed JSON would not.
 *
 * @module
 */
import { type CatalogEntry, LAUNCH_METHODS, type LaunchMethod } from "../catalog/entry.ts";

/** The fields of an entry the index reads for every entry. */
export type IndexedEntry = Pick<
  CatalogEntry,
  | "id"
  | "name"
  | "title"
  | "aliases"
  | "sources"
  | "categories"
  | "tags"
  | "official"
  | "featured"
  | "requires_api_key"
  | "launch_method"
>;

/** An indexed entry as stored: id, name, title, aliases, sources, categories, tags, flags, launch. */
export type StoredIndexedEntry = [
  string,
  string,
  string,
  string[],
  string[],
  string[],
  string[],
  number,
  LaunchMethod,
];

const OFFICIAL = 1;
const FEATURED = 2;
const REQUIRES_KEY = 4;

/** The indexed fields of `entry` (a copy: the entry itself can then be dropped). */
export function indexedOf(entry: CatalogEntry): IndexedEntry {
  return {
    id: entry.id,
    name: entry.name,
    title: entry.title,
    aliases: entry.aliases,
    sources: entry.sources,
    categories: entry.categories,
    tags: entry.tags,
    official: entry.official,
    featured: entry.featured,
    requires_api_key: entry.requires_api_key,
    launch_method: entry.launch_method,
  };
}

/** `entry` as stored. */
export function storeIndexed(entry: IndexedEntry): StoredIndexedEntry {
  const flags = (entry.official ? OFFICIAL : 0) | (entry.featured ? FEATURED : 0) |
    (entry.requires_api_key ? REQUIRES_KEY : 0);
  return [
    entry.id,
    entry.name,
    entry.title,
    entry.aliases,
    entry.sources,
    entry.categories,
    entry.tags,
    flags,
    entry.launch_method,
  ];
}

/**
 * The indexed entries of stored `rows`; null when a row is not of the stored shape (a foreign
 * or older value), so the caller builds the index again.
 */
export function loadIndexed(rows: unknown): IndexedEntry[] | null {
  if (!Array.isArray(rows)) return null;
  const shared = new Map<string, string>();
  const share = (list: unknown): string[] | null => {
    if (!Array.isArray(list)) return null;
    const out: string[] = [];
    for (const item of list) {
      if (typeof item !== "string") return null;
      let kept = shared.get(item);
      if (kept === undefined) shared.set(item, kept = item);
      out.push(kept);
    }
    return out;
  };
  const entries: IndexedEntry[] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 9) return null;
    const [id, name, title, aliases, sources, categories, tags, flags, launch] = row;
    if (typeof id !== "string" || typeof name !== "string" || typeof title !== "string") {
      return null;
    }
    if (typeof flags !== "number" || !LAUNCH_METHODS.includes(launch)) return null;
    const lists = [share(aliases), share(sources), share(categories), share(tags)];
    if (lists.some((list) => list === null)) return null;
    entries.push({
      id,
      name,
      title,
      aliases: lists[0]!,
      sources: lists[1]!,
      categories: lists[2]!,
      tags: lists[3]!,
      official: (flags & OFFICIAL) !== 0,
      featured: (flags & FEATURED) !== 0,
      requires_api_key: (flags & REQUIRES_KEY) !== 0,
      launch_method: launch as LaunchMethod,
    });
  }
  return entries;
}
