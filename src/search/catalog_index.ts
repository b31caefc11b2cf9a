/**
 * The search index over the merged catalog: pure, in memory, no I/O.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { processTerm, tokenize } from "./_text.ts";
import { RELATED_WEIGHT, relatedTerms } from "./_lexicon.ts";
import { bucketOf, closeWords, type WordsByLength, wordsFrom } from "./_typos.ts";
import { Postings } from "./_postings.ts";
import { filterChecks, type SearchFilters } from "./_filters.ts";
import { MARKED, type MarkLookup, RUNNABLE } from "./_runnable.ts";
import { toDoc } from "./_docs.ts";
import { browseCompare, exactBonus, normalizeName } from "./_names.ts";
import { Matches, topK } from "./_matches.ts";
import { isPermutation, type Restored, type StoredIndex } from "./_stored_index.ts";
import { ExactNames } from "./_exact_names.ts";
import { FIELD_COVER, fuzziness, idf, NAME_HIT, type QueryGroup, TYPO_WEIGHT } from "./_weights.ts";
import { EntryTable } from "./entry_table.ts";
import { type IndexedEntry, indexedOf, loadIndexed, storeIndexed } from "./_indexed_entry.ts";

export { STARTABLE } from "./_filters.ts";
export type { SearchFilters, Startable } from "./_filters.ts";
export type { MarkLookup, RunState } from "./_runnable.ts";
export type { StoredIndex } from "./_stored_index.ts";
export type { IndexedEntry } from "./_indexed_entry.ts";
export { topK } from "./_matches.ts";

/** One ranked result. */
export interface SearchHit {
  entry: CatalogEntry;
  score: number;
}

/** What {@linkcode CatalogIndex.search} found. */
export interface SearchResults {
  hits: SearchHit[];
  /** How many entries matched (and passed the filters), before the limit. */
  total: number;
  /** True when the query had no searchable words, so the filtered catalog was browsed. */
  browsing: boolean;
}

/** Options for {@linkcode CatalogIndex.search}. */
export interface SearchOptions {
  filters?: SearchFilters;
  /** @default 10 */
  limit?: number;
  /** What running entries taught: verified ones rank a little higher, failed ones lower. */
  marks?: MarkLookup;
}

/** Options for {@linkcode CatalogIndex.list}. */
export interface ListOptions {
  filters?: SearchFilters;
  /** For the `startable` filter. */
  marks?: MarkLookup;
  /** @default 0 */
  offset?: number;
  /** @default 20 */
  limit?: number;
}

/**
 * Field weights: a server's own name outranks its tags and categories, which outrank the
 * tools it offers, which outrank a passing mention in a description.
 */
export const DEFAULT_BOOST = {
  names: 4,
  tags: 2.5,
  categories: 2.5,
  vendor: 2,
  tool_names: 1.2,
  description: 1.5,
  tool_text: 0.3,
};

/**
 * Search and paging over catalog entries. Immutable: build a new one for a new catalog.
 *
 * Whole entries live in an {@linkcode EntryTable} (bytes, parsed on demand); the index keeps
 * in memory only what filters, ranking and browsing read for every entry ({@linkcode
 * IndexedEntry}). Restoring a stored index ({@linkcode CatalogIndex.restore}) reads neither
 * the entries' JSON nor sorts anything again.
 */
export class CatalogIndex {
  readonly #entries: readonly IndexedEntry[];
  readonly #table: EntryTable;
  /**
   * Entries by id, then by the ids a source gave an entry before merging where no entry has
   * that id itself; made on the first lookup (a search needs neither).
   */
  #byId: Map<string, number> | undefined;
  #byAlias: Map<string, number> | undefined;
  readonly #postings: Postings;
  /** Scratch for a search: each entry's slot among the matches (-1: none yet). */
  readonly #slotOf: Int32Array;
  /** Changes with every index built: ties a paging cursor to the catalog it paged. */
  readonly generation: string = crypto.randomUUID().replace(/-/g, "").slice(0, 8);
  /** Distinct sources, categories and tags, for checking filter values. */
  #labels: { source: Set<string>; category: Set<string>; tag: Set<string> } | undefined;
  /** Entries in browsing order: official first, then featured, then by title. */
  readonly #browseOrder: number[];

  readonly #coverage: number;
  /** Entries by normalized id, name and title, for the exact-name bonus. */
  readonly #exactNames: ExactNames;
  /** Each entry's position in id order: the tie-breaker between equal scores. */
  readonly #idRank: Int32Array;
  /** The words entries use as written (lowercased), by length, with their processed term. */
  readonly #words: WordsByLength = new Map();

