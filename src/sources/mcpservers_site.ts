/**
 * mcpservers.org: a web site listing MCP servers, with no API. Its pages are read politely
 * (a browser-like User-Agent that names this program, a few requests at a time, backing off when
 * the site is busy) and parsed by `_mcpservers_html.ts`.
 *
 * A refresh reads:
 * 1. every listing page `/all?page=N` until a page shows no server it has not shown before (the
 *    servers themselves: name, description, sponsor badge, and the categories linked);
 * 2. `/category/<slug>?page=N` for each category found (-> `categories`), `/official?page=N`
 *    (-> `official`) and the sitemap (each server page's `lastmod`), side by side;
 * 3. the server pages `/servers/<slug>` that are new or changed (repository, homepage, tags).
 *
 * Listing pages are the catalog: when one still fails after retries the refresh fails, so the
 * catalog keeps its last good entries. Every other page only adds metadata: when it fails, the
 * servers keep what the previous refresh knew, and the failure is listed in `errors`.
 *
 * **featured** is true exactly when the site shows a "Sponsor"/"Sponsored" badge on the server's
 * card in the listing (a paid listing); nothing else makes an entry featured.
 *
 * **Incremental refresh**: a server page is read when the server is new, when the previous
 * refresh could not read it (the entry carries {@linkcode DETAILS_NOT_READ}), or when the
 * sitemap's `lastmod` for it is newer than the previous refresh (its start, kept in `cursor`, or
 * else `refreshedAt`). Otherwise its repository, homepage and tags come from the previous entry.
 * Without a readable sitemap only new (and previously unread) servers' pages are read.
 *
 * Its parts: `_mcpservers_fetch.ts` asks for pages politely, `_mcpservers_html.ts` parses them,
 * `_mcpservers_changes.ts` reads the sitemap and picks the server pages to read, and
 * `_mcpservers_entries.ts` makes the entries; this file walks the listings and ties them up.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { type Listing, serverUrl, siteEntries, SOURCE } from "./_mcpservers_entries.ts";
import { RefusedError, SiteFetcher } from "./_mcpservers_fetch.ts";
import type { ServerCard, ServerPage } from "./_mcpservers_html.ts";
import { redactUrl } from "../util/redact_url.ts";
import type {
  CatalogSource,
  PreviousRefresh,
  RefreshContext,
  RefreshProgress,
  SourceSnapshot,
} from "./source.ts";

export { MCPSERVERS_URL } from "./source.ts";
import { MCPSERVERS_URL } from "./source.ts";

export { DETAILS_NOT_READ } from "./_mcpservers_entries.ts";

/**
 * The HTML and sitemap readers (linkedom: about 85 ms to load), loaded by the first refresh that
 * reads the site, not by every start of the registry.
 */
const html = () => import("./_mcpservers_html.ts");
const changes = () => import("./_mcpservers_changes.ts");
export { MCPSERVERS_USER_AGENT } from "./_mcpservers_fetch.ts";

/** Server pages named one by one in `errors`; the rest are counted. */
const MAX_DETAIL_ERRORS = 10;

/** Options for {@linkcode McpServersSiteSource}. */
export interface McpServersSiteSourceOptions {
  /** The site or a mirror of it. @default MCPSERVERS_URL */
  url?: string;
  /** The HTTP client (a seam for tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /** How long one request (headers and body) may take. @default 30000 */
  requestTimeoutMs?: number;
  /** Further attempts after a 5xx, 429, timeout or network error. @default 3 */
  retries?: number;
  /** The wait before the first retry; it doubles with each. @default 1000 */
  backoffMs?: number;
  /** The longest wait before a retry, whatever `Retry-After` asks. @default 60000 */
  maxRetryWaitMs?: number;
  /** Pages read at most per listing; a listing that goes on is an error. @default 1000 */
  maxPages?: number;
}

/** Reads the mcpservers.org web site. */
export class McpServersSiteSource implements CatalogSource {
  readonly name = SOURCE;
  readonly location: string;
  readonly #options: Required<McpServersSiteSourceOptions>;

