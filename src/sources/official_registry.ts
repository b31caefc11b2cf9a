/**
 * The official MCP registry (registry.modelcontextprotocol.io): `GET /v0.1/servers`, paged with
 * an opaque cursor. A full refresh reads the latest version of every server; an incremental one
 * asks only for what changed since the newest `updatedAt` of the last refresh.
 *
 * @module
 */
import { type CatalogEntry, withId } from "../catalog/entry.ts";
import { officialIds, type OfficialRow, readOfficialRow } from "./_official_row.ts";
import { mapOfficialServer } from "./_official_server_json.ts";
import { fetchWithRetry, HttpError, withoutCredentials } from "./_http.ts";
import { redactUrl } from "../util/redact_url.ts";
import type { CatalogSource, PreviousRefresh, RefreshContext, SourceSnapshot } from "./source.ts";

export { OFFICIAL_REGISTRY_URL } from "./source.ts";
import { OFFICIAL_REGISTRY_URL } from "./source.ts";

/** An incremental refresh is made only on top of a refresh younger than this. */
const INCREMENTAL_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const WHAT_TO_DO = "set MCP_REGISTRY_OFFICIAL_URL to a working registry, or leave `official` " +
  "out of MCP_REGISTRY_SOURCES";

/** Options for {@linkcode OfficialRegistrySource}. */
export interface OfficialRegistrySourceOptions {
  /** The registry's base URL. @default OFFICIAL_REGISTRY_URL */
  url?: string;
  /** The seam for HTTP. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Servers per page, 1 to 100 (the registry's maximum). @default 100 */
  pageSize?: number;
  /** How long one request may take, answer included. @default 30_000 */
  requestTimeoutMs?: number;
  /** Attempts per request for 5xx, 429, timeouts and network errors. @default 3 */
  retries?: number;
  /** The wait before the second attempt; it doubles for each next one. @default 1_000 */
  backoffMs?: number;
  /** The longest `Retry-After` honoured; a longer one is cut to this. @default 30_000 */
  maxRetryAfterMs?: number;
  /** Pages read at most in one refresh, against a registry that never ends. @default 1_000 */
  maxPages?: number;
}

/** Reads the official registry's API. */
export class OfficialRegistrySource implements CatalogSource {
  readonly name = "official";
  /** The registry's URL, with any credentials in it masked. */
  readonly location: string;
  readonly #url: string;
  readonly #fetch: typeof fetch;
  readonly #pageSize: number;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #maxPages: number;

  constructor(options: OfficialRegistrySourceOptions = {}) {
    const {
      url = OFFICIAL_REGISTRY_URL,
      fetch: fetchFn = globalThis.fetch,
      pageSize = 100,
      requestTimeoutMs = 30_000,
      retries = 3,
      backoffMs = 1_000,
      maxRetryAfterMs = 30_000,
      maxPages = 1_000,
    } = options;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new RangeError(`pageSize must be an integer from 1 to 100, not ${pageSize}`);
    }
    this.#url = url.replace(/\/+$/, "");
    this.location = redactUrl(this.#url);
    this.#fetch = fetchFn;
    this.#pageSize = pageSize;
    this.#timeoutMs = requestTimeoutMs;
    this.#retries = Math.max(1, retries);
    this.#backoffMs = backoffMs;
    this.#maxRetryAfterMs = maxRetryAfterMs;
    this.#maxPages = maxPages;
  }

