/**
 * The live catalog: the entries of every source, the search index over them, and the
 * refresh cycle (cache -> embedded snapshot -> source) with its status. When a source is due,
 * waits after failures or may be refreshed on request is `refresh_schedule.ts`; what status
 * shows is `catalog_status.ts`.
 *
 * @module
 */
import type { Logger } from "../util/log.ts";
import { CatalogIndex } from "../search/catalog_index.ts";
import { type IndexSnapshot, restoreIndex, snapshotIndex } from "../search/index_snapshot.ts";
import { type EntryLines, EntryTable, MemoryLines } from "../search/entry_table.ts";
import type { CatalogSource, PreviousRefresh, RefreshProgress } from "../sources/source.ts";
import type { CatalogStore, SourceState, StoredCatalogInfo } from "../store/catalog_store.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { loadSnapshot } from "../catalog/snapshot.ts";
import {
  type RefreshOutcome,
  type RefreshPermit,
  refreshPermit,
  type SourceStatus,
  sourceStatus,
} from "./catalog_status.ts";
import { MergedIds } from "./merged_ids.ts";
import { MERGE_FORMAT } from "../catalog/merge_format.ts";
import { checkRefreshResult } from "./refresh_guard.ts";
import { RefreshSchedule, type Serving } from "./refresh_schedule.ts";

export type { RefreshOutcome, RefreshPermit, SourceStatus } from "./catalog_status.ts";
export {
  DEFAULT_COOLDOWN_MINUTES,
  DEFAULT_RETRY_MINUTES,
  type Serving,
} from "./refresh_schedule.ts";

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
  /**
   * The minute of each hour at which the first source is checked; each next source is checked
   * 13 minutes later, so sources refresh on their own schedules (see `checkMinuteOf`).
   * @default 17
   */
  checkMinute?: number;
  /**
   * Minutes `registry-refresh` must wait between refreshes of one source, counted from its last
   * successful refresh or the last refresh asked for. @default 15
   */
  cooldownMinutes?: number;
  /** Minutes automatic refreshes wait after each failed attempt in a row. @default [1, 5, 15, 60] */
  retryMinutes?: readonly number[];
  /**
   * Retry a failing source by itself when its wait ends (a timer, cleared by `close`); without
   * it, the next `refreshDue` after the wait retries. @default false
   */
  autoRetry?: boolean;
}

/** Who started a refresh: the schedule (start-up, hourly check, retry) or a person or agent. */
type Trigger = "automatic" | "asked";

interface SourceSlot {
  source: CatalogSource;
  /**
   * The entries served, or null when they are in the cache (generation `generation`) and only
   * the merged catalog holds them in memory; read back for a merge or a refresh.
   */
  entries: CatalogEntry[] | null;
  /** How many entries are served, and how many of them carry warnings. */
  count: number;
  withWarnings: number;
  /**
   * The cache generation of the entries served; null when they are not the cache's (the
   * snapshot, nothing, or a save that lost a race with another process).
   */
  generation: string | null;
  serving: Serving;
  revision: string | null;
  state: SourceState;
  loadErrors: string[];
  /** The `refreshed_at` of the refresh whose entries are served (to spot another process's). */
  loadedRefresh: string | null;
  inFlight: Promise<RefreshOutcome> | null;
  /** Whether someone asked for the refresh under way (or joined it). */
  asked: boolean;
  /** Who wants progress of the refresh under way. */
  listeners: Set<(step: RefreshProgress) => void>;
  /** The timer of the automatic retry, and when it fires (ms). */
  retry: { timer: ReturnType<typeof setTimeout>; at: number } | null;
  /** A cheap source read by `load`: the first check after it need not read it again. */
  readByLoad: boolean;
}

/** Holds the merged catalog and keeps it fresh. */
export class Catalog {
  readonly #slots: SourceSlot[];
  readonly #store: CatalogStore;
  readonly #schedule: RefreshSchedule;
  readonly #log: Logger;
  readonly #now: () => Date;
  #index = new CatalogIndex([]);
  /** What the index was made from (see `#mergedKey`); null when unknown or not stored. */
  #indexKey: string | null = null;
  #indexFromCache = false;
  /** The open lines files of every index served (read back, or a merge once stored). */
  readonly #opened: EntryLines[] = [];
  /** Rebuilds run one after another, each from the sources' state when it runs. */
  #rebuilding: Promise<void> = Promise.resolve();
  /** Saves of the merged catalog and its index under way. */
  #savingMerged: Promise<void> = Promise.resolve();
  readonly #closing = new AbortController();
  readonly #checkMinute: number;
  readonly #autoRetry: boolean;
  /** Automatic retries under way, for `close` to wait for. */
  readonly #retrying = new Set<Promise<unknown>>();
  /** The ids the last merge gave (member key -> id), kept across refreshes and restarts. */
  readonly #ids: MergedIds;