  constructor(
    {
      url = MCPSERVERS_URL,
      fetch = globalThis.fetch,
      concurrency = 4,
      requestTimeoutMs = 30_000,
      retries = 3,
      backoffMs = 1000,
      maxRetryWaitMs = 60_000,
      maxPages = 1000,
    }: McpServersSiteSourceOptions = {},
  ) {
    const base = url.replace(/\/+$/, "");
    if (!/^https?:\/\/[^/]/.test(base)) {
      throw new TypeError(`Cannot read mcpservers.org at "${redactUrl(url)}": not an http(s) URL`);
    }
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1: ${concurrency}`);
    if (!(maxPages >= 1)) throw new RangeError(`maxPages must be at least 1: ${maxPages}`);
    this.location = redactUrl(base);
    this.#options = {
      url: base,
      fetch,
      concurrency: Math.floor(concurrency),
      requestTimeoutMs,
      retries: Math.max(0, Math.floor(retries)),
      backoffMs,
      maxRetryWaitMs,
      maxPages: Math.floor(maxPages),
    };
  }

  /** Reads the site; see the module documentation for what, and what a failure costs. */
  refresh(context: RefreshContext = {}): Promise<SourceSnapshot> {
    return new SiteRefresh(this.#options, context).run();
  }
}

/** One refresh: its requests, its counters and what went wrong. */
class SiteRefresh {
  readonly #o: Required<McpServersSiteSourceOptions>;
  /** Stops the requests still under way once the refresh has failed. */
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  readonly #previous: PreviousRefresh | null;
  readonly #report: (step: RefreshProgress) => void;
  readonly #fetcher: SiteFetcher;
  readonly #errors: string[] = [];
  readonly #warnings: string[] = [];

  constructor(options: Required<McpServersSiteSourceOptions>, context: RefreshContext) {
    this.#o = options;
    this.#signal = context.signal
      ? AbortSignal.any([context.signal, this.#stop.signal])
      : this.#stop.signal;
    this.#previous = context.previous ?? null;
    this.#report = (step) => {
      try {
        context.progress?.(step);
      } catch { /* progress must not break a refresh */ }
    };
    this.#fetcher = new SiteFetcher({ ...options, signal: this.#signal });
  }

  /** Runs the refresh; whatever requests are still under way when it ends are stopped. */
  async run(): Promise<SourceSnapshot> {
    try {
      const snapshot = await this.#run();
      // The other pages of a listing that failed may still be asking, or waiting to ask again.
      this.#stop.abort(new Error("the refresh is over"));
      return snapshot;
    } catch (error) {
      this.#stop.abort(error);
      throw error;
    }
  }

  async #run(): Promise<SourceSnapshot> {
    const startedAt = new Date().toISOString();
    const listing = await this.#readListing("/all", "listing", true);
    if (listing.cards.length === 0) {
      throw new Error(`mcpservers.org listed no servers at ${redactUrl(this.#o.url)}/all`);
    }
    const { pagesToRead, readLastmods } = await changes();
    const [categories, official, lastmods] = await Promise.all([
      this.#readCategories(listing.categories),
      this.#readOfficial(),
      readLastmods(this.#fetcher, {
        base: this.#o.url,
        warnings: this.#warnings,
        signal: this.#signal,
      }),
    ]);
    const wanted = pagesToRead(listing.cards, { previous: this.#previous, lastmods });
    const details = await this.#readDetails(wanted);
    const entries = siteEntries({
      base: this.#o.url,
      listing,
      categories,
      official,
      details,
      previous: new Map<string, CatalogEntry>(
        (this.#previous?.entries ?? []).map((e) => [e.name, e]),
      ),
      startedAt,
      errors: this.#errors,
    });
    const newest = Math.max(...[...lastmods.values()].map((d) => Date.parse(d)));
    const revision = Number.isFinite(newest)
      ? `sitemap ${new Date(newest).toISOString()}`
      : `${listing.cards.length} servers listed (no sitemap dates)`;
    this.#signal.throwIfAborted();
    return {
      entries,
      revision,
      errors: this.#errors,
      warnings: this.#warnings,
      cursor: startedAt,
    };
  }

  /** Category slug -> the servers on its pages, or null when they could not all be read. */
  async #readCategories(slugs: string[]): Promise<Map<string, Set<string> | null>> {
    const members = new Map<string, Set<string> | null>();
    await Promise.all(slugs.map(async (slug) => {
      try {
        const listing = await this.#readListing(`/category/${encodeURIComponent(slug)}`, slug);
        members.set(slug, new Set(listing.cards.map((c) => c.slug)));
      } catch (error) {
        this.#abortIfCancelled(error);
        members.set(slug, null);
        this.#errors.push(
          `category/${slug}: ${(error as Error).message}; its servers keep their last categories`,
        );
      }
    }));
    return members;
  }

  /** The servers `/official` lists, or null when it could not be read whole. */
  async #readOfficial(): Promise<Set<string> | null> {
    try {
      const listing = await this.#readListing("/official", "official");
      return new Set(listing.cards.map((c) => c.slug));
    } catch (error) {
      this.#abortIfCancelled(error);
      this.#errors.push(
        `official: ${(error as Error).message}; servers keep their last official mark`,
      );
      return null;
    }
  }

  /** Reads the server pages that are new or changed; slug -> page, or null when it failed. */
  async #readDetails(wanted: ServerCard[]): Promise<Map<string, ServerPage | null>> {
    const pages = new Map<string, ServerPage | null>();
    const failures: string[] = [];
    const start = this.#fetcher.pagesRead;
    let done = 0;
    let refused = 0;
    const { parseServerPage } = await html();
    await Promise.all(wanted.map(async ({ slug }) => {
      try {
        const page = await this.#fetcher.get(serverUrl(this.#o.url, slug));
        if (page === null) throw new Error("not found (HTTP 404)");
        pages.set(slug, parseServerPage(page, { base: this.#o.url }));
      } catch (error) {
        this.#abortIfCancelled(error);
        pages.set(slug, null);
        if (error instanceof RefusedError) refused++;
        else failures.push(`servers/${slug}: ${(error as Error).message}`);
      }
      done++;
      this.#report({
        message: `server page ${done} of ${wanted.length}`,
        done: this.#fetcher.pagesRead,
        total: start + wanted.length,
      });
    }));
    failures.sort();
    if (refused > 0) {
      this.#errors.push(`${this.#fetcher.refused}; ${refused} server pages were not read`);
    }
    this.#errors.push(...failures.slice(0, MAX_DETAIL_ERRORS));
    if (failures.length > MAX_DETAIL_ERRORS) {
      this.#errors.push(
        `and ${failures.length - MAX_DETAIL_ERRORS} more server pages could not be read`,
      );
    }
    return pages;
  }

  /**
   * Reads `path?page=1`, `2`, ... until a page shows no server the earlier pages did not (past
   * the end, the site shows an empty page, a 404, or only the cards it pins to every page).
   * Pages up to the last the pagination links to are read side by side; beyond it, one by one.
   */
  async #readListing(path: string, label: string, isMain = false): Promise<Listing> {
    const seen = new Map<string, ServerCard>();
    const categories = new Set<string>();
    let lastPage = 1;
    let page = 1;
    const { parseListingPage } = await html();
    while (true) {
      if (page > this.#o.maxPages) {
        throw new Error(
          `mcpservers.org ${label} still had servers on page ${this.#o.maxPages}, the most read ` +
            "(maxPages); stopped rather than read on without end",
        );
      }
      const end = Math.min(
        Math.max(page, lastPage),
        page + this.#o.concurrency - 1,
        this.#o.maxPages,
      );
      const numbers = Array.from({ length: end - page + 1 }, (_, i) => page + i);
      const results = await Promise.all(numbers.map(async (n) => {
        const url = `${this.#o.url}${path}?page=${n}`;
        const text = await this.#fetcher.get(url);
        if (text === null && n === 1) {
          throw new Error(`mcpservers.org has no ${label} page at ${redactUrl(url)} (HTTP 404)`);
        }
        const parsed = text === null ? null : parseListingPage(text, { base: this.#o.url });
        if (parsed?.lastPage && parsed.lastPage > lastPage) lastPage = parsed.lastPage;
        this.#report({
          message: `${label} page ${n}${lastPage > 1 ? ` of ${lastPage}` : ""}`,
          done: this.#fetcher.pagesRead,
          ...(isMain && lastPage >= n ? { total: lastPage } : {}),
        });
        return parsed;
      }));
      for (const parsed of results) {
        const fresh = parsed?.cards.filter((c) => !seen.has(c.slug)) ?? [];
        if (fresh.length === 0) return { cards: [...seen.values()], categories: [...categories] };
        for (const card of parsed!.cards) {
          const known = seen.get(card.slug);
          if (known) known.sponsored ||= card.sponsored;
          else seen.set(card.slug, { ...card });
        }
        for (const category of parsed!.categories) categories.add(category);
        if (isMain) this.#warnings.push(...parsed!.warnings);
      }
      page = end + 1;
    }
  }

  /** Rethrows when the refresh was cancelled: that is no page's failure. */
  #abortIfCancelled(error: unknown): void {
    if (this.#signal.aborted) throw error;
  }
}
