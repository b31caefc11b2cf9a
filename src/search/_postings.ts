/**
 * The inverted index as flat typed arrays: which entries hold an indexed term, in which field,
 * how often, and the BM25 score MiniSearch would give that match. The ranking walks these
 * postings into flat arrays instead of calling `MiniSearch.search()`, whose per-entry result
 * objects, per-term maps and full sort were most of a query's time.
 *
 * {@linkcode Postings.build} indexes the entries as MiniSearch 7 would (the same field lengths,
 * term counts and BM25+), into flat rows rather than a map per term and field. Stored, the
 * postings are one byte array and a sorted term list ({@linkcode Postings.toStored}): a start
 * reads them back as views over the stored bytes, with no parsing and no object per posting
 * (MiniSearch's `loadJS` made a map per term and field, about 20 MB and 300 ms at 10,000
 * entries, and its build held about 30 MB of them: issue 18).
 *
 * Prefix and fuzzy lookups search the sorted terms (binary search; for typos, a walk of them
 * as a trie, see {@linkcode nearTerms}). `_postings_test.ts` checks the scores against
 * `MiniSearch.search()` itself.
 *
 * @module
 */
import { compareStrings, lowerBound } from "./_sorted.ts";
import { nearTerms } from "./_near_terms.ts";

/** One indexed term a query term reached, and how much that way of reaching it counts. */
export interface Expansion {
  term: string;
  /** The term's position among the sorted terms: what {@linkcode Postings.range} takes. */
  id: number;
  /** 1 for the term itself, less for a longer word it is a prefix of or a word a few edits away. */
  weight: number;
}

/** A field as the ranking walks it. */
export interface PostingField {
  name: string;
  id: number;
  boost: number;
}

/** The postings as stored: JSON-able parts and one byte array. */
export interface StoredPostings {
  /** The indexed terms, sorted (JS string order). */
  terms: string[];
  /** Field name -> id, as MiniSearch numbered them. */
  fieldIds: Record<string, number>;
  /** See the layout at {@linkcode Postings.toStored}. */
  bytes: Uint8Array;
}

/** MiniSearch's defaults (7.x): BM25+ parameters and the weights of prefix and fuzzy matches. */
const K = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;

/** Bump when the byte layout changes. */
const LAYOUT = 2;
const HEADER_WORDS = 6;
/** A term's count in one field, and a field's length, are kept up to these (BM25 saturates). */
const MAX_FREQ = 255;
const MAX_LENGTH = 65_535;

/** The postings of a built index, in flat arrays. */
export class Postings {
  /** The indexed terms, sorted. */
  readonly #terms: readonly string[];
  /** Postings of term `t` in field `f`: `[start[t * F + f], start[t * F + f + 1])`. */
  readonly #start: Uint32Array;
  /** Each posting's entry (its position in the catalog): 16 bits while entries fit in them. */
  readonly doc: Uint16Array | Uint32Array;
  /** Each posting's count of the term in the field. */
  readonly freq: Uint8Array;
  /** Each entry's length of each field (`entry . fields + field`). */
  readonly #lengths: Uint16Array;
  /**
   * Per field id: BM25's length norm `k * (1 - b + b * length / average)`, as
   * `base + slope * length`, worked out per posting rather than kept per entry and field.
   */
  readonly #normBase: Float64Array;
  readonly #normSlope: Float64Array;
  readonly #fieldCount: number;
  readonly #fieldIds: Record<string, number>;
  /** The stored form's bytes (kept: the arrays above are views over them). */
  readonly #bytes: Uint8Array;
  /** Entries indexed. */
  readonly documentCount: number;
  /** The fields with a boost, in the order MiniSearch scores them. */
  readonly fields: readonly PostingField[];

