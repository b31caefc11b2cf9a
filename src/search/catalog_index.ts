/**
 * The search index over the merged catalog: pure, in memory, no I/O.
 *
 * @module
 */
import MiniSearch, { type AsPlainObject, type Options } from "minisearch";
import type { CatalogEntry, LaunchMethod } from "../catalog/entry.ts";
import { processTerm, tokenize } from "./_text.ts";
import { RELATED_WEIGHT, relatedTerms } from "./_lexicon.ts";
import { bucketOf, closeWords, type WordsByLength } from "./_typos.ts";

/** Filters narrow the catalog before anything is ranked. */
export interface SearchFilters {
  /** Entries that came from this source (any of their sources). Case-insensitive. */
  source?: string;
  /** Case-insensitive. */
  category?: string;
  /** Case-insensitive. */
  tag?: string;
  official?: boolean;
  featured?: boolean;
  requires_api_key?: boolean;
  launch_method?: LaunchMethod;
}

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
}

/** Options for {@linkcode CatalogIndex.list}. */
export interface ListOptions {
  filters?: SearchFilters;
  /** @default 0 */
  offset?: number;
  /** @default 20 */
  limit?: number;
}

interface IndexedDoc {
  id: number;
  names: string;
  tags: string;
  categories: string;
  vendor: string;
  tool_names: string;
  description: string;
  tool_text: string;
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
 * Typos: a word the catalog never uses is likely misspelt: one edit from 4 letters on (`slak`
 * finds `slack`), two from 5 (`stirpe` finds `stripe`). A word it does use is taken as typed,
 * which also keeps the costly fuzzy search off most queries.
 */
function fuzziness(term: string, known: boolean): number | false {
  if (known || term.length < 4) return false;
  return term.length >= 5 ? 2 : 1;
}

/** Search and paging over catalog entries. Immutable: build a new one for a new catalog. */
export class CatalogIndex {
  readonly #entries: readonly CatalogEntry[];
  readonly #byId = new Map<string, number>();
  /** Ids a source gave an entry before merging, where no entry has that id itself. */
  readonly #byAlias = new Map<string, number>();
  readonly #search: MiniSearch<IndexedDoc>;
  /** Changes with every index built: ties a paging cursor to the catalog it paged. */
  readonly generation: string = crypto.randomUUID().replace(/-/g, "").slice(0, 8);
  /** Distinct sources, categories and tags, for checking filter values. */
  readonly labels: { source: Set<string>; category: Set<string>; tag: Set<string> };
  /** Entries in browsing order: official first, then featured, then by title. */
  readonly #browseOrder: number[];

  readonly #coverage: number;
  /** Entries by normalized id, name and title, for the exact-name bonus. */
  readonly #exactNames = new Map<string, number[]>();
  /** Each entry's position in id order: the tie-breaker between equal scores. */
  readonly #idRank: Int32Array;
  /** How many entries use each indexed (processed) term: how rare, so how telling, it is. */
  readonly #docFreq = new Map<string, number>();
  /** The words entries use as written (lowercased), by length, with their processed term. */
  readonly #words: WordsByLength = new Map();

