/**
 * Entries by normalized name (id, name and title), for the exact-name bonus: sorted names and
 * the entries of each in flat arrays, found by binary search. Stored as they are, so a start
 * reads them back without building a map of 12,000 names.
 *
 * @module
 */
import type { IndexedEntry } from "./_indexed_entry.ts";
import { normalizeName } from "./_names.ts";
import { compareStrings, lowerBound } from "./_sorted.ts";

/** The exact names as stored. */
export interface StoredExactNames {
  /** Normalized names, sorted (JS string order), each once. */
  names: string[];
  /** Name `k`'s entries are `entries[starts[k]]` up to `entries[starts[k + 1]]`. */
  starts: number[];
  entries: number[];
}

/** The entries of each normalized name. */
export class ExactNames {
  readonly #stored: StoredExactNames;

  private constructor(stored: StoredExactNames) {
    this.#stored = stored;
  }

  /** The names of `entries`: each entry's normalized id, name and title. */
  static of(entries: readonly IndexedEntry[]): ExactNames {
    const byName = new Map<string, number[]>();
    entries.forEach((entry, i) => {
      for (const name of new Set([entry.id, entry.name, entry.title].map(normalizeName))) {
        if (!name) continue;
        const list = byName.get(name);
        if (list) list.push(i);
        else byName.set(name, [i]);
      }
    });
    const names = [...byName.keys()].sort(compareStrings);
    const starts: number[] = [];
    const flat: number[] = [];
    for (const name of names) {
      starts.push(flat.length);
      flat.push(...byName.get(name)!);
    }
    starts.push(flat.length);
    return new ExactNames({ names, starts, entries: flat });
  }

  /**
   * The names read back; null unless they are sorted, their ranges fit, and every entry is one
   * of `n` (a torn, foreign or edited value).
   */
  static fromStored(stored: unknown, n: number): ExactNames | null {
    const { names, starts, entries } = (stored ?? {}) as Partial<StoredExactNames>;
    if (!Array.isArray(names) || !Array.isArray(starts) || !Array.isArray(entries)) return null;
    if (starts.length !== names.length + 1 || starts[0] !== 0) return null;
    if (starts[names.length] !== entries.length) return null;
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      if (typeof name !== "string" || (k > 0 && !(names[k - 1]! < name))) return null;
      if (!(starts[k + 1]! > starts[k]!)) return null;
    }
    for (const i of entries) if (!Number.isInteger(i) || i < 0 || i >= n) return null;
    return new ExactNames({ names, starts, entries });
  }

  /** The entries named `name` (normalized), in catalog order; empty when none. */
  of(name: string): readonly number[] {
    const { names, starts, entries } = this.#stored;
    const lo = lowerBound(names, name);
    return names[lo] === name ? entries.slice(starts[lo], starts[lo + 1]) : [];
  }

  /** The stored form. */
  toStored(): StoredExactNames {
    return this.#stored;
  }
}