  /**
   * Incremental when `previous` has a cursor and is younger than 7 days, full otherwise. Throws
   * when a page cannot be read: a partial list would look like servers that left.
   */
  async refresh(context: RefreshContext = {}): Promise<SourceSnapshot> {
    const refreshedAt = new Date().toISOString();
    const previous = context.previous;
    if (previous?.cursor && isRecent(previous.refreshedAt)) {
      return await this.#incremental(
        previous as PreviousRefresh & { cursor: string },
        context,
        refreshedAt,
      );
    }
    return await this.#full(context, refreshedAt);
  }

  async #full(context: RefreshContext, refreshedAt: string): Promise<SourceSnapshot> {
    const latest = new Map<string, OfficialRow>();
    const read = await this.#readAll({ version: "latest" }, context, (row) => {
      if (row.isLatest && row.status === "active") latest.set(row.name, row);
      return latest.size;
    });
    const ids = officialIds([...latest.keys()]);
    const { entries, errors, warnings } = this.#map([...latest.values()], ids, refreshedAt);
    warnings.unshift(...read.warnings);
    entries.sort((a, b) => a.id.localeCompare(b.id));
    return {
      entries,
      errors,
      warnings,
      revision: `full: ${read.rows} rows in ${read.pages} pages`,
      cursor: read.newest,
    };
  }

  async #incremental(
    previous: PreviousRefresh & { cursor: string },
    context: RefreshContext,
    refreshedAt: string,
  ): Promise<SourceSnapshot> {
    // `updated_since` brings every version that changed, deleted ones included; only a
    // server's latest row says what happens to it.
    const latest = new Map<string, OfficialRow>();
    const read = await this.#readAll({ updated_since: previous.cursor }, context, (row) => {
      if (row.isLatest) latest.set(row.name, row);
      return latest.size;
    });
    const kept = new Map(previous.entries.map((e) => [e.name, e]));
    const upserts: OfficialRow[] = [];
    let removed = 0;
    for (const [name, row] of latest) {
      if (row.status === "active") upserts.push(row);
      else if (kept.delete(name)) removed++;
    }
    const ids = officialIds([...kept.keys(), ...upserts.map((r) => r.name)]);
    const { entries, errors, warnings } = this.#map(upserts, ids, refreshedAt);
    // A new version that cannot be loaded leaves the server as it was.
    for (const entry of entries) kept.delete(entry.name);
    for (const entry of kept.values()) entries.push(withId(entry, ids.get(entry.name)!));
    entries.sort((a, b) => a.id.localeCompare(b.id));
    const since = `incremental since ${previous.cursor}`;
    return {
      entries,
      errors,
      warnings: [
        `${since}: ${upserts.length} added or updated, ${removed} removed`,
        ...read.warnings,
        ...warnings,
      ],
      revision: since,
      cursor: newer(read.newest, previous.cursor),
    };
  }

  /** Maps the rows with their ids; a record that fails costs itself only. */
  #map(
    rows: readonly OfficialRow[],
    ids: Map<string, string>,
    refreshedAt: string,
  ): Omit<SourceSnapshot, "revision"> {
    const entries: CatalogEntry[] = [];
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const row of rows) {
      const where = `${row.name}@${row.version}`;
      const mapped = mapOfficialServer(row.server, {
        id: ids.get(row.name)!,
        registryUrl: withoutCredentials(this.#url),
        refreshedAt,
      });
      for (const w of mapped.warnings) warnings.push(`${where}: ${w}`);
      if (mapped.entry) entries.push(mapped.entry);
      else errors.push(`${where}: ${mapped.error}`);
    }
    return { entries, errors, warnings };
  }

  /**
   * Reads every page of the list with `query`, handing each named row to `onRow` (which returns
   * the count of servers kept so far, for progress).
   */
  async #readAll(
    query: Record<string, string>,
    { signal, progress }: RefreshContext,
    onRow: (row: OfficialRow) => number,
  ): Promise<{ rows: number; pages: number; newest: string | null; warnings: string[] }> {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let rows = 0;
    let blank = 0;
    let malformed = 0;
    let newest: string | null = null;
    let kept = 0;
    for (let page = 1;; page++) {
      if (page > this.#maxPages) {
        throw new Error(
          `The official registry at ${this.location} still had more pages after ${this.#maxPages}; ` +
            `stopped there. Try again later, or ${WHAT_TO_DO}`,
        );
      }
      const url = new URL(`${this.#url}/v0.1/servers`);
      url.searchParams.set("limit", String(this.#pageSize));
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      if (cursor !== null) url.searchParams.set("cursor", cursor);
      const body = await this.#getJson(url, signal);
      const { items, next } = readPage(body, url);
      for (const item of items) {
        const row = readOfficialRow(item);
        if (!row) {
          malformed++;
          continue;
        }
        rows++;
        if (row.updatedAt) newest = newer(newest, row.updatedAt);
        if (!row.name.trim()) {
          blank++;
          continue;
        }
        kept = onRow(row);
      }
      progress?.({ message: `page ${page}`, done: kept });
      signal?.throwIfAborted();
      if (!next) {
        const warnings: string[] = [];
        if (blank > 0) warnings.push(`skipped ${blank} blank records (no name)`);
        if (malformed > 0) warnings.push(`skipped ${malformed} list items that are not objects`);
        return { rows, pages: page, newest, warnings };
      }
      if (seen.has(next)) {
        throw new Error(
          `The official registry at ${this.location} sent the cursor "${next.slice(0, 200)}" ` +
            `twice (page ${page}); stopped to avoid a loop. Try again later, or ${WHAT_TO_DO}`,
        );
      }
      seen.add(next);
      cursor = next;
    }
  }

  /**
   * GETs `url` and parses its JSON: 5xx, 429, timeouts and network errors are tried again
   * with backoff (`Retry-After` honoured up to a cap), other answers fail at once.
   */
  async #getJson(url: URL, signal: AbortSignal | undefined): Promise<unknown> {
    let text: string;
    try {
      ({ text } = await fetchWithRetry(url, {
        fetch: this.#fetch,
        signal,
        headers: { accept: "application/json" },
        timeoutMs: this.#timeoutMs,
        attempts: this.#retries,
        backoffMs: this.#backoffMs,
        maxRetryAfterMs: this.#maxRetryAfterMs,
      }));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      throw new Error(
        error.exhausted
          ? `Cannot read the official registry at ${error.url}: ${error.reason} ` +
            `(${error.attempts} attempts). Try again later, or ${WHAT_TO_DO}`
          : `The official registry answered ${error.statusLine} to ${error.url}. Check the ` +
            `address, or ${WHAT_TO_DO}`,
        { cause: error },
      );
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(
        `Cannot parse the official registry's answer to ${redactUrl(url.href)}: ` +
          `${(error as Error).message} (${text.length} bytes). Try again later, or ${WHAT_TO_DO}`,
      );
    }
  }
}

