/**
 * What the index keeps in memory of each entry: the few fields that filters, ranking factors
 * and browsing order read for every entry. The rest of an entry (descriptions, tools, run and
 * config specs, links) stays in the {@linkcode EntryTable} until a hit or a lookup needs it.
 *
 * Stored beside the built index as one row per entry, the repeated strings (sources,
 * categories, tags, launch methods) once each and named by position, so that they are shared
 * when read back, as parsed JSON would not share them.
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

/**
 * The indexed entries as stored: the labels (sources, categories, tags, launch methods) once
 * each in `labels`, and a row per entry that names them by position: id, name, title, aliases,
 * sources, categories, tags, flags, launch method. Read back, every entry shares the label
 * strings, and nothing is looked up by string.
 */
export interface StoredIndexedEntries {
  labels: string[];
  rows: StoredIndexedRow[];
}

type StoredIndexedRow = [
  string,
  string,
  string,
  string[],
  number[],
  number[],
  number[],
  number,
  number,
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

/** `entries` as stored. */
export function storeIndexed(entries: readonly IndexedEntry[]): StoredIndexedEntries {
  const labels: string[] = [];
  const at = new Map<string, number>();
  const label = (text: string) => {
    let i = at.get(text);
    if (i === undefined) at.set(text, i = labels.push(text) - 1);
    return i;
  };
  const rows = entries.map((entry): StoredIndexedRow => [
    entry.id,
    entry.name,
    entry.title,
    entry.aliases,
    entry.sources.map(label),
    entry.categories.map(label),
    entry.tags.map(label),
    (entry.official ? OFFICIAL : 0) | (entry.featured ? FEATURED : 0) |
    (entry.requires_api_key ? REQUIRES_KEY : 0),
    label(entry.launch_method),
  ]);
  return { labels, rows };
}

/**
 * The indexed entries of `stored`; null when it is not of the stored shape (a foreign or
 * older value), so the caller builds the index again.
 */
export function loadIndexed(stored: unknown): IndexedEntry[] | null {
  const { labels, rows } = (stored ?? {}) as Partial<StoredIndexedEntries>;
  if (!Array.isArray(labels) || !Array.isArray(rows)) return null;
  if (!labels.every((l) => typeof l === "string")) return null;
  // Most entries repeat a few lists (["docker"], ["databases"], no tags, no aliases): each
  // distinct list is made once, frozen and shared, rather than 40,000 small arrays at 10k.
  const lists = new Map<string, string[]>();
  const shared = (key: string, make: () => string[]): string[] => {
    let list = lists.get(key);
    if (list === undefined) lists.set(key, list = Object.freeze(make()) as string[]);
    return list;
  };
  // Lists of one label (most of them) are found by the label's position, with no key made.
  const singles: (string[] | undefined)[] = [];
  const isLabel = (k: unknown) => Number.isInteger(k) && labels[k as number] !== undefined;
  const pick = (list: unknown): string[] | null => {
    if (!Array.isArray(list) || !list.every(isLabel)) return null;
    const single = list.length === 1 ? singles[list[0]] : undefined;
    if (single) return single;
    const picked = shared(`#${list.join(",")}`, () => list.map((k) => labels[k]!));
    if (list.length === 1) singles[list[0]] = picked;
    return picked;
  };
  const entries = new Array<IndexedEntry>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== 9) return null;
    const [id, name, title, aliases, sources, categories, tags, flags, launch] = row;
    if (typeof id !== "string" || typeof name !== "string" || typeof title !== "string") {
      return null;
    }
    const method = labels[launch] as LaunchMethod;
    if (typeof flags !== "number" || !LAUNCH_METHODS.includes(method)) return null;
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== "string")) return null;
    const picked = [pick(sources), pick(categories), pick(tags)];
    if (picked.some((list) => list === null)) return null;
    entries[i] = {
      id,
      // Parsed JSON makes each string anew: a name equal to the id is kept once.
      name: name === id ? id : name,
      title,
      aliases: aliases.length === 0 ? pick(aliases)! : aliases,
      sources: picked[0]!,
      categories: picked[1]!,
      tags: picked[2]!,
      official: (flags & OFFICIAL) !== 0,
      featured: (flags & FEATURED) !== 0,
      requires_api_key: (flags & REQUIRES_KEY) !== 0,
      launch_method: method,
    };
  }
  return entries;
}
