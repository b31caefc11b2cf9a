/**
 * When the live catalog refreshes a source: due after the refresh interval (checked hourly at
 * the source's own minute), backing off after failed attempts (1, 5, 15, then every 60 minutes),
 * and letting `registry-refresh` refresh it at most once per cooldown. Pure: times in, times out.
 *
 * @module
 */
import type { CatalogSource } from "../sources/source.ts";
import type { RetryBackoff, SourceState } from "../store/catalog_store.ts";

/** Minutes between two refreshes of one source that `registry-refresh` allows. */
export const DEFAULT_COOLDOWN_MINUTES = 15;

/**
 * Minutes an automatic refresh waits after the 1st, 2nd, 3rd... failed attempt in a row; the
 * last one repeats.
 */
export const DEFAULT_RETRY_MINUTES: readonly number[] = [1, 5, 15, 60];

/** What a source's entries currently come from. */
export type Serving = "nothing" | "snapshot" | "cache" | "live";

/** What the schedule reads of a source: its settings, its refresh history, what it serves. */
export interface ScheduledSource {
  source: CatalogSource;
  state: SourceState;
  serving: Serving;
  /** The refresh under way; null when none is. */
  inFlight: Promise<unknown> | null;
}

/** Options for {@linkcode RefreshSchedule}. */
export interface RefreshScheduleOptions {
  /** A source is refreshed when its last refresh is older than this. */
  refreshIntervalHours: number;
  /** @default 15 */
  cooldownMinutes?: number;
  /** @default [1, 5, 15, 60] */
  retryMinutes?: readonly number[];
  /** @default () => new Date() */
  now?: () => Date;
}

/** The refresh policy over the sources' states. */
export class RefreshSchedule {
  readonly #intervalMs: number;
  readonly #cooldownMs: number;
  readonly #retryMinutes: readonly number[];
  readonly #now: () => Date;

  constructor(options: RefreshScheduleOptions) {
    const { refreshIntervalHours, cooldownMinutes = DEFAULT_COOLDOWN_MINUTES } = options;
    this.#intervalMs = refreshIntervalHours * 3_600_000;
    this.#cooldownMs = cooldownMinutes * 60_000;
    this.#retryMinutes = options.retryMinutes?.length
      ? [...options.retryMinutes]
      : DEFAULT_RETRY_MINUTES;
    this.#now = options.now ?? (() => new Date());
  }

  /** The current time (ms since the epoch). */
  now(): number {
    return this.#now().getTime();
  }

  /** True when the cooldown of `registry-refresh` is off. */
  get noCooldown(): boolean {
    return this.#cooldownMs === 0;
  }

  /**
   * True when the source must be fetched: it is cheap, serves no refresh of its own (only the
   * snapshot or nothing), its location changed, or its last refresh is older than the interval.
   */
  isDue(slot: ScheduledSource): boolean {
    if (slot.source.cheap) return true;
    if (slot.serving === "snapshot" || slot.serving === "nothing") return true;
    if (this.moved(slot)) return true;
    return this.dueAt(slot) <= this.now();
  }

  /** True when the stored refresh came from another location than the source's current one. */
  moved(slot: ScheduledSource): boolean {
    return (slot.state.location ?? slot.source.location) !== slot.source.location;
  }

  /** When the last refresh expires (ms since the epoch); 0 when never refreshed. */
  dueAt(slot: ScheduledSource): number {
    const last = slot.state.refreshed_at ? Date.parse(slot.state.refreshed_at) : NaN;
    return Number.isNaN(last) ? 0 : last + this.#intervalMs;
  }

  /**
   * Until when automatic refreshes wait after failed attempts (ms), or null when they need not:
   * no failure since the last success, the wait is over, the source moved since, or it is cheap
   * (the user's files are read at every check).
   */
  waitingUntil(slot: ScheduledSource): number | null {
    const backoff = slot.state.backoff;
    if (!backoff || slot.source.cheap || backoff.location !== slot.source.location) return null;
    const until = Date.parse(backoff.retry_at);
    return until > this.now() ? until : null;
  }

  /** Failed attempts in a row at the source's current location. */
  failures(slot: ScheduledSource): number {
    const backoff = slot.state.backoff;
    return backoff?.location === slot.source.location ? backoff.failures : 0;
  }

  /** The wait after one more failed attempt than `current` records, from `failedAt` (ms). */
  nextBackoff(
    slot: ScheduledSource,
    { current, failedAt }: { current: SourceState; failedAt: number },
  ): RetryBackoff | null {
    if (slot.source.cheap) return null;
    const location = slot.source.location;
    const before = current.backoff?.location === location ? current.backoff.failures : 0;
    const failures = before + 1;
    const steps = this.#retryMinutes;
    const minutes = steps[Math.min(failures, steps.length) - 1]!;
    return { failures, retry_at: new Date(failedAt + minutes * 60_000).toISOString(), location };
  }

  /**
   * When a refresh asked for is allowed again (ms) and what the cooldown counts from (the last
   * successful refresh, or the last refresh asked for), or null when it is allowed now.
   */
  nextManual(slot: ScheduledSource): { at: number; since: "refreshed" | "asked" } | null {
    if (slot.source.cheap || slot.inFlight || this.#cooldownMs === 0) return null;
    const refreshed = this.moved(slot) ? NaN : Date.parse(slot.state.refreshed_at ?? "");
    const asked = Date.parse(slot.state.asked_at ?? "");
    // NaN never wins a comparison: the other time, or neither.
    const since = asked > refreshed || Number.isNaN(refreshed) ? "asked" : "refreshed";
    const last = since === "asked" ? asked : refreshed;
    const at = last + this.#cooldownMs;
    return Number.isNaN(last) || at <= this.now() ? null : { at, since };
  }

  /**
   * When the registry next refreshes the source by itself: the hourly check (at `checkMinute`)
   * once it is due; while it waits after failures, the end of the wait when a retry timer is set
   * for it (`retryAt`), else the first hourly check after it.
   */
  nextAutomatic(
    slot: ScheduledSource,
    { checkMinute, retryAt }: { checkMinute: number; retryAt: number | null },
  ): number {
    const now = this.now();
    const due = this.isDue(slot) ? now : this.dueAt(slot);
    const waiting = this.waitingUntil(slot);
    if (waiting !== null && waiting >= due) {
      return retryAt === waiting ? waiting : nextCheck(waiting, checkMinute);
    }
    return nextCheck(Math.max(due, now), checkMinute);
  }
}

/** The first hourly check at `minute` at or after `time` (ms). */
export function nextCheck(time: number, minute: number): number {
  const date = new Date(time);
  date.setUTCMinutes(minute, 0, 0);
  if (date.getTime() < time) date.setUTCHours(date.getUTCHours() + 1);
  return date.getTime();
}
