/**
 * The catalog's entries kept compactly: one line of JSON each, parsed only when an entry is
 * asked for. A search needs a handful of whole entries (its hits); holding 10,000 parsed
 * entries cost about 21 MB of heap, and parsing them at every start most of its time and its
 * peak (issue 18).
 *
 * A freshly merged catalog keeps its lines in one byte array (outside the JS heap); the cache
 * stores them in a file (`CatalogStore.saveMerged`), and a start reads a line from that file
 * when its entry is asked for ({@linkcode EntryTable.over}), so the 9 MB of entries of a
 * 10k catalog are neither read at start nor held in memory.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";

/** How many parsed entries stay at hand (the last hits, the servers being started). */
const PARSED_KEPT = 128;

const NEWLINE = 0x0a;

/** Where a table's lines come from: memory, or a file read a line at a time. */
export interface EntryLines {
  /** How many lines. */
  readonly size: number;
  /** Line `i`'s bytes, without its newline. */
  line(i: number): Uint8Array;
  /** Lets go of what the lines are read from (a file). */
  close?(): void;
}

/** Lines in one byte array, each followed by a newline. */
export class MemoryLines implements EntryLines {
  /** Every line, each followed by a newline (JSON text never holds a raw one). */
  readonly bytes: Uint8Array;
  /** Where line `i` starts; `offsets[size]` is the end. */
  readonly offsets: Uint32Array;

  constructor(bytes: Uint8Array, offsets: Uint32Array) {
    this.bytes = bytes;
    this.offsets = offsets;
  }

  /** Where each line of `bytes` starts; null unless they hold exactly `count` whole lines. */
  static offsetsOf(bytes: Uint8Array, count: number): Uint32Array | null {
    const offsets = new Uint32Array(count + 1);
    let line = 0;
    for (let at = 0; at < bytes.length; at++) {
      if (bytes[at] !== NEWLINE) continue;
      if (line === count) return null;
      offsets[++line] = at + 1;
    }
    if (line !== count || (count > 0 && bytes[bytes.length - 1] !== NEWLINE)) return null;
    if (count === 0 && bytes.length > 0) return null;
    return offsets;
  }

  /**
   * `items` as JSON lines, one item at a time into a growing buffer: never the whole list as
   * one string (at 10k entries a two-byte string of 17 MB, and its bytes again).
   */
  static of(items: readonly unknown[]): MemoryLines {
    const encoder = new TextEncoder();
    const offsets = new Uint32Array(items.length + 1);
    let bytes = new Uint8Array(1024 * Math.max(1, items.length));
    let end = 0;
    items.forEach((item, i) => {
      const line = JSON.stringify(item);
      // UTF-8 takes at most 3 bytes per UTF-16 unit, and 1 for the newline.
      if (end + line.length * 3 + 1 > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, end + line.length * 3 + 1));
        grown.set(bytes.subarray(0, end));
        bytes = grown;
      }
      end += encoder.encodeInto(line, bytes.subarray(end)).written;
      bytes[end++] = NEWLINE;
      offsets[i + 1] = end;
    });
    // A copy only when it frees much: copying holds both for a moment (2 x 8 MB at 10k).
    const fitted = end < bytes.length * 0.75 ? bytes.slice(0, end) : bytes.subarray(0, end);
    return new MemoryLines(fitted, offsets);
  }

  get size(): number {
    return this.offsets.length - 1;
  }

  line(i: number): Uint8Array {
    return this.bytes.subarray(this.offsets[i], this.offsets[i + 1]! - 1);
  }
}

/** Entries by position, stored as JSON lines and parsed on demand. */
export class EntryTable {
  #lines: EntryLines;
  /** Recently parsed entries, oldest first (a Map keeps insertion order). */
  readonly #parsed = new Map<number, CatalogEntry>();
  readonly #decoder = new TextDecoder();

  private constructor(lines: EntryLines) {
    this.#lines = lines;
  }

  /** The entries' JSON lines. */
  get lines(): EntryLines {
    return this.#lines;
  }

  /**
   * Reads the same lines from elsewhere from now on (a fresh merge's bytes, once the cache's
   * file holds them, so they need not stay in memory); false, and nothing changes, when `lines`
   * holds another number of lines.
   */
  switchTo(lines: EntryLines): boolean {
    if (lines.size !== this.#lines.size) return false;
    this.#lines = lines;
    return true;
  }

  /** A table of `entries`, in that order, in memory. */
  static of(entries: readonly CatalogEntry[]): EntryTable {
    return new EntryTable(MemoryLines.of(entries));
  }

  /**
   * The table over stored bytes; null when they do not hold exactly `count` lines (a torn or
   * foreign value), so the caller builds the catalog again instead of serving half of it.
   */
  static fromBytes(bytes: Uint8Array, count: number): EntryTable | null {
    const offsets = MemoryLines.offsetsOf(bytes, count);
    return offsets && new EntryTable(new MemoryLines(bytes, offsets));
  }

  /** The table over lines kept elsewhere (a file: `store/entry_file.ts`). */
  static over(lines: EntryLines): EntryTable {
    return new EntryTable(lines);
  }

  /** How many entries the table holds. */
  get size(): number {
    return this.lines.size;
  }

  /** Entry `i` (parsed now, or kept from a recent call); a `RangeError` outside the table. */
  at(i: number): CatalogEntry {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new RangeError(`no entry ${i} in a table of ${this.size}`);
    }
    const kept = this.#parsed.get(i);
    if (kept) {
      // Used again: it becomes the newest.
      this.#parsed.delete(i);
      this.#parsed.set(i, kept);
      return kept;
    }
    const text = this.#decoder.decode(this.lines.line(i));
    const entry = deepFreeze(JSON.parse(text) as CatalogEntry);
    this.#parsed.set(i, entry);
    if (this.#parsed.size > PARSED_KEPT) this.#parsed.delete(this.#parsed.keys().next().value!);
    return entry;
  }

  /** Every entry, parsed: for a merge or a save, never on a search's path. */
  *[Symbol.iterator](): IterableIterator<CatalogEntry> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }
}

/**
 * Entries are shared by every caller that asks for them, so none may change one for the
 * others: they are frozen, as the catalog's entries always were meant to be.
 */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
