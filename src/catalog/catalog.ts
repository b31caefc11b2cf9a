/**
 * The live catalog: the entries of every source, the search index over them, and the
 * refresh cycle (cache → embedded snapshot → source) with its status.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { CatalogIndex } from "../search/catalog_index.ts";
import type { CatalogSource } from "../sources/source.ts";
import type { CatalogStore, SourceState, StoredCatalog } from "../store/catalog_store.ts";
import type { CatalogEntry } from "./entry.ts";
import { mergeSources } from "./merge.ts";
import { loadSnapshot } from "./snapshot.ts";

/** What a source's entries currently come from. */
export type Serving = "nothing" | "snapshot" | "cache" | "live";

/** One source, as `registry-status` reports it. */
export interface SourceStatus {
  name: string;
  location: string;
  entries: number;
  /** `snapshot`: the embedded default catalog; `cache`: the last refresh, read back at start. */
  serving: Serving;
  revision: string | null;
  last_refresh: string | null;
  last_attempt: string | null;
  last_error: string | null;
  next_refresh: string;
  refreshing: boolean;
  /** Files the last refresh could not read at all. */
  load_errors: string[];
  /** How many entries loaded with warnings (see each entry's `warnings`). */
  entries_with_warnings: number;
}

/** The result of one refresh. */
export interface RefreshOutcome {
  source: string;
  ok: boolean;
  entries: number;
  error: string | null;
}

/** Options for {@linkcode Catalog}. */
export interface CatalogOptions {
  /** In priority order: an id claimed by an earlier source keeps that source's entry. */
  sources: CatalogSource[];
  store: CatalogStore;
  /** A source is refreshed when its last refresh is older than this. */
  refreshIntervalHours: number;
  log: Logger;
  /** @default () => new Date() */
  now?: () => Date;
  /** The minute of each hour at which due sources are checked (for `next_refresh`). @default 17 */
  checkMinute?: number;
}

interface SourceSlot {
  source: CatalogSource;
  entries: CatalogEntry[];
  serving: Serving;
  revision: string | null;
  state: SourceState;
  loadErrors: string[];
  /** The `refreshed_at` of the refresh whose entries are served (to spot another process's). */
  loadedRefresh: string | null;
  inFlight: Promise<RefreshOutcome> | null;
}

/** Holds the merged catalog and keeps it fresh. */
export class Catalog {
  readonly #slots: SourceSlot[];
  readonly #store: CatalogStore;
  readonly #intervalMs: number;
  readonly #log: Logger;
  readonly #now: () => Date;
  #index = new CatalogIndex([]);
  readonly #closing = new AbortController();
  readonly #checkMinute: number;