  /**
   * @param tuning Field boosts and how strongly results matching more of the query's words
   * win (`coverage`); the defaults are tuned on `tests/search_quality_cases.ts`.
   */
  constructor(
    entries: readonly CatalogEntry[],
    tuning: { boost?: typeof DEFAULT_BOOST; coverage?: number; stored?: StoredIndex } = {},
  ) {
    const { boost = DEFAULT_BOOST, coverage = 1 } = tuning;
    this.#coverage = coverage;
    this.#entries = entries;
    entries.forEach((entry, i) => this.#byId.set(entry.id, i));
    entries.forEach((entry, i) => {
      for (const alias of entry.aliases ?? []) {
        if (!this.#byId.has(alias) && !this.#byAlias.has(alias)) this.#byAlias.set(alias, i);
      }
    });
    const options: Options<IndexedDoc> = {
      fields: Object.keys(boost),
      storeFields: [],
      tokenize,
      processTerm,
      searchOptions: {
        boost,
        // A word the catalog uses is taken as typed ("web" must not find "webflow"); a
        // partial or unknown one is completed ("playw" finds "playwright").
        prefix: (term) => term.length >= 3 && !this.#docFreq.has(term),
        fuzzy: (term) => fuzziness(term, this.#docFreq.has(term)),
        combineWith: "OR",
      },
    };
    // A stored index (`index_snapshot.ts`) spares the costly part: indexing every entry.
    const { stored } = tuning;
    this.#search = stored ? MiniSearch.loadJS(stored.search, options) : new MiniSearch(options);
    for (const [term, count] of stored?.docFreq ?? []) this.#docFreq.set(term, count);
    for (const [bucket, words] of stored?.words ?? []) this.#words.set(bucket, words);
    this.labels = {
      source: new Set(entries.flatMap((e) => e.sources)),
      category: new Set(entries.flatMap((e) => e.categories)),
      tag: new Set(entries.flatMap((e) => e.tags)),
    };
    this.#idRank = new Int32Array(entries.length);
    entries.map((e, i) => ({ id: e.id, i })).sort((a, b) => (a.id < b.id ? -1 : 1))
      .forEach(({ i }, rank) => this.#idRank[i] = rank);
    entries.forEach((entry, i) => {
      for (const name of new Set([entry.id, entry.name, entry.title].map(normalizeName))) {
        if (!name) continue;
        const list = this.#exactNames.get(name);
        if (list) list.push(i);
        else this.#exactNames.set(name, [i]);
      }
    });
    const docs = stored ? [] : entries.map(toDoc);
    this.#search.addAll(docs);
    const seen = new Set<string>();
    for (const doc of docs) {
      const terms = new Set<string>();
      for (const field of Object.keys(boost) as (keyof typeof boost)[]) {
        for (const token of tokenize(doc[field])) {
          const term = processTerm(token);
          if (!term) continue;
          terms.add(term);
          const word = token.toLowerCase();
          if (seen.has(word) || word.length < 4 || /\d/.test(word)) continue;
          seen.add(word);
          const bucket = this.#words.get(bucketOf(word));
          if (bucket) bucket.push([word, term]);
          else this.#words.set(bucketOf(word), [[word, term]]);
        }
      }
      for (const term of terms) this.#docFreq.set(term, (this.#docFreq.get(term) ?? 0) + 1);
    }
    this.#browseOrder = entries.map((_, i) => i).sort((a, b) =>
      browseCompare(entries[a]!, entries[b]!)
    );
  }

  /** How many entries the index holds. */
  get size(): number {
    return this.#entries.length;
  }

  /** Every entry, in catalog order. */
  get entries(): readonly CatalogEntry[] {
    return this.#entries;
  }

  /** The entry with this id (or this former id of a merged entry), if any. */
  get(id: string): CatalogEntry | undefined {
    const i = this.#byId.get(id) ?? this.#byAlias.get(id);
    return i === undefined ? undefined : this.#entries[i];
  }

  /**
   * Ranks the entries that pass the filters against `query`. An empty query (or one of stop
   * words only) returns the filtered catalog in browsing order with score 0.
   */
  search(query: string, options: SearchOptions = {}): SearchResults {
    const { filters = {}, limit = 10 } = options;
    const allowed = this.#allowed(filters);
    // Repeated words add nothing but cost; 32 distinct words are plenty for any need.
    const groups = this.#queryGroups(query);
    if (groups.length === 0) {
      const order = allowed ? this.#browseOrder.filter((i) => allowed[i]) : this.#browseOrder;
      return {
        hits: order.slice(0, limit).map((i) => ({ entry: this.#entries[i]!, score: 0 })),
        total: order.length,
        browsing: true,
      };
    }
    const weights = new Map<string, number>();
    for (const group of groups) {
      for (const [term, weight] of group.terms) {
        if ((weights.get(term) ?? 0) < weight) weights.set(term, weight);
      }
    }
    const results = this.#search.search([...weights.keys()].join(" "), {
      processTerm: (t) => t, // the terms are processed already
      boostTerm: (term) => weights.get(term) ?? 1,
      boostDocument: allowed ? (id: number) => (allowed[id] ? 1 : 0) : undefined,
    });
    const exact = this.#exactNames.get(normalizeName(query));
    const totalWeight = groups.reduce((sum, g) => sum + g.idf, 0);
    const scored = results.map((r) => {
      const i = r.id as number;
      const covered = (coverage(groups, r.queryTerms, r.match) / totalWeight) ** this.#coverage;
      const named = 1 + NAME_HIT * nameShare(groups, r.match) / totalWeight;
      return {
        i,
        score: r.score * covered * named * RUNNABLE[this.#entries[i]!.launch_method] *
          (exact?.includes(i) ? exactBonus(this.#entries[i]!, query) : 1),
      };
    });
    const best = topK(
      scored,
      limit,
      (a, b) => b.score - a.score || this.#idRank[a.i]! - this.#idRank[b.i]!,
    );
    return {
      hits: best.map(({ i, score }) => ({ entry: this.#entries[i]!, score })),
      total: scored.length,
      browsing: false,
    };
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
      let df = this.#docFreq.get(term);
      if (df === undefined && token.length >= 5) {
        for (const close of closeWords(token.toLowerCase(), this.#words)) {
          if (!terms.has(close)) terms.set(close, TYPO_WEIGHT);
          df = Math.max(df ?? 0, this.#docFreq.get(close) ?? 0);
        }
      }
      for (const related of relatedTerms(term)) {
        if (!terms.has(related) && this.#docFreq.has(related)) terms.set(related, RELATED_WEIGHT);
      }
      groups.push({ typed: term, terms, idf: idf(this.size, df ?? 1) });
      if (groups.length === 32) break;
    }
    return groups;
  }

  /** The filtered catalog, a page at a time, in browsing order. */
  list(options: ListOptions = {}): { entries: CatalogEntry[]; total: number } {
    const { filters = {}, offset = 0, limit = 20 } = options;
    const allowed = this.#allowed(filters);
    const order = allowed ? this.#browseOrder.filter((i) => allowed[i]) : this.#browseOrder;
    return {
      entries: order.slice(offset, offset + limit).map((i) => this.#entries[i]!),
      total: order.length,
    };
  }

  /** A flag per entry when any filter is set; `undefined` when nothing is filtered. */
  #allowed(filters: SearchFilters): Uint8Array | undefined {
    const checks = filterChecks(filters);
    if (checks.length === 0) return undefined;
    const allowed = new Uint8Array(this.#entries.length);
    this.#entries.forEach((entry, i) => {
      allowed[i] = checks.every((check) => check(entry)) ? 1 : 0;
    });
    return allowed;
  }

  /**
   * What building this index cost, to store beside its entries and give back as
   * `tuning.stored` with the same entries (see `index_snapshot.ts`).
   */
  toStored(): StoredIndex {
    return {
      search: this.#search.toJSON(),
      docFreq: [...this.#docFreq],
      words: [...this.#words],
    };
  }
}

/** A built index as plain data: {@linkcode CatalogIndex.toStored}. */
export interface StoredIndex {
  search: AsPlainObject;
  docFreq: [term: string, entries: number][];
  words: MapEntries<WordsByLength>;
}

type MapEntries<M> = M extends Map<infer K, infer V> ? [K, V][] : never;

/** One word of a query: the terms that stand for it, with their weights, and its rarity. */
interface QueryGroup {
  /** The word as the person typed it (processed). */
  typed: string;
  terms: Map<string, number>;
  idf: number;
}

/** A word the catalog uses, found for a misspelt one, counts a little less than a typed one. */
const TYPO_WEIGHT = 0.9;

/**
 * How much a match in each field says that an entry covers a query word: a word found only
 * among the descriptions of an entry's tools says less (a server with 300 tools mentions
 * nearly everything somewhere).
 */
const FIELD_COVER: Record<string, number> = { tool_names: 0.7, tool_text: 0.4 };

/**
 * How much an entry whose name holds a query word (as typed) gains, for all of the query's
 * words: "send a slack message" is about Slack before it is about sending messages.
 */
const NAME_HIT = 1.5;

/** The idf of the query words an entry's name holds exactly. */
function nameShare(groups: readonly QueryGroup[], match: Record<string, string[]>): number {
  let sum = 0;
  for (const group of groups) {
    if (match[group.typed]?.includes("names")) sum += group.idf;
  }
  return sum;
}

/** Rarity of a term used by `df` of `n` entries (BM25's idf, never negative). */
function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * The rarity-weighted share of the query's words an entry covers (not yet divided by the
 * total): each word counts its idf, times the weight of the best term that matched it and
 * how telling the field it matched in is.
 */
function coverage(
  groups: readonly QueryGroup[],
  matched: readonly string[],
  match: Record<string, string[]>,
): number {
  let sum = 0;
  for (const group of groups) {
    let best = 0;
    for (const term of matched) {
      const weight = group.terms.get(term);
      if (weight === undefined || weight <= best) continue;
      best = weight * fieldCover(term, match);
    }
    sum += best * group.idf;
  }
  return sum;
}

/** How telling the best field is in which `term` (or a word it is a prefix of) matched. */
function fieldCover(term: string, match: Record<string, string[]>): number {
  let best = 0;
  let found = false;
  for (const indexed in match) {
    if (!indexed.startsWith(term)) continue;
    found = true;
    for (const field of match[indexed]!) {
      const cover = FIELD_COVER[field] ?? 1;
      if (cover > best) best = cover;
    }
    if (best === 1) return 1;
  }
  return found ? best : 1; // a typo's match: its fields are not known here
}

function filterChecks(filters: SearchFilters): ((entry: CatalogEntry) => boolean)[] {
  const checks: ((entry: CatalogEntry) => boolean)[] = [];
  const { source, category, tag, official, featured, requires_api_key, launch_method } = filters;
  if (source !== undefined) {
    const s = source.toLowerCase();
    checks.push((e) => e.sources.includes(s));
  }
  if (category !== undefined) {
    const c = category.toLowerCase();
    checks.push((e) => e.categories.includes(c));
  }
  if (tag !== undefined) {
    const t = tag.toLowerCase();
    checks.push((e) => e.tags.includes(t));
  }
  if (official !== undefined) checks.push((e) => e.official === official);
  if (featured !== undefined) checks.push((e) => e.featured === featured);
  if (requires_api_key !== undefined) {
    checks.push((e) => e.requires_api_key === requires_api_key);
  }
  if (launch_method !== undefined) checks.push((e) => e.launch_method === launch_method);
  return checks;
}

function toDoc(entry: CatalogEntry, id: number): IndexedDoc {
  return {
    id,
    names: `${entry.id} ${entry.name} ${entry.title}`,
    tags: entry.tags.join(" "),
    categories: entry.categories.join(" "),
    vendor: vendorOf(entry),
    tool_names: entry.tools.map((t) => t.name).join(" "),
    description: entry.description,
    tool_text: entry.tools.map((t) => t.description).join(" "),
  };
}

/** Who makes it: the image namespace and the repository owner (`awslabs`, `github`). */
function vendorOf(entry: CatalogEntry): string {
  const parts: string[] = [];
  const image = entry.container_image?.replace(/^(docker\.io|ghcr\.io|mcr\.microsoft\.com)\//, "");
  const namespace = image?.split("/")[0];
  if (namespace && namespace !== "mcp" && image!.includes("/")) parts.push(namespace);
  const owner = entry.repo_url?.match(/^https:\/\/[^/]+\/([^/]+)/)?.[1];
  if (owner) parts.push(owner);
  const host = entry.remote?.url.match(/^https?:\/\/(?:[^/.]+\.)*([^/.]+)\.[a-z]+(?:[:/]|$)/i)?.[1];
  if (host) parts.push(host);
  return parts.join(" ");
}

function normalizeName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

/** A query that is an entry's name outranks partial matches; its exact id outranks its title. */
function exactBonus(entry: CatalogEntry, query: string): number {
  return normalizeName(entry.id) === normalizeName(query) ? 5 : 4;
}

/** The `k` smallest items by `compare`, sorted; one pass, cheap for small `k`. */
export function topK<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  for (const item of items) {
    if (best.length === k && compare(item, best[k - 1]!) >= 0) continue;
    let at = best.length;
    while (at > 0 && compare(item, best[at - 1]!) < 0) at--;
    best.splice(at, 0, item);
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * An entry the registry can start outranks one it only knows by description (listed by
 * mcpservers.org or the awesome list alone), at equal relevance: agents search to run.
 */
const RUNNABLE: Record<LaunchMethod, number> = {
  podman: 1,
  "stdio-proxy": 1,
  "remote-http": 1,
  none: 0.65,
};

function browseCompare(a: CatalogEntry, b: CatalogEntry): number {
  const runnable = Number(b.launch_method !== "none") - Number(a.launch_method !== "none");
  return runnable || Number(b.official) - Number(a.official) ||
    Number(b.featured) - Number(a.featured) ||
    a.title.localeCompare(b.title, "en") || a.id.localeCompare(b.id);
}
