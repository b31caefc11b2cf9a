/**
 * Entries by normalized name (id, name and title), for the exact-name bonus: the distinct names
 * in sorted order and the entries of each, in flat arrays, found by binary search. A name is not
 * kept as a string: it is named by the entry field it comes from and normalized when the search
 * compares it, about 14 times a query (12,000 names, 0.4 MB of strings at 10k, kept no more).
 * Stored as they are, so a start reads them back without building a map of 12,000 names.
 *
 * @module
 */
import type { IndexedEntry } from "./_indexed_entry.ts";
import { normalizeName } from "./_names.ts";
import { compareStrings } from "./_sorted.ts";

/** The exact names as stored. */
export interface StoredExactNames {
  /**
   * Name `k`, in sorted order (JS string order), is field `refs[k] % 3` (id, name, title) of
   * entry `floor(refs[k] / 3)`, normalized.
   */
  refs: number[];
  /** Name `k`'s entries are `entries[starts[k]]` up to `entries[starts[k + 1]]`. */
  starts: number[];
  entries: number[];
}

/** The entries of each normalized name. */
export class ExactNames {
  readonly #indexed: readonly IndexedEntry[];
  readonly #refs: Uint32Array;
  readonly #starts: Uint32Array;
  readonly #entries: Uint32Array;

  private constructor(
    indexed: readonly IndexedEntry[],
    stored: { refs: ArrayLike<number>; starts: ArrayLike<number>; entries: ArrayLike<number> },
  ) {
    this.#indexed = indexed;
    this.#refs = Uint32Array.from(stored.refs);
    this.#starts = Uint32Array.from(stored.starts);
    this.#entries = Uint32Array.from(stored.entries);
  }

  /** The names of `indexed`: each entry's normalized id, name and title. */
  static of(indexed: readonly IndexedEntry[]): ExactNames {
    const byName = new Map<string, { ref: number; list: number[] }>();
    indexed.forEach((entry, i) => {
      fieldsOf(entry).forEach((text, field) => {
        const name = normalizeName(text);
        if (!name) return;
        const known = byName.get(name);
        if (!known) byName.set(name, { ref: i * 3 + field, list: [i] });
        else if (known.list.at(-1) !== i) known.list.push(i); // an entry once per name
      });
    });
    const names = [...byName.keys()].sort(compareStrings);
    const refs: number[] = [];
    const starts: number[] = [];
    const flat: number[] = [];
    for (const name of names) {
      const { ref, list } = byName.get(name)!;
      refs.push(ref);
      starts.push(flat.length);
      flat.push(...list);
    }
    starts.push(flat.length);
    return new ExactNames(indexed, { refs, starts, entries: flat });
  }

  /**
   * The names read back over `indexed`; null unless their ranges fit and every entry and field
   * named is one of `indexed` (a torn, foreign or older value). Their order is not checked again
   * (that would normalize every name at start): the stored index's fingerprint vouches for it.
   */
  static fromStored(stored: unknown, indexed: readonly IndexedEntry[]): ExactNames | null {
    const { refs, starts, entries } = (stored ?? {}) as Partial<StoredExactNames>;
    if (!Array.isArray(refs) || !Array.isArray(starts) || !Array.isArray(entries)) return null;
    if (starts.length !== refs.length + 1 || starts[0] !== 0) return null;
    if (starts[refs.length] !== entries.length) return null;
    const n = indexed.length;
    for (let k = 0; k < refs.length; k++) {
      if (!(starts[k + 1]! > starts[k]!)) return null;
      if (!isBelow(refs[k], n * 3)) return null;
    }
    for (const i of entries) if (!isBelow(i, n)) return null;
    return new ExactNames(indexed, { refs, starts, entries });
  }

  /** The entries named `name` (normalized), in catalog order; empty when none. */
  of(name: string): readonly number[] {
    let lo = 0;
    let hi = this.#refs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#name(mid) < name) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.#refs.length || this.#name(lo) !== name) return [];
    return Array.from(this.#entries.subarray(this.#starts[lo], this.#starts[lo + 1]));
  }

  /** The stored form. */
  toStored(): StoredExactNames {
    return {
      refs: Array.from(this.#refs),
      starts: Array.from(this.#starts),
      entries: Array.from(this.#entries),
    };
  }

  #name(k: number): string {
    const ref = this.#refs[k]!;
    return normalizeName(fieldsOf(this.#indexed[Math.floor(ref / 3)]!)[ref % 3]!);
  }
}

function fieldsOf(entry: IndexedEntry): [string, string, string] {
  return [entry.id, entry.name, entry.title];
}

function isBelow(value: unknown, limit: number): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < limit;
}