  constructor(options: CatalogOptions) {
    const { sources, store, refreshIntervalHours, log, now = () => new Date() } = options;
    this.#checkMinute = options.checkMinute ?? 17;
    this.#slots = sources.map((source) => ({
      source,
      entries: [],
      serving: "nothing",
      revision: null,
      state: { refreshed_at: null, attempted_at: null, last_error: null, revision: null },
      loadErrors: [],
      loadedRefresh: null,
      inFlight: null,
    }));
    this.#store = store;
    this.#intervalMs = refreshIntervalHours * 3_600_000;
    this.#log = log;
    this.#now = now;
  }

  /** The search index over the current merged catalog. */
  get index(): CatalogIndex {
    return this.#index;
  }

  /** Names of the configured sources. */
  get sourceNames(): string[] {
    return this.#slots.map((s) => s.source.name);
  }

  /** Serves each source from the cache, or else from the embedded snapshot. No network. */
  async load(): Promise<void> {
    await Promise.all(this.#slots.map(async (slot) => {
      const name = slot.source.name;
      let cached = null;
      try {
        slot.state = await this.#store.getState(name);
        cached = await this.#store.loadEntries(name);
      } catch (error) {
        // An unreadable cache must not cost the catalog: serve the snapshot and refresh.
        this.#log.warn("catalog cache unreadable", { source: name, error: String(error) });
      }
      if (cached) {
        this.#serveCached(slot, cached);
        return;
      }
      const snapshot = await loadSnapshot(name);
      if (snapshot) {
        Object.assign(slot, {
          entries: snapshot.entries,
          serving: "snapshot",
          revision: snapshot.revision,
        });
      }
    }));
    this.#rebuild();
  }

  /**
   * True when `source` must be fetched: it serves no refresh of its own (only the snapshot or
   * nothing), its location changed, or its last refresh is older than the interval.
   */
  isDue(source: string): boolean {
    const slot = this.#slot(source);
    if (slot.serving === "snapshot" || slot.serving === "nothing") return true;
    if (this.#moved(slot)) return true;
    return this.#dueAt(slot) <= this.#now().getTime();
  }

  /**
   * Refreshes every source that is due, concurrently. Never throws. The refresh history is read
   * again first: another registry process sharing the cache may have refreshed meanwhile, and
   * then its catalog is taken from the cache instead of fetching again.
   */
  async refreshDue(): Promise<RefreshOutcome[]> {
    await Promise.all(this.#slots.map((slot) => this.#adoptNewerCache(slot)));
    const due = this.#slots.filter((s) => this.isDue(s.source.name));
    return await Promise.all(due.map((s) => this.refresh(s.source.name)));
  }

  async #adoptNewerCache(slot: SourceSlot) {
    if (slot.inFlight) return;
    try {
      const state = await this.#store.getState(slot.source.name);
      slot.state = state;
      if (!state.refreshed_at || state.refreshed_at === slot.loadedRefresh) return;
      if (this.#moved(slot)) return;
      const cached = await this.#store.loadEntries(slot.source.name);
      if (!cached) return;
      this.#serveCached(slot, cached);
      this.#rebuild();
      this.#log.info("took a newer catalog from the cache", { source: slot.source.name });
    } catch (error) {
      this.#log.debug("cannot read the cache", { error: String(error) });
    }
  }

  /** Serves the entries of the refresh recorded in `slot.state`, as read back from the cache. */
  #serveCached(slot: SourceSlot, cached: StoredCatalog) {
    Object.assign(slot, {
      entries: cached.entries,
      serving: "cache",
      revision: cached.revision,
      loadErrors: slot.state.load_errors ?? [],
      loadedRefresh: slot.state.refreshed_at,
    });
  }

  /** True when the stored refresh came from another location than the source's current one. */
  #moved(slot: SourceSlot): boolean {
    return (slot.state.location ?? slot.source.location) !== slot.source.location;
  }

  /** When the last refresh expires (ms since the epoch); 0 when never refreshed. */
  #dueAt(slot: SourceSlot): number {
    const last = slot.state.refreshed_at ? Date.parse(slot.state.refreshed_at) : NaN;
    return Number.isNaN(last) ? 0 : last + this.#intervalMs;
  }

  /**
   * Fetches `source` anew. On failure the entries it served stay, and the error is kept for
   * status. A refresh already under way is joined, not repeated.
   */
  refresh(source: string): Promise<RefreshOutcome> {
    const slot = this.#slot(source);
    slot.inFlight ??= this.#refresh(slot).finally(() => {
      slot.inFlight = null;
    });
    return slot.inFlight;
  }

  /** Cancels refreshes under way and waits for them to wind down; nothing is recorded for them. */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.all(this.#slots.map((s) => s.inFlight));
  }

  /** Where each source stands. */
  status(): SourceStatus[] {
    return this.#slots.map((slot) => {
      const now = this.#now().getTime();
      const due = this.isDue(slot.source.name) ? now : this.#dueAt(slot);
      return {
        name: slot.source.name,
        location: slot.source.location,
        entries: slot.entries.length,
        serving: slot.serving,
        revision: slot.revision,
        last_refresh: slot.state.refreshed_at,
        last_attempt: slot.state.attempted_at,
        last_error: slot.state.last_error,
        next_refresh: new Date(this.#nextCheck(Math.max(due, now))).toISOString(),
        refreshing: slot.inFlight !== null,
        load_errors: slot.loadErrors,
        entries_with_warnings: slot.entries.filter((e) => e.warnings.length > 0).length,
      };
    });
  }

  /** The first hourly check at or after `time` (checks run at minute `checkMinute`). */
  #nextCheck(time: number): number {
    const date = new Date(time);
    date.setUTCMinutes(this.#checkMinute, 0, 0);
    if (date.getTime() < time) date.setUTCHours(date.getUTCHours() + 1);
    return date.getTime();
  }

  async #refresh(slot: SourceSlot): Promise<RefreshOutcome> {
    const name = slot.source.name;
    const attemptedAt = this.#now().toISOString();
    const started = performance.now();
    this.#log.info("refreshing source", { source: name, location: slot.source.location });
    try {
      if (this.#closing.signal.aborted) throw new Error("the registry is shutting down");
      const result = await slot.source.refresh({ signal: this.#closing.signal });
      if (result.entries.length === 0) {
        throw new Error(
          `the source yielded no entries${result.errors.length ? ` (${result.errors[0]})` : ""}`,
        );
      }
      // Compared with this source's own last refresh only (not the snapshot: a private
      // catalog may well be small).
      const sameOrigin = (slot.serving === "cache" || slot.serving === "live") &&
        !this.#moved(slot);
      const before = sameOrigin ? slot.entries.length : 0;
      if (before >= 20 && result.entries.length < before / 2) {
        throw new Error(
          `the source yielded ${result.entries.length} entries where it had ${before}; a ` +
            "partial checkout or a broken upstream is likelier than half the catalog vanishing, " +
            "so the refresh was not taken",
        );
      }
      await this.#store.saveEntries(name, result.entries, result.revision);
      const refreshedAt = this.#now().toISOString();
      slot.state = await this.#store.updateState(name, {
        refreshed_at: refreshedAt,
        attempted_at: attemptedAt,
        last_error: null,
        revision: result.revision,
        location: slot.source.location,
        load_errors: result.errors,
      });
      Object.assign(slot, {
        entries: result.entries,
        serving: "live",
        revision: result.revision,
        loadErrors: result.errors,
        loadedRefresh: refreshedAt,
      });
      this.#rebuild();
      for (const problem of result.errors) {
        this.#log.warn("source file skipped", { source: name, problem });
      }
      for (const problem of result.warnings) {
        this.#log.debug("source file fixed up", { source: name, problem });
      }
      this.#log.info("refreshed source", {
        source: name,
        entries: result.entries.length,
        revision: result.revision,
        ms: Math.round(performance.now() - started),
      });
      return { source: name, ok: true, entries: result.entries.length, error: null };
    } catch (error) {
      const message = (error as Error).message;
      if (this.#closing.signal.aborted) {
        this.#log.info("refresh cancelled: shutting down", { source: name });
        return { source: name, ok: false, entries: slot.entries.length, error: "cancelled" };
      }
      slot.state = await this.#store.updateState(name, {
        attempted_at: attemptedAt,
        last_error: message,
      })
        .catch(() => ({ ...slot.state, attempted_at: attemptedAt, last_error: message }));
      this.#log.warn("refresh failed; keeping the last good catalog", {
        source: name,
        error: message,
      });
      return { source: name, ok: false, entries: slot.entries.length, error: message };
    }
  }

  #rebuild() {
    this.#index = new CatalogIndex(mergeSources(this.#slots.map((s) => s.entries)));
  }

  #slot(source: string): SourceSlot {
    const slot = this.#slots.find((s) => s.source.name === source);
    if (!slot) {
      throw new RangeError(
        `Unknown source "${source}"; known sources: ${this.sourceNames.join(", ")}`,
      );
    }
    return slot;
  }
}