  constructor(options: CatalogOptions) {
    const { sources, store, log, now = () => new Date() } = options;
    this.#checkMinute = options.checkMinute ?? 17;
    this.#schedule = new RefreshSchedule({ ...options, now });
    this.#autoRetry = options.autoRetry ?? false;
    this.#slots = sources.map((source) => ({
      source,
      entries: [],
      count: 0,
      withWarnings: 0,
      generation: null,
      serving: "nothing",
      revision: null,
      state: { refreshed_at: null, attempted_at: null, last_error: null, revision: null },
      loadErrors: [],
      loadedRefresh: null,
      inFlight: null,
      asked: false,
      listeners: new Set(),
      retry: null,
      readByLoad: false,
    }));
    this.#store = store;
    this.#log = log;
    this.#ids = new MergedIds(store, log);
    this.#now = now;
  }

  /** The search index over the current merged catalog. */
  get index(): CatalogIndex {
    return this.#index;
  }

  /**
   * True when the index served was read from the cache with the merged catalog (stored by an
   * earlier run from the same source catalogs and index settings) instead of being built.
   */
  get indexFromCache(): boolean {
    return this.#indexFromCache;
  }

  /** Names of the configured sources. */
  get sourceNames(): string[] {
    return this.#slots.map((s) => s.source.name);
  }

  /** The minute of each hour at which `source` is checked (schedule its `Deno.cron` there). */
  checkMinuteOf(source: string): number {
    return (this.#checkMinute + 13 * this.#slots.indexOf(this.#slot(source))) % 60;
  }

  /**
   * Serves each source from the cache, or else from the embedded snapshot, and reads the cheap
   * sources (the user's own files) afresh, so the first answer already has them. No network.
   */
  async load(): Promise<void> {
    await Promise.all(this.#slots.map(async (slot) => {
      const name = slot.source.name;
      let cached = null;
      try {
        slot.state = await this.#store.getState(name);
        cached = await this.#store.loadInfo(name);
        if (cached) await this.#serveCached(slot, cached);
      } catch (error) {
        // An unreadable cache must not cost the catalog: serve the snapshot and refresh.
        this.#log.warn("catalog cache unreadable", { source: name, error: String(error) });
        cached = null;
      }
      if (!cached) {
        const snapshot = await loadSnapshot(name);
        if (snapshot) {
          Object.assign(slot, {
            entries: snapshot.entries,
            count: snapshot.entries.length,
            withWarnings: countWarnings(snapshot.entries),
            generation: null,
            serving: "snapshot",
            revision: snapshot.revision,
          });
        }
      }
      if (slot.source.cheap) {
        // On failure the cached entries stay, as for any refresh.
        await this.#start(slot, "automatic", { rebuild: false });
        slot.readByLoad = true;
      }
      this.#armRetry(slot);
    }));
    await this.#rebuild();
  }

  /**
   * True when `source` must be fetched: it serves no refresh of its own (only the snapshot or
   * nothing), its location changed, or its last refresh is older than the interval.
   */
  isDue(source: string): boolean {
    return this.#schedule.isDue(this.#slot(source));
  }

  /**
   * Refreshes every source that is due, concurrently. Never throws. The refresh history is read
   * again first: another registry process sharing the cache may have refreshed meanwhile, and
   * then its catalog is taken from the cache instead of fetching again.
   */
  async refreshDue(only?: readonly string[]): Promise<RefreshOutcome[]> {
    const slots = only ? only.map((name) => this.#slot(name)) : this.#slots;
    await Promise.all(slots.map((slot) => this.#adoptNewerCache(slot)));
    const due = slots.filter((slot) => {
      const readByLoad = slot.readByLoad;
      slot.readByLoad = false;
      if (readByLoad || !this.isDue(slot.source.name)) return false;
      const waiting = this.#schedule.waitingUntil(slot);
      if (waiting === null) return true;
      this.#log.debug("source waits after failed refreshes", {
        source: slot.source.name,
        failures: slot.state.backoff?.failures,
        retry_at: new Date(waiting).toISOString(),
      });
      this.#armRetry(slot);
      return false;
    });
    return await Promise.all(due.map((slot) => this.#start(slot, "automatic")));
  }

  async #adoptNewerCache(slot: SourceSlot) {
    if (slot.inFlight) return;
    try {
      const state = await this.#store.getState(slot.source.name);
      slot.state = state;
      if (!state.refreshed_at || state.refreshed_at === slot.loadedRefresh) return;
      if (this.#schedule.moved(slot)) return;
      const cached = await this.#store.loadInfo(slot.source.name);
      if (!cached) return;
      await this.#serveCached(slot, cached);
      await this.#rebuild();
      this.#log.info("took a newer catalog from the cache", { source: slot.source.name });
    } catch (error) {
      this.#log.debug("cannot read the cache", { error: String(error) });
    }
  }

  /**
   * Serves the entries of the refresh recorded in `slot.state` from the cache, where they stay
   * until a merge or a refresh needs them (read at once when the cache did not count warnings).
   */
  async #serveCached(slot: SourceSlot, cached: StoredCatalogInfo) {
    let entries: CatalogEntry[] | null = null;
    let { count, withWarnings, generation, revision } = cached;
    if (withWarnings === null) {
      const stored = await this.#store.loadEntries(slot.source.name);
      if (!stored) throw new Error("the cache changed while it was read");
      entries = stored.entries;
      ({ revision } = stored);
      count = entries.length;
      withWarnings = countWarnings(entries);
    }
    Object.assign(slot, {
      entries,
      count,
      withWarnings,
      generation,
      serving: "cache",
      revision,
      loadErrors: slot.state.load_errors ?? [],
      loadedRefresh: slot.state.refreshed_at,
    });
  }

  /** The entries `slot` serves, read back from the cache when only the merge holds them. */
  async #entriesOf(slot: SourceSlot): Promise<CatalogEntry[]> {
    if (slot.entries) return slot.entries;
    const stored = await this.#store.loadEntries(slot.source.name);
    if (!stored) throw new Error(`The cached ${slot.source.name} catalog went missing`);
    return stored.entries;
  }

  /**
   * With `autoRetry`, sets a timer for the end of `slot`'s wait when the source is due and
   * waiting (a refresh then checks again); otherwise clears it.
   */
  #armRetry(slot: SourceSlot) {
    if (!this.#autoRetry) return;
    const until = this.#closing.signal.aborted ? null : this.#schedule.waitingUntil(slot);
    const wanted = until !== null && this.isDue(slot.source.name) ? until : null;
    if (slot.retry?.at === wanted) return;
    if (slot.retry) clearTimeout(slot.retry.timer);
    slot.retry = null;
    if (wanted === null) return;
    const timer = setTimeout(() => {
      slot.retry = null;
      const retrying = this.refreshDue([slot.source.name]);
      this.#retrying.add(retrying);
      retrying.finally(() => this.#retrying.delete(retrying));
    }, Math.max(0, wanted - this.#now().getTime()));
    Deno.unrefTimer(timer);
    slot.retry = { timer, at: wanted };
  }

  /**
   * Fetches `source` anew. On failure the entries it served stay, and the error is kept for
   * status. A refresh already under way is joined, not repeated.
   */
  refresh(
    source: string,
    options: { progress?: (step: RefreshProgress) => void } = {},
  ): Promise<RefreshOutcome> {
    return this.#start(this.#slot(source), "asked", options);
  }

  #start(
    slot: SourceSlot,
    trigger: Trigger,
    options: { progress?: (step: RefreshProgress) => void; rebuild?: boolean } = {},
  ): Promise<RefreshOutcome> {
    const { progress, rebuild = true } = options;
    if (progress) slot.listeners.add(progress);
    if (!slot.inFlight) {
      slot.asked = false;
      slot.inFlight = this.#refresh(slot, rebuild).finally(() => {
        slot.inFlight = null;
      });
    }
    // Someone who joins an automatic refresh asked for it too: its end starts the cooldown.
    if (trigger === "asked") slot.asked = true;
    return progress ? slot.inFlight.finally(() => slot.listeners.delete(progress)) : slot.inFlight;
  }

  /**
   * Whether `registry-refresh` may refresh `source` now: at most once per cooldown, counted from
   * its last successful refresh or the last refresh asked for, by any process sharing the cache.
   * Automatic attempts that failed do not count (they wait on their own backoff), and a refresh
   * under way may always be joined.
   */
  async permit(source: string): Promise<RefreshPermit> {
    const slot = this.#slot(source);
    if (slot.source.cheap || slot.inFlight || this.#schedule.noCooldown) {
      return { allowed: true, next_allowed: null, since: null };
    }
    try {
      slot.state = await this.#store.getState(source);
      this.#armRetry(slot);
    } catch { /* the state in memory is good enough */ }
    return refreshPermit(this.#schedule, slot);
  }

  /**
   * Cancels refreshes under way and the retries planned, and waits for them to wind down;
   * nothing is recorded for them.
   */
  async close(): Promise<void> {
    this.#closing.abort();
    for (const slot of this.#slots) this.#armRetry(slot);
    await Promise.all(this.#retrying);
    await Promise.all(this.#slots.map((s) => s.inFlight));
    await this.#rebuilding;
    await this.#ids.settled();
    await this.#savingMerged;
    // Files of the indexes served (an index swapped out may still be read by a call under
    // way, so they stay open until the catalog closes: one per refresh).
    for (const lines of this.#opened.splice(0)) lines.close?.();
  }

  /** Where each source stands. */
  status(): SourceStatus[] {
    return this.#slots.map((slot) =>
      sourceStatus(slot, {
        schedule: this.#schedule,
        checkMinute: this.checkMinuteOf(slot.source.name),
        retryAt: slot.retry?.at ?? null,
      })
    );
  }

  async #refresh(slot: SourceSlot, rebuild: boolean): Promise<RefreshOutcome> {
    const name = slot.source.name;
    const attemptedAt = this.#now().toISOString();
    const started = performance.now();
    this.#log.info("refreshing source", { source: name, location: slot.source.location });
    try {
      if (this.#closing.signal.aborted) throw new Error("the registry is shutting down");
      const result = await slot.source.refresh({
        signal: this.#closing.signal,
        previous: await this.#previous(slot),
        progress: (step) => {
          for (const listener of slot.listeners) {
            try {
              listener(step);
            } catch { /* a listener's failure is its own */ }
          }
        },
      });
      // Compared with this source's own last refresh only (not the snapshot: a private
      // catalog may well be small). The user's own files shrink when the user says so.
      const sameOrigin = (slot.serving === "cache" || slot.serving === "live") &&
        !this.#schedule.moved(slot) && !slot.source.cheap;
      checkRefreshResult(result, { before: sameOrigin ? slot.count : 0 });
      // The user's own files, unchanged since the cache was written (same content hash):
      // nothing to store or merge again, and the stored index stays good.
      const unchanged = slot.source.cheap && slot.serving !== "snapshot" &&
        slot.generation !== null && result.revision !== null &&
        result.revision === slot.revision && !this.#schedule.moved(slot);
      const generation = unchanged
        ? slot.generation
        : await this.#store.saveEntries(name, result.entries, result.revision);
      const refreshedAt = this.#now().toISOString();
      slot.state = await this.#store.updateState(name, {
        refreshed_at: refreshedAt,
        attempted_at: attemptedAt,
        ...(slot.asked ? { asked_at: attemptedAt } : {}),
        last_error: null,
        backoff: null,
        revision: result.revision,
        location: slot.source.location,
        load_errors: result.errors,
        cursor: result.cursor ?? null,
      });
      Object.assign(slot, {
        entries: unchanged ? slot.entries : result.entries,
        count: result.entries.length,
        withWarnings: countWarnings(result.entries),
        generation,
        serving: "live",
        revision: result.revision,
        loadErrors: result.errors,
        loadedRefresh: refreshedAt,
      });
      this.#armRetry(slot);
      if (rebuild && !unchanged) await this.#rebuild();
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
        return { source: name, ok: false, entries: slot.count, error: "cancelled" };
      }
      const failedAt = this.#now().getTime();
      const failed = (current: SourceState): Partial<SourceState> => ({
        attempted_at: attemptedAt,
        ...(slot.asked ? { asked_at: attemptedAt } : {}),
        last_error: message,
        backoff: this.#schedule.nextBackoff(slot, { current, failedAt }),
      });
      slot.state = await this.#store.updateState(name, failed)
        .catch(() => ({ ...slot.state, ...failed(slot.state) }));
      this.#armRetry(slot);
      this.#log.warn("refresh failed; keeping the last good catalog", {
        source: name,
        error: message,
        ...(slot.state.backoff ? { retry_at: slot.state.backoff.retry_at } : {}),
      });
      return { source: name, ok: false, entries: slot.count, error: message };
    }
  }

  /** The last good refresh, for an incremental one; null when a full refresh is needed. */
  async #previous(slot: SourceSlot): Promise<PreviousRefresh | null> {
    const fromHere = (slot.serving === "cache" || slot.serving === "live") &&
      !this.#schedule.moved(slot);
    if (!fromHere || !slot.state.refreshed_at) return null;
    let entries: CatalogEntry[];
    try {
      entries = await this.#entriesOf(slot);
    } catch {
      return null; // the cache lost them: a full refresh
    }
    return {
      entries,
      revision: slot.revision,
      cursor: slot.state.cursor ?? null,
      refreshedAt: slot.state.refreshed_at,
    };
  }

  /** Merges the sources again and swaps in the new index; rebuilds run one at a time. */
  #rebuild(): Promise<void> {
    const run = this.#rebuilding.then(() => this.#rebuildNow());
    this.#rebuilding = run.catch(() => {});
    return run;
  }

  /**
   * What a merged catalog is made from: each source's cache generation (or the snapshot's
   * revision), in priority order. Null when a source serves entries the cache does not hold.
   */
  #mergedKey(): string | null {
    const parts: string[] = [`merge:${MERGE_FORMAT}`];
    for (const slot of this.#slots) {
      const name = slot.source.name;
      if (slot.serving === "nothing") parts.push(`${name}:none`);
      else if (slot.serving === "snapshot") parts.push(`${name}:snapshot:${slot.revision}`);
      else if (slot.generation !== null) parts.push(`${name}:${slot.generation}`);
      else return null;
    }
    return parts.join(" ");
  }

  async #rebuildNow() {
    const key = this.#mergedKey();
    if (key !== null && key === this.#indexKey) return;
    if (key !== null) {
      let stored = null;
      try {
        stored = await this.#store.loadMerged<Omit<IndexSnapshot, "postings">>(key);
        const table = stored && EntryTable.over(stored.lines);
        const index = stored && table &&
          await restoreIndex(table, { ...stored.index, postings: stored.binary });
        if (index) {
          this.#swap(index, key, true);
          this.#log.debug("search index read from the cache", { entries: index.size });
          return;
        }
      } catch (error) {
        this.#log.debug("cannot read the stored index", { error: String(error) });
      }
      // Refused (other index settings, a damaged file): its file is let go, not held open.
      stored?.lines.close?.();
    }
    // One source at a time: each one's stored bytes and text can go before the next is read.
    const sources = [];
    for (const slot of this.#slots) {
      sources.push({ name: slot.source.name, entries: await this.#entriesOf(slot) });
    }
    const merged = await this.#ids.merge(sources);
    sources.length = 0; // the sources' own entries need not outlive the merge while it indexes
    const index = new CatalogIndex(merged);
    this.#swap(index, key, false);
    if (key === null || this.#closing.signal.aborted) return;
    // Stored in the background: the next start with the same catalogs reads it back.
    this.#savingMerged = this.#savingMerged.then(async () => {
      const snapshot = await snapshotIndex(index);
      const { postings: binary, ...json } = snapshot;
      const { lines } = index.table;
      // A table read back from the cache is never stored again: only a fresh merge is.
      if (lines instanceof MemoryLines) {
        const stored = await this.#store.saveMerged(key, { lines, index: json, binary });
        // Once the file holds them, the fresh merge's lines need not stay in memory.
        if (stored && index.table.switchTo(stored)) this.#opened.push(stored);
        else stored?.close?.();
      }
    }).catch((error) => this.#log.warn("cannot store the search index", { error: String(error) }));
  }

  /**
   * Serves `index`; the entries of sources that the cache holds are then dropped from memory
   * (the merged catalog holds what search and listing need).
   */
  #swap(index: CatalogIndex, key: string | null, fromCache: boolean) {
    this.#index = index;
    // Only what holds a file open is kept to be closed: lines in memory go with their index.
    const { lines } = index.table;
    if (lines.close) this.#opened.push(lines);
    this.#indexKey = key;
    this.#indexFromCache = fromCache;
    for (const slot of this.#slots) {
      if (slot.generation !== null && slot.serving !== "snapshot") slot.entries = null;
    }
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

function countWarnings(entries: readonly CatalogEntry[]): number {
  return entries.filter((e) => e.warnings.length > 0).length;
}
