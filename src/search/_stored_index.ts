/**
 * A built index as plain data, and the checks a stored one passes before it is used.
 *
 * @module
 */
import type { IndexedEntry, StoredIndexedEntries } from "./_indexed_entry.ts";
import type { EntryTable } from "./entry_table.ts";
import type { ExactNames } from "./_exact_names.ts";
import type { Postings, StoredPostings } from "./_postings.ts";
import type { StoredExactNames } from "./_exact_names.ts";
import type { WordsByLength } from "./_typos.ts";

/** A built index as plain data: {@linkcode CatalogIndex.toStored}. */
export interface StoredIndex {
  /** The inverted index: sorted terms and flat arrays in one byte array. */
  postings: StoredPostings;
  words: MapEntries<WordsByLength>;
  /** What the index reads of every entry, in catalog order. */
  entries: StoredIndexedEntries;
  /** Entry positions in browsing order. */
  browse: number[];
  /** Each entry's position in id order. */
  idRank: number[];
  /** Entries by normalized id, name and title. */
  exact: StoredExactNames;
}

/** True when `list` holds each of 0..n-1 exactly once. */
export function isPermutation(list: unknown, n: number): list is number[] {
  if (!Array.isArray(list) || list.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= n || seen[i]) return false;
    seen[i] = 1;
  }
  return true;
}

type MapEntries<M> = M extends Map<infer K, infer V> ? [K, V][] : never;

/** What {@linkcode CatalogIndex.restore} hands the constructor. */
export interface Restored {
  table: EntryTable;
  indexed: IndexedEntry[];
  stored: StoredIndex;
  postings: Postings;
  exact: ExactNames;
  /** The typo word lists, checked (`_typos.ts`). */
  words: WordsByLength;
}
