/**
 * MiniSearch's inverted index read directly: which entries hold an indexed term, in which
 * field, how often, and the BM25 score MiniSearch would give that match. The ranking walks
 * these postings into flat arrays instead of calling `MiniSearch.search()`, whose per-entry
 * result objects, per-term maps and full sort were most of a query's time.
 *
 * Reads MiniSearch's protected fields (`_index`, `_fieldIds`, ...) of the version pinned in
 * deno.json; `_postings_test.ts` checks the scores against `MiniSearch.search()` itself.
 *
 * @module
 */
import type MiniSearch from "minisearch";

/** Entry (MiniSearch short id) → how often the term occurs in the field. */
type DocFreqs = Map<number, number>;
/** Field id → the entries that hold the term in that field. */
export type FieldPostings = Map<number, DocFreqs>;

/** The protected state of a MiniSearch instance that the postings read. */
interface Internals {
  _index: {
    get(term: string): FieldPostings | undefined;
    atPrefix(prefix: string): Iterable<[string, FieldPostings]>;
    fuzzyGet(term: string, maxDistance: number): Map<string, [FieldPostings, number]>;
  };
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _documentIds: Map<number, unknown>;
}

/** One indexed term a query term reached, and how much that way of reaching it counts. */
export interface Expansion {
  term: string;
  /** 1 for the term itself, less for a longer word it is a prefix of or a word a few edits away. */
  weight: number;
  postings: FieldPostings;
}

/** A field as the ranking walks it. */
export interface PostingField {
  name: string;
  id: number;
  boost: number;
}

/** MiniSearch's defaults (7.x): BM25+ parameters and the weights of prefix and fuzzy matches. */
const K = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;

/** Read access to a built (or loaded) MiniSearch index. */
export class Postings {
  readonly #index: Internals["_index"];
  /**
   * Per field, then per short id: BM25's length norm, `k·(1 − b + b·length / average)`;
   * float32, 4 bytes an entry a field.
   */
  readonly #norm: Float32Array[];
  /** Entries indexed. */
  readonly documentCount: number;
  /** The fields with a boost, in the order MiniSearch scores them. */
  readonly fields: readonly PostingField[];
  /** MiniSearch's short id → the entry's position in the catalog (its MiniSearch id). */
  readonly entryOf: Int32Array;

  /** @param search A built or loaded index (its documents' ids are catalog positions). */
  constructor(search: MiniSearch<never>, boost: Readonly<Record<string, number>>) {
    const internals = search as unknown as Internals;
    this.#index = internals._index;
    this.documentCount = internals._documentCount;
    this.fields = Object.entries(boost)
      .filter(([, b]) => b > 0)
      .map(([name, b]) => ({ name, id: internals._fieldIds[name]!, boost: b }));
    let max = -1;
    for (const shortId of internals._documentIds.keys()) max = Math.max(max, shortId);
    this.entryOf = new Int32Array(max + 1).fill(-1);
    for (const [shortId, id] of internals._documentIds) this.entryOf[shortId] = id as number;
    this.#norm = [];
    for (const field of this.fields) {
      const norm = new Float32Array(max + 1);
      const average = internals._avgFieldLength[field.id]!;
      for (const [shortId, lengths] of internals._fieldLength) {
        norm[shortId] = K * (1 - B + B * lengths[field.id]! / average);
      }
      this.#norm[field.id] = norm;
    }
  }

  /**
   * The indexed terms `term` reaches: itself, the longer words it begins when `prefix`, and
   * those within `fuzzy` edits (a prefix match is not counted again as a fuzzy one), weighted
   * as MiniSearch weighs them.
   */
  expand(term: string, prefix: boolean, fuzzy: number | false): Expansion[] {
    const found: Expansion[] = [];
    const exact = this.#index.get(term);
    if (exact) found.push({ term, weight: 1, postings: exact });
    const fuzzyMatches = fuzzy ? this.#index.fuzzyGet(term, fuzzy) : undefined;
    if (prefix) {
      for (const [longer, postings] of this.#index.atPrefix(term)) {
        const distance = longer.length - term.length;
        if (!distance) continue;
        fuzzyMatches?.delete(longer);
        const weight = PREFIX_WEIGHT * longer.length / (longer.length + 0.3 * distance);
        found.push({ term: longer, weight, postings });
      }
    }
    for (const [near, [postings, distance]] of fuzzyMatches ?? []) {
      if (!distance) continue;
      found.push({
        term: near,
        weight: FUZZY_WEIGHT * near.length / (near.length + distance),
        postings,
      });
    }
    return found;
  }

  /**
   * BM25+ of `freq` occurrences in `field` of the entry with short id `shortId`, when
   * `matching` entries hold the term in that field (MiniSearch's `calcBM25Score`).
   */
  bm25(field: PostingField, shortId: number, freq: number, matching: number): number {
    const idf = Math.log(1 + (this.documentCount - matching + 0.5) / (matching + 0.5));
    const norm = this.#norm[field.id]![shortId]!;
    return idf * (D + freq * (K + 1) / (freq + norm));
  }
}