  /**
   * @param tuning Field boosts and how strongly results matching more of the query's words
   * win (`coverage`); the defaults are tuned on `tests/search_quality_cases.ts`.
   */
  constructor(
    source: readonly CatalogEntry[] | Restored,
    tuning: { boost?: typeof DEFAULT_BOOST; coverage?: number } = {},
  ) {
    const { boost = DEFAULT_BOOST, coverage = 1 } = tuning;
    this.#coverage = coverage;
    if ("stored" in source) {
      // Read back as built (restore()): nothing is indexed or sorted again.
      const { stored } = source;
      this.#table = source.table;
      this.#entries = source.indexed;
      for (const [bucket, words] of source.words) this.#words.set(bucket, words);
      this.#idRank = Int32Array.from(stored.idRank);
      this.#exactNames = source.exact;
      this.#postings = source.postings;
      this.#browseOrder = stored.browse;
    } else {
      this.#table = EntryTable.of(source);
      const entries = this.#entries = source.map(indexedOf);
      this.#idRank = new Int32Array(entries.length);
      entries.map((e, i) => ({ id: e.id, i })).sort((a, b) => (a.id < b.id ? -1 : 1))
        .forEach(({ i }, rank) => this.#idRank[i] = rank);
      this.#exactNames = ExactNames.of(entries);
      // Indexed as MiniSearch would, each entry's text made when its turn comes; the words
      // entries use, as written, are kept for typo correction on the way.
      const seen = new Set<string>();
      const onToken = (token: string, term: string) => {
        const word = token.toLowerCase();
        if (seen.has(word) || word.length < 4 || /\d/.test(word)) return;
        seen.add(word);
        const bucket = this.#words.get(bucketOf(word));
        const pair = [word, term === word ? word : term];
        if (bucket) bucket.push(...pair);
        else this.#words.set(bucketOf(word), pair);
      };
      const docs = { length: source.length, at: (i: number) => toDoc(source[i]!, i) };
      const text = { tokenize, processTerm, onToken };
      this.#postings = Postings.build(docs, Object.keys(boost), text, boost);
      this.#browseOrder = entries.map((_, i) => i)
        .sort((a, b) => browseCompare(entries[a]!, entries[b]!));
    }
    this.#slotOf = new Int32Array(this.#entries.length).fill(-1);
  }

  /**
   * The index over `table` as `stored` says it was built (see `index_snapshot.ts`); null when
   * the stored index does not fit the table (another count, a torn or older value).
   */
  static restore(
    table: EntryTable,
    stored: StoredIndex,
    tuning: { boost?: typeof DEFAULT_BOOST } = {},
  ): CatalogIndex | null {
    const { boost = DEFAULT_BOOST } = tuning;
    const indexed = loadIndexed(stored.entries);
    const postings = Postings.fromStored(stored.postings, boost);
    const n = table.size;
    if (!indexed || indexed.length !== n || postings?.documentCount !== n) return null;
    if (!isPermutation(stored.browse, n) || !isPermutation(stored.idRank, n)) return null;
    const exact = ExactNames.fromStored(stored.exact, indexed);
    const words = wordsFrom(stored.words);
    if (!exact || !words) return null;
    return new CatalogIndex({ table, indexed, stored, postings, exact, words }, tuning);
  }

  /** How many entries the index holds. */
  get size(): number {
    return this.#entries.length;
  }

  /** Every entry, in catalog order, as stored (JSON lines: see {@linkcode EntryTable}). */
  get table(): EntryTable {
    return this.#table;
  }

  /**
   * What the index keeps of every entry, in catalog order (ids, names, labels, flags, launch
   * method); a whole entry comes from {@linkcode get} or {@linkcode table}.
   */
  get entries(): readonly IndexedEntry[] {
    return this.#entries;
  }

  /** Every entry's id, in catalog order. */
  ids(): string[] {
    return this.#entries.map((e) => e.id);
  }

  /** The entry with this id (or this former id of a merged entry), if any. */
  get(id: string): CatalogEntry | undefined {
    if (!this.#byId || !this.#byAlias) {
      const byId = new Map<string, number>();
      const byAlias = new Map<string, number>();
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) byId.set(entries[i]!.id, i);
      for (let i = 0; i < entries.length; i++) {
        for (const alias of entries[i]!.aliases) {
          if (!byId.has(alias) && !byAlias.has(alias)) byAlias.set(alias, i);
        }
      }
      [this.#byId, this.#byAlias] = [byId, byAlias];
    }
    const i = this.#byId.get(id) ?? this.#byAlias.get(id);
    return i === undefined ? undefined : this.#table.at(i);
  }

  /** Distinct sources, categories and tags, for checking filter values. */
  get labels(): { source: Set<string>; category: Set<string>; tag: Set<string> } {
    if (!this.#labels) {
      const labels = {
        source: new Set<string>(),
        category: new Set<string>(),
        tag: new Set<string>(),
      };
      for (const entry of this.#entries) {
        for (const source of entry.sources) labels.source.add(source);
        for (const category of entry.categories) labels.category.add(category);
        for (const tag of entry.tags) labels.tag.add(tag);
      }
      this.#labels = labels;
    }
    return this.#labels;
  }

  /**
   * Ranks the entries that pass the filters against `query`. An empty query (or one of stop
   * words only) returns the filtered catalog in browsing order with score 0.
   */
  search(query: string, options: SearchOptions = {}): SearchResults {
    const { filters = {}, limit = 10, marks } = options;
    const allowed = this.#allowed(filters, marks);
    // Repeated words add nothing but cost; 32 distinct words are plenty for any need.
    const groups = this.#queryGroups(query);
    if (groups.length === 0) {
      const order = allowed ? this.#browseOrder.filter((i) => allowed[i]) : this.#browseOrder;
      return {
        hits: order.slice(0, limit).map((i) => ({ entry: this.#table.at(i), score: 0 })),
        total: order.length,
        browsing: true,
      };
    }
    const { entryAt, score, count } = this.#rank(groups, allowed, query, marks);
    const slots = new Array<number>(count);
    for (let slot = 0; slot < count; slot++) slots[slot] = slot;
    const best = topK(
      slots,
      limit,
      (a, b) => score[b]! - score[a]! || this.#idRank[entryAt[a]!]! - this.#idRank[entryAt[b]!]!,
    );
    return {
      hits: best.map((slot) => ({ entry: this.#table.at(entryAt[slot]!), score: score[slot]! })),
      total: count,
      browsing: false,
    };
  }

  /**
   * Every entry that matches a term of `groups` (and passes `allowed`), with its score: BM25
   * over the boosted fields (as MiniSearch scores an OR query, times the number of query terms
   * matched), times the rarity-weighted share of the query's words it covers, the name bonus,
   * whether it can run, and the exact-name bonus. One walk over the postings into flat arrays
   * (a slot per matching entry), where `MiniSearch.search()` made an object and a map per
   * entry and sorted them all.
   */
  #rank(
    groups: readonly QueryGroup[],
    allowed: Uint8Array | undefined,
    query: string,
    marks: MarkLookup | undefined,
  ) {
    const G = groups.length;
    // Each distinct term once, at its highest weight, with the groups it stands for.
    const terms = new Map<string, { boost: number; groups: number[]; weights: number[] }>();
    groups.forEach((group, g) => {
      for (const [term, weight] of group.terms) {
        const known = terms.get(term);
        if (!known) terms.set(term, { boost: weight, groups: [g], weights: [weight] });
        else {
          known.boost = Math.max(known.boost, weight);
          known.groups.push(g);
          known.weights.push(weight);
        }
      }
    });
    // A typed word -> the groups (bits) it was typed for: its match in a name earns the bonus.
    const typed = new Map<string, number>();
    groups.forEach((group, g) => typed.set(group.typed, (typed.get(group.typed) ?? 0) | (1 << g)));

    const postings = this.#postings;
    const slotOf = this.#slotOf;
    const m = new Matches(G);
    let t = 0;
    for (const [term, { boost: termBoost, groups: termGroups, weights }] of terms) {
      const known = postings.docFreq(term) !== undefined;
      const prefix = term.length >= 3 && !known;
      for (const expansion of postings.expand(term, prefix, fuzziness(term, known))) {
        const nameMask = typed.get(expansion.term) ?? 0;
        for (const field of postings.fields) {
          const [start, end] = postings.range(expansion.id, field.id);
          if (start === end) continue;
          const fieldCover = FIELD_COVER[field.name] ?? 1;
          const weight = expansion.weight * termBoost * field.boost;
          const inName = field.name === "names" ? nameMask : 0;
          const matching = end - start;
          for (let p = start; p < end; p++) {
            const i = postings.doc[p]!;
            if (allowed && !allowed[i]) continue;
            let slot = slotOf[i]!;
            if (slot < 0) slotOf[i] = slot = m.add(i);
            m.score[slot]! += weight * postings.bm25(field, i, postings.freq[p]!, matching);
            if (m.lastTerm[slot] !== t) {
              m.lastTerm[slot] = t;
              m.matched[slot]!++;
            }
            m.named[slot]! |= inName;
            const base = slot * G;
            for (let k = 0; k < termGroups.length; k++) {
              const c = weights[k]! * fieldCover;
              if (c > m.cover[base + termGroups[k]!]!) m.cover[base + termGroups[k]!] = c;
            }
          }
        }
      }
      t++;
    }

    const exact = this.#exactNames.of(normalizeName(query));
    const totalWeight = groups.reduce((sum, g) => sum + g.idf, 0);
    for (let slot = 0; slot < m.count; slot++) {
      const i = m.entryAt[slot]!;
      slotOf[i] = -1;
      let covered = 0;
      let name = 0;
      for (let g = 0; g < G; g++) {
        covered += m.cover[slot * G + g]! * groups[g]!.idf;
        if (m.named[slot]! & (1 << g)) name += groups[g]!.idf;
      }
      const entry = this.#entries[i]!;
      m.score[slot] = m.score[slot]! * m.matched[slot]! *
        (covered / totalWeight) ** this.#coverage *
        (1 + NAME_HIT * name / totalWeight) * (RUNNABLE[entry.launch_method] ?? 1) *
        (marks ? MARKED[marks(entry.id) ?? "unknown"] : 1) *
        (exact?.includes(i) ? exactBonus(entry, query) : 1);
    }
    return { entryAt: m.entryAt, score: m.score, count: m.count };
  }

  /**
   * The query's words, each with the terms that stand for it: itself, the catalog's word for a
   * misspelt one, and related words from the lexicon, at lower weights; and how rare it is.
   */
  #queryGroups(query: string): QueryGroup[] {
    const groups: QueryGroup[] = [];
    const seen = new Set<string>();
    for (const token of tokenize(query)) {
      const term = processTerm(token);
      if (!term || seen.has(term)) continue;
      seen.add(term);
      const terms = new Map<string, number>([[term, 1]]);
      let df = this.#postings.docFreq(term);
      if (df === undefined && token.length >= 5) {
        for (const close of closeWords(token.toLowerCase(), this.#words)) {
          if (!terms.has(close)) terms.set(close, TYPO_WEIGHT);
          df = Math.max(df ?? 0, this.#postings.docFreq(close) ?? 0);
        }
      }
      for (const related of relatedTerms(term)) {
        if (!terms.has(related) && this.#postings.docFreq(related) !== undefined) {
          terms.set(related, RELATED_WEIGHT);
        }
      }
      groups.push({ typed: term, terms, idf: idf(this.size, df ?? 1) });
      if (groups.length === 32) break;
    }
    return groups;
  }

  /**
   * What the index keeps of every entry that matches `query` and passes the filters, in no set
   * order: for counting (facets), where whole entries would be parsed for nothing.
   */
  matching(query: string, options: Omit<SearchOptions, "limit"> = {}): IndexedEntry[] {
    const { filters = {}, marks } = options;
    const allowed = this.#allowed(filters, marks);
    const groups = this.#queryGroups(query);
    if (groups.length === 0) {
      return allowed ? this.#entries.filter((_, i) => allowed[i]) : [...this.#entries];
    }
    const { entryAt, count } = this.#rank(groups, allowed, query, marks);
    return Array.from({ length: count }, (_, slot) => this.#entries[entryAt[slot]!]!);
  }

  /** The filtered catalog, a page at a time, in browsing order. */
  list(options: ListOptions = {}): { entries: CatalogEntry[]; total: number } {
    const { filters = {}, offset = 0, limit = 20, marks } = options;
    const allowed = this.#allowed(filters, marks);
    const order = allowed ? this.#browseOrder.filter((i) => allowed[i]) : this.#browseOrder;
    return {
      entries: order.slice(offset, offset + limit).map((i) => this.#table.at(i)),
      total: order.length,
    };
  }

  /** A flag per entry when any filter is set; `undefined` when nothing is filtered. */
  #allowed(filters: SearchFilters, marks: MarkLookup | undefined): Uint8Array | undefined {
    const checks = filterChecks(filters, marks);
    if (checks.length === 0) return undefined;
    const entries = this.#entries;
    const allowed = new Uint8Array(entries.length).fill(1);
    for (const check of checks) {
      for (let i = 0; i < entries.length; i++) {
        if (allowed[i] && !check(entries[i]!)) allowed[i] = 0;
      }
    }
    return allowed;
  }

  /**
   * What building this index cost, to store beside its entries and give back as
   * `tuning.stored` with the same entries (see `index_snapshot.ts`).
   */
  toStored(): StoredIndex {
    return {
      postings: this.#postings.toStored(),
      words: [...this.#words],
      entries: storeIndexed(this.#entries),
      browse: this.#browseOrder,
      idRank: [...this.#idRank],
      exact: this.#exactNames.toStored(),
    };
  }
}