/** The list items and the next cursor of one answer; an answer of another shape throws. */
function readPage(body: unknown, url: URL): { items: unknown[]; next: string | null } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Error(
      `Cannot parse the official registry's answer to ${redactUrl(url.href)}: expected an object ` +
        `with 'servers'. Check MCP_REGISTRY_OFFICIAL_URL`,
    );
  }
  const record = body as Record<string, unknown>;
  if (!Array.isArray(record.servers)) {
    throw new Error(
      `Cannot parse the official registry's answer to ${redactUrl(url.href)}: 'servers' is not ` +
        "a list. Check MCP_REGISTRY_OFFICIAL_URL",
    );
  }
  const metadata = typeof record.metadata === "object" && record.metadata !== null
    ? record.metadata as Record<string, unknown>
    : {};
  const next = metadata.nextCursor ?? metadata.next_cursor;
  return { items: record.servers, next: typeof next === "string" && next !== "" ? next : null };
}

/** The later of two ISO times (either may be null). */
function newer(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(tb)) return a;
  if (Number.isNaN(ta)) return b;
  return tb > ta ? b : a;
}

function isRecent(refreshedAt: string): boolean {
  const age = Date.now() - Date.parse(refreshedAt);
  return age >= 0 && age < INCREMENTAL_MAX_AGE_MS;
}