  private constructor(
    stored: StoredPostings,
    boost: Readonly<Record<string, number>>,
    arrays: ReturnType<typeof viewsOver>,
    documentCount: number,
  ) {
    this.#terms = stored.terms;
    this.#fieldIds = stored.fieldIds;
    this.#fieldCount = Object.keys(stored.fieldIds).length;
    this.#bytes = stored.bytes;
    this.#start = arrays.start;
    this.doc = arrays.doc;
    this.freq = arrays.freq;
    this.#lengths = arrays.lengths;
    this.#normBase = arrays.average.map(() => K * (1 - B));
    this.#normSlope = arrays.average.map((average) => average > 0 ? K * B / average : 0);
    this.documentCount = documentCount;
    this.fields = Object.entries(boost)
      .filter(([, b]) => b > 0)
      .map(([name, b]) => ({ name, id: stored.fieldIds[name]!, boost: b }));
  }

  /**
   * Indexes `docs` (the text of each field of each entry, `docs[i]` being entry `i`) as
   * MiniSearch 7 indexes documents, so that scores are MiniSearch's (`_postings_test.ts`
   * compares them): a field's length is its count of distinct tokens, a term's frequency the
   * count of tokens that process to it, and the average length is kept as MiniSearch keeps it.
   * Postings are gathered as flat (term, field, entry, count) rows and sorted by counting, never
   * a map per term and field (MiniSearch's build held about 30 MB of them at 10k entries).
   */
  static build(
    docs: { readonly length: number; at(i: number): object },
    fields: readonly string[],
    text: {
      tokenize: (text: string) => string[];
      processTerm: (term: string) => string | null | undefined | false;
      /** Told every token that indexes a term (the typo word lists are made from them). */
      onToken?: (token: string, term: string) => void;
    },
    boost: Readonly<Record<string, number>>,
  ): Postings {
    const F = fields.length;
    const N = docs.length;
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    const rows = new Rows();
    const lengths = new Uint32Array(N * F);
    const average = new Float64Array(F);
    const counts = new Map<number, number>();
    for (let entry = 0; entry < N; entry++) {
      // One document at a time: the caller makes it on demand, so all never exist at once.
      const doc = docs.at(entry);
      fields.forEach((field, f) => {
        const tokens = text.tokenize(String((doc as Record<string, unknown>)[field] ?? ""));
        const length = new Set(tokens).size;
        lengths[entry * F + f] = length;
        average[f] = (average[f]! * entry + length) / (entry + 1);
        counts.clear();
        for (const token of tokens) {
          const term = text.processTerm(token);
          if (!term) continue;
          text.onToken?.(token, term);
          let id = termIds.get(term);
          if (id === undefined) {
            termIds.set(term, id = terms.length);
            terms.push(term);
          }
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        for (const [id, count] of counts) rows.push(id, f, entry, count);
      });
    }
    // Terms in sorted order; rows counted into place (entries stay ascending in each range).
    const order = terms.map((_, id) => id).sort((a, b) => compareStrings(terms[a]!, terms[b]!));
    const rank = new Uint32Array(terms.length);
    order.forEach((id, position) => rank[id] = position);
    const T = terms.length;
    const layout = byteLayout(T, F, rows.length, N, docBytesFor(N));
    const bytes = new Uint8Array(layout.size);
    const view = viewsOver(bytes, layout);
    view.header.set([LAYOUT, T, F, rows.length, N, layout.docBytes]);
    for (let r = 0; r < rows.length; r++) {
      view.start[rank[rows.term[r]!]! * F + rows.field[r]! + 1]!++;
    }
    for (let k = 1; k <= T * F; k++) view.start[k]! += view.start[k - 1]!;
    const cursor = view.start.slice(0, T * F);
    for (let r = 0; r < rows.length; r++) {
      const at = cursor[rank[rows.term[r]!]! * F + rows.field[r]!]!++;
      view.doc[at] = rows.entry[r]!;
      view.freq[at] = Math.min(rows.count[r]!, MAX_FREQ);
    }
    for (let i = 0; i < lengths.length; i++) view.lengths[i] = Math.min(lengths[i]!, MAX_LENGTH);
    view.average.set(average);
    const fieldIds = Object.fromEntries(fields.map((field, f) => [field, f]));
    const stored = { terms: order.map((id) => terms[id]!), fieldIds, bytes };
    return Postings.fromStored(stored, boost)!;
  }

  /**
   * The postings read back from {@linkcode toStored}'s form; null when the bytes do not fit
   * the terms and fields stored beside them (a torn, foreign or older value).
   */
  static fromStored(
    stored: StoredPostings,
    boost: Readonly<Record<string, number>>,
  ): Postings | null {
    const { terms, fieldIds, bytes } = stored;
    if (!Array.isArray(terms) || !(bytes instanceof Uint8Array) || bytes.byteOffset % 8) {
      return null;
    }
    if (!Object.keys(boost).every((name) => Number.isInteger(fieldIds?.[name]))) return null;
    if (!terms.every((term) => typeof term === "string")) return null;
    if (bytes.length < HEADER_WORDS * 4) return null;
    const header = new Uint32Array(bytes.buffer, bytes.byteOffset, HEADER_WORDS);
    const [layoutVersion, T, F, P, N, docBytes] = header as unknown as number[];
    if (layoutVersion !== LAYOUT || T !== terms.length || F !== Object.keys(fieldIds).length) {
      return null;
    }
    if (docBytes !== docBytesFor(N!)) return null;
    const ids = Object.values(fieldIds);
    if (!ids.every((id) => Number.isInteger(id) && id >= 0 && id < F!)) return null;
    if (new Set(ids).size !== ids.length) return null;
    const layout = byteLayout(T!, F!, P!, N!, docBytes);
    if (layout.size !== bytes.length) return null;
    const view = viewsOver(bytes, layout);
    // Ranges that start at 0 and never go down: a damaged one would send a search over
    // billions of postings.
    const { start } = view;
    if (start[0] !== 0 || start[T! * F!] !== P) return null;
    for (let k = 1; k <= T! * F!; k++) if (start[k]! < start[k - 1]!) return null;
    for (let i = 0; i < P!; i++) if (view.doc[i]! >= N!) return null;
    return new Postings(stored, boost, view, N!);
  }

  /**
   * The stored form: the sorted terms, the field ids and the bytes (laid out as
   * {@linkcode byteLayout} says).
   */
  toStored(): StoredPostings {
    return { terms: [...this.#terms], fieldIds: { ...this.#fieldIds }, bytes: this.#bytes };
  }

  /**
   * How many entries hold `term` in any field (its document frequency); undefined for a term
   * no entry holds.
   */
  docFreq(term: string): number | undefined {
    const id = lowerBound(this.#terms, term);
    if (this.#terms[id] !== term) return undefined;
    this.#docFreqs ??= this.#countDocFreqs();
    return this.#docFreqs[id];
  }

  #docFreqs: Uint32Array | undefined;

  /** Each term's count of distinct entries over all fields (postings are by field). */
  #countDocFreqs(): Uint32Array {
    const F = this.#fieldCount;
    const counts = new Uint32Array(this.#terms.length);
    const lastTerm = new Int32Array(this.documentCount).fill(-1);
    for (let t = 0; t < this.#terms.length; t++) {
      for (let p = this.#start[t * F]!; p < this.#start[(t + 1) * F]!; p++) {
        const entry = this.doc[p]!;
        if (lastTerm[entry] === t) continue;
        lastTerm[entry] = t;
        counts[t]!++;
      }
    }
    return counts;
  }

  /** The postings of term `id` in field `field`: indexes into `doc` and `freq`. */
  range(id: number, field: number): [start: number, end: number] {
    const at = id * this.#fieldCount + field;
    return [this.#start[at]!, this.#start[at + 1]!];
  }

  /**
   * The indexed terms `term` reaches: itself, the longer words it begins when `prefix`, and
   * those within `fuzzy` edits (a prefix match is not counted again as a fuzzy one), weighted
   * as MiniSearch weighs them.
   */
  expand(term: string, prefix: boolean, fuzzy: number | false): Expansion[] {
    const terms = this.#terms;
    const found: Expansion[] = [];
    const first = lowerBound(terms, term);
    if (terms[first] === term) found.push({ term, id: first, weight: 1 });
    const seen = new Set<number>();
    if (prefix) {
      for (let id = first; id < terms.length && terms[id]!.startsWith(term); id++) {
        const longer = terms[id]!;
        const distance = longer.length - term.length;
        if (!distance) continue;
        seen.add(id);
        const weight = PREFIX_WEIGHT * longer.length / (longer.length + 0.3 * distance);
        found.push({ term: longer, id, weight });
      }
    }
    if (fuzzy) {
      for (const [id, distance] of nearTerms(terms, term, fuzzy)) {
        if (distance === 0 || seen.has(id)) continue;
        const near = terms[id]!;
        found.push({
          term: near,
          id,
          weight: FUZZY_WEIGHT * near.length / (near.length + distance),
        });
      }
    }
    return found;
  }

  /**
   * BM25+ of `freq` occurrences in `field` of `entry`, when `matching` entries hold the term
   * in that field (MiniSearch's `calcBM25Score`).
   */
  bm25(field: PostingField, entry: number, freq: number, matching: number): number {
    const idf = Math.log(1 + (this.documentCount - matching + 0.5) / (matching + 0.5));
    const f = field.id;
    const norm = this.#normBase[f]! +
      this.#normSlope[f]! * this.#lengths[entry * this.#fieldCount + f]!;
    return idf * (D + freq * (K + 1) / (freq + norm));
  }
}

/** Postings as they are found: (term, field, entry, count) in growing arrays. */
class Rows {
  length = 0;
  term = new Uint32Array(4096);
  field = new Uint8Array(4096);
  entry = new Uint32Array(4096);
  count = new Uint32Array(4096);

  push(term: number, field: number, entry: number, count: number): void {
    if (this.length === this.term.length) {
      const size = this.length * 2;
      const grow = <A extends Uint32Array | Uint8Array>(a: A): A => {
        const b = new (a.constructor as new (n: number) => A)(size);
        b.set(a);
        return b;
      };
      [this.term, this.field, this.entry, this.count] = [
        grow(this.term),
        grow(this.field),
        grow(this.entry),
        grow(this.count),
      ];
    }
    const at = this.length++;
    this.term[at] = term;
    this.field[at] = field;
    this.entry[at] = entry;
    this.count[at] = count;
  }
}

interface Layout {
  terms: number;
  fields: number;
  postings: number;
  entries: number;
  /** 2 while entry positions fit in 16 bits, else 4. */
  docBytes: number;
  size: number;
}

/** How wide an entry's position is stored for `entries` entries. */
function docBytesFor(entries: number): number {
  return entries <= 0x10000 ? 2 : 4;
}

/**
 * The bytes, little-endian as typed arrays are on every platform Deno runs, widest first so each
 * part is aligned: a header (layout, terms, fields, postings, entries, entry width) as uint32;
 * each field's average length as float64; `start` (terms x fields + 1) as uint32; `doc`
 * (postings) as uint16 or uint32; each entry's field lengths (entries x fields) as uint16;
 * `freq` (postings) as uint8; zeros up to a multiple of 8.
 */
function byteLayout(
  terms: number,
  fields: number,
  postings: number,
  entries: number,
  docBytes: number,
): Layout {
  const bytes = (HEADER_WORDS + terms * fields + 1) * 4 + fields * 8 + postings * docBytes +
    entries * fields * 2 + postings;
  return { terms, fields, postings, entries, docBytes, size: Math.ceil(bytes / 8) * 8 };
}

function viewsOver(bytes: Uint8Array, l: Layout) {
  const { buffer, byteOffset } = bytes;
  let at = byteOffset;
  const take = <A>(
    make: new (b: ArrayBufferLike, at: number, n: number) => A,
    n: number,
    w: number,
  ) => {
    const view = new make(buffer, at, n);
    at += n * w;
    return view;
  };
  const header = take(Uint32Array, HEADER_WORDS, 4);
  const average = take(Float64Array, l.fields, 8);
  const start = take(Uint32Array, l.terms * l.fields + 1, 4);
  const doc = l.docBytes === 2
    ? take(Uint16Array, l.postings, 2)
    : take(Uint32Array, l.postings, 4);
  const lengths = take(Uint16Array, l.entries * l.fields, 2);
  const freq = take(Uint8Array, l.postings, 1);
  return { header, average, start, doc, freq, lengths };
}
