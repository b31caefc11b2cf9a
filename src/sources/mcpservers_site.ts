/**
 * mcpservers.org: a web site listing MCP servers, with no API. Its pages are read politely
 * (a browser-like User-Agent that names this program, a few requests at a time, backing off when
 * the site is busy) and parsed by `_mcpservers_html.ts`.
 *
 * A refresh reads:
 * 1. every listing page `/all?page=N` until a page shows no server it has not shown before (the
 *    servers themselves: name, description, sponsor badge, and the categories linked);
 * 2. `/category/<slug>?page=N` for each category found (→ `categories`), `/official?page=N`
 *    (→ `official`) and the sitemap (each server page's `lastmod`), side by side;
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
 * @module
 */
import { checkEntry } from "../catalog/entry.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { splitRepoLink } from "../catalog/names.ts";
import { assignIds } from "../catalog/slug.ts";
import { VERSION } from "../util/version.ts";
import { type AttemptEnd, fetchWithRetry, HttpError, sleep, withoutCredentials } from "./_http.ts";
import {
  parseListingPage,
  parseServerPage,
  parseSitemap,
  serverSlugFromPath,
  sitePath,
} from "./_mcpservers_html.ts";
import type { ServerCard, ServerPage } from "./_mcpservers_html.ts";
import { redactUrl } from "./git.ts";
import type {
  CatalogSource,
  PreviousRefresh,
  RefreshContext,
  RefreshProgress,
  SourceSnapshot,
} from "./source.ts";

export { MCPSERVERS_URL } from "./source.ts";
import { MCPSERVERS_URL } from "./source.ts";

/** Browser-like, so the site serves its ordinary pages, and honest about what is asking. */
export const MCPSERVERS_USER_AGENT =
  `Mozilla/5.0 (compatible; mcp-registry/${VERSION}; MCP server catalog; polite crawler)`;

/** The warning an entry carries when its server page could not be read; it is read next time. */
export const DETAILS_NOT_READ =
  "mcpservers.org: the server page could not be read in the last refresh; repository, homepage " +
  "and tags may be missing or out of date";

const SOURCE = "mcpservers";
/** Server pages named one by one in `errors`; the rest are counted. */
const MAX_DETAIL_ERRORS = 10;
/** Child sitemaps of the sitemap index that are read at most. */
const MAX_SITEMAPS = 50;

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

/** A request the site refused (403) or kept rate-limiting (429): asking again will not help. */
class RefusedError extends Error {}

/** The pages of one listing, merged. */
interface Listing {
  cards: ServerCard[];
  categories: string[];
}

