/**
 * The ranking's weights: how typos, fields, names and rare words count.
 *
 * @module
 */

/**
 * Typos: a word the catalog never uses is likely misspelt: one edit from 4 letters on (`slak`
 * finds `slack`), two from 5 (`stirpe` finds `stripe`). A word it does use is taken as typed,
 * which also keeps the costly fuzzy search off most queries.
 */
export function fuzziness(term: string, known: boolean): number | false {
  if (known || term.length < 4) return false;
  return term.length >= 5 ? 2 : 1;
}

/** One word of a query: the terms that stand for it, with their weights, and its rarity. */
export interface QueryGroup {
  /** The word as the person typed it (processed). */
  typed: string;
  terms: Map<string, number>;
  idf: number;
}

/** A word the catalog uses, found for a misspelt one, counts a little less than a typed one. */
export const TYPO_WEIGHT = 0.9;

/**
 * How much a match in each field says that an entry covers a query word: a word found only
 * among the descriptions of an entry's tools says less (a server with 300 tools mentions
 * nearly everything somewhere).
 */
export const FIELD_COVER: Record<string, number> = { tool_names: 0.7, tool_text: 0.4 };

/**
 * How much an entry whose name holds a query word (as typed) gains, for all of the query's
 * words: "send a slack message" is about Slack before it is about sending messages.
 */
export const NAME_HIT = 1.5;

/** Rarity of a term used by `df` of `n` entries (BM25's idf, never negative). */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}