/** One refresh: its requests, its counters and what went wrong. */
class SiteRefresh {
  readonly #o: Required<McpServersSiteSourceOptions>;
  /** Stops the requests still under way once the refresh has failed. */
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  readonly #previous: PreviousRefresh | null;
  readonly #report: (step: RefreshProgress) => void;
  readonly #slots: Semaphore;
  readonly #errors: string[] = [];
  readonly #warnings: string[] = [];
  /** Set when the site refused a request: no further pages are asked for. */
  #refused: string | null = null;
  /** A 429 pauses every request until then (ms since the epoch). */
  #pauseUntil = 0;
  #pagesRead = 0;

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
    this.#slots = new Semaphore(options.concurrency);
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
    const [categories, official, lastmods] = await Promise.all([
      this.#readCategories(listing.categories),
      this.#readOfficial(),
      this.#readSitemap(),
    ]);
    const previous = new Map((this.#previous?.entries ?? []).map((e) => [e.name, e]));
    const details = await this.#readDetails(listing.cards, previous, lastmods);
    const entries = this.#entries({ listing, categories, official, details, previous, startedAt });
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

  /** Category slug → the servers on its pages, or null when they could not all be read. */
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

  /** Server slug → `lastmod`, from the sitemap (index). Empty when unreadable, with a warning. */
  async #readSitemap(): Promise<Map<string, string>> {
    const lastmods = new Map<string, string>();
    const problem = (why: string) =>
      this.#warnings.push(
        `sitemap: ${why}; server pages were read only for servers without details, so changes ` +
          "to other servers wait until the sitemap can be read",
      );
    try {
      const root = await this.#get(`${this.#o.url}/sitemap.xml`);
      if (root === null) return problem("/sitemap.xml not found (HTTP 404)"), lastmods;
      const index = parseSitemap(root);
      const files = [{ urls: index.urls }];
      const children = index.sitemaps.map((loc) => sitePath(loc, this.#o.url))
        .filter((path) => path !== null).slice(0, MAX_SITEMAPS);
      const failed: string[] = [];
      await Promise.all(children.map(async (path) => {
        try {
          const text = await this.#get(`${this.#o.url}${path}`);
          if (text === null) failed.push(`${path} (HTTP 404)`);
          else files.push({ urls: parseSitemap(text).urls });
        } catch (error) {
          this.#abortIfCancelled(error);
          failed.push(`${path} (${(error as Error).message})`);
        }
      }));
      for (const { urls } of files) {
        for (const { loc, lastmod } of urls) {
          const path = sitePath(loc, this.#o.url);
          const slug = path === null ? null : serverSlugFromPath(path);
          if (slug !== null && lastmod !== null) lastmods.set(slug, lastmod);
        }
      }
      if (failed.length > 0) problem(`cannot read ${failed.join(", ")}`);
      else if (lastmods.size === 0) problem("no server page has a lastmod date");
    } catch (error) {
      this.#abortIfCancelled(error);
      problem((error as Error).message);
    }
    return lastmods;
  }

  /** Reads the server pages that are new or changed; slug → page, or null when it failed. */
  async #readDetails(
    cards: ServerCard[],
    previous: Map<string, CatalogEntry>,
    lastmods: Map<string, string>,
  ): Promise<Map<string, ServerPage | null>> {
    const since = this.#previousStart();
    const wanted = cards.filter(({ slug }) => {
      const before = previous.get(slug);
      if (!before || before.warnings.includes(DETAILS_NOT_READ)) return true;
      const lastmod = lastmods.get(slug);
      return lastmod !== undefined && Date.parse(lastmod) > since;
    });
    const pages = new Map<string, ServerPage | null>();
    const failures: string[] = [];
    const start = this.#pagesRead;
    let done = 0;
    let refused = 0;
    await Promise.all(wanted.map(async ({ slug }) => {
      try {
        const html = await this.#get(this.#serverUrl(slug));
        if (html === null) throw new Error("not found (HTTP 404)");
        pages.set(slug, parseServerPage(html, { base: this.#o.url }));
      } catch (error) {
        this.#abortIfCancelled(error);
        pages.set(slug, null);
        if (error instanceof RefusedError) refused++;
        else failures.push(`servers/${slug}: ${(error as Error).message}`);
      }
      done++;
      this.#report({
        message: `server page ${done} of ${wanted.length}`,
        done: this.#pagesRead,
        total: start + wanted.length,
      });
    }));
    failures.sort();
    if (refused > 0) {
      this.#errors.push(`${this.#refused}; ${refused} server pages were not read`);
    }
    this.#errors.push(...failures.slice(0, MAX_DETAIL_ERRORS));
    if (failures.length > MAX_DETAIL_ERRORS) {
      this.#errors.push(
        `and ${failures.length - MAX_DETAIL_ERRORS} more server pages could not be read`,
      );
    }
    return pages;
  }

  /** When the previous refresh started (or, failing that, ended); -Infinity without one. */
  #previousStart(): number {
    if (!this.#previous) return -Infinity;
    const ended = Date.parse(this.#previous.refreshedAt);
    const started = Date.parse(this.#previous.cursor ?? "");
    if (Number.isNaN(ended)) return Number.isNaN(started) ? -Infinity : started;
    return Number.isNaN(started) ? ended : Math.min(started, ended);
  }

  #entries(
    { listing, categories, official, details, previous, startedAt }: {
      listing: Listing;
      categories: Map<string, Set<string> | null>;
      official: Set<string> | null;
      details: Map<string, ServerPage | null>;
      previous: Map<string, CatalogEntry>;
      startedAt: string;
    },
  ): CatalogEntry[] {
    const ids = assignIds(listing.cards.map((c) => c.slug));
    const entries: CatalogEntry[] = [];
    for (const card of listing.cards) {
      const before = previous.get(card.slug);
      const page = details.get(card.slug);
      const warnings: string[] = [];
      let repo: string | null = null;
      let subfolder: string | null = null;
      let homepage: string | null;
      let tags: string[];
      if (page) {
        if (page.repoUrl) ({ repo, subfolder } = splitRepoLink(page.repoUrl));
        homepage = page.homepage;
        tags = page.tags;
      } else {
        repo = before?.repo_url ?? null;
        subfolder = before?.repo_subfolder ?? null;
        homepage = before?.homepage ?? null;
        tags = before?.tags ?? [];
        // Not read (failed) now, or still unread from last time: read it next time.
        if (page === null || before?.warnings.includes(DETAILS_NOT_READ)) {
          warnings.push(DETAILS_NOT_READ);
        }
      }
      // `/servers/github/<owner>/<repo>` names its repository.
      const named = card.slug.match(/^github\/([^/]+)\/([^/]+)$/);
      if (repo === null && named) {
        repo = splitRepoLink(`https://github.com/${named[1]}/${named[2]}`).repo;
      }
      const candidate = {
        id: ids.get(card.slug),
        name: card.slug,
        title: card.name,
        description: card.description || page?.description || before?.description || "",
        source: SOURCE,
        sources: [SOURCE],
        repo_url: repo,
        repo_subfolder: subfolder,
        homepage,
        links: { [SOURCE]: withoutCredentials(this.#serverUrl(card.slug)) },
        container_image: null,
        categories: [...categories].filter(([category, members]) =>
          members ? members.has(card.slug) : before?.categories.includes(category) ?? false
        ).map(([category]) => category),
        tags,
        official: official ? official.has(card.slug) : before?.official ?? false,
        featured: card.sponsored,
        requires_api_key: false,
        tools: [],
        launch_method: "none",
        last_refreshed: startedAt,
        run: {},
        config: {},
        remote: null,
        warnings,
      };
      const parsed = checkEntry(candidate);
      if ("error" in parsed) {
        this.#errors.push(`servers/${card.slug}: Cannot load "${card.slug}": ${parsed.error}`);
        continue;
      }
      entries.push(parsed.entry);
    }
    return entries.sort((a, b) => a.id.localeCompare(b.id));
  }

  #serverUrl(slug: string): string {
    return `${this.#o.url}/servers/${slug.split("/").map(encodeURIComponent).join("/")}`;
  }

  /**
   * Reads `path?page=1`, `2`, … until a page shows no server the earlier pages did not (past
   * the end, the site shows an empty page, a 404, or only the cards it pins to every page).
   * Pages up to the last the pagination links to are read side by side; beyond it, one by one.
   */
  async #readListing(path: string, label: string, isMain = false): Promise<Listing> {
    const seen = new Map<string, ServerCard>();
    const categories = new Set<string>();
    let lastPage = 1;
    let page = 1;
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
        const html = await this.#get(url);
        if (html === null && n === 1) {
          throw new Error(`mcpservers.org has no ${label} page at ${redactUrl(url)} (HTTP 404)`);
        }
        const parsed = html === null ? null : parseListingPage(html, { base: this.#o.url });
        if (parsed?.lastPage && parsed.lastPage > lastPage) lastPage = parsed.lastPage;
        this.#report({
          message: `${label} page ${n}${lastPage > 1 ? ` of ${lastPage}` : ""}`,
          done: this.#pagesRead,
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

  /**
   * GETs `url` and returns its body, or null for a 404/410. Retries 5xx, 429, timeouts and
   * network errors with exponential backoff (honouring `Retry-After` up to the cap); throws a
   * {@linkcode RefusedError} at once for a 403, and after the retries for a 429. A 429 pauses
   * every request of the refresh for as long as it waits.
   */
  async #get(url: string): Promise<string | null> {
    const { fetch, retries, requestTimeoutMs, backoffMs, maxRetryWaitMs } = this.#o;
    const shown = redactUrl(url);
    try {
      const { text } = await fetchWithRetry(url, {
        fetch,
        signal: this.#signal,
        headers: {
          "user-agent": MCPSERVERS_USER_AGENT,
          "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
          "accept-language": "en",
        },
        timeoutMs: requestTimeoutMs,
        attempts: retries + 1,
        backoffMs,
        maxBackoffMs: maxRetryWaitMs,
        maxRetryAfterMs: maxRetryWaitMs,
        beforeAttempt: () => this.#turn(shown),
      });
      this.#pagesRead++;
      return text;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const { status, exhausted, attempts } = error;
      if (status === 404 || status === 410) {
        this.#pagesRead++;
        return null;
      }
      if (status === 403) throw new RefusedError(this.#refused ?? error.message);
      if (!exhausted) throw new Error(`mcpservers.org answered HTTP ${status} for ${shown}`);
      const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
      if (status === 429) {
        this.#refused = `mcpservers.org kept rate-limiting the requests (HTTP 429) for ${shown} ` +
          `after ${tries}: try later, set MCP_REGISTRY_MCPSERVERS_URL to a mirror, or leave ` +
          "mcpservers out of MCP_REGISTRY_SOURCES";
        throw new RefusedError(this.#refused);
      }
      const failure = error.problem === "status"
        ? `HTTP ${status}`
        : error.problem === "timeout" || error.problem === "body-timeout"
        ? `no answer within ${requestTimeoutMs / 1000} s`
        : `cannot connect (${error.detail})`;
      throw new Error(`mcpservers.org: ${failure} for ${shown} after ${tries}`);
    }
  }

  /**
   * Waits for this request's turn: the end of a 429 pause, then a free slot. Throws once the
   * site has refused a request. Returns what ends the turn: a 403 marks the refresh refused
   * before the slot is free (so no other request starts), a 429 pauses every request.
   */
  async #turn(shown: string): Promise<(end: AttemptEnd) => void> {
    if (this.#refused) throw new RefusedError(this.#refused);
    await sleep(this.#pauseUntil - Date.now(), this.#signal);
    const release = await this.#slots.acquire(this.#signal);
    if (this.#refused) {
      release();
      throw new RefusedError(this.#refused);
    }
    return ({ status, retryInMs }) => {
      if (status === 403) {
        this.#refused ??= `mcpservers.org refused the request (HTTP 403) for ${shown}: the ` +
          "site may block automated clients; try later, set MCP_REGISTRY_MCPSERVERS_URL to a " +
          "mirror, or leave mcpservers out of MCP_REGISTRY_SOURCES";
      }
      if (status === 429 && retryInMs !== null) {
        this.#pauseUntil = Math.max(this.#pauseUntil, Date.now() + retryInMs);
      }
      release();
    };
  }

  /** Rethrows when the refresh was cancelled: that is no page's failure. */
  #abortIfCancelled(error: unknown): void {
    if (this.#signal.aborted) throw error;
  }
}

/** At most `limit` holders at once; `acquire` resolves to the release function. */
class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const index = this.#waiting.indexOf(grant);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(signal!.reason);
        };
        const grant = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        this.#waiting.push(grant);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}
