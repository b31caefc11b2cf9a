/**
 * What the live catalog says about its sources and refreshes: one source's status as
 * `registry-status` shows it, a refresh's outcome, and whether `registry-refresh` may refresh.
 *
 * @module
 */
import type { RefreshSchedule, ScheduledSource, Serving } from "./refresh_schedule.ts";

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
  /** When the registry next refreshes it by itself (a due check, or a retry after a failure). */
  next_refresh: string;
  /** Failed attempts in a row since the last successful refresh. */
  failed_attempts: number;
  /** Until when automatic refreshes wait after those failures; null when they do not wait. */
  retry_at: string | null;
  refreshing: boolean;
  /** When `registry-refresh` may refresh it again; null when it may now. */
  next_manual_refresh: string | null;
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

/** Whether `registry-refresh` may refresh a source now. */
export interface RefreshPermit {
  allowed: boolean;
  /** When it may (ISO 8601); null when it may now. */
  next_allowed: string | null;
  /**
   * What the cooldown counts from: the last successful refresh, or the last refresh asked for;
   * null when allowed.
   */
  since: "refreshed" | "asked" | null;
}

/** What the status of a source is read from. */
export interface StatusSlot extends ScheduledSource {
  /** How many entries are served, and how many of them carry warnings. */
  count: number;
  withWarnings: number;
  revision: string | null;
  loadErrors: string[];
}

/**
 * The status of one source; `checkMinute` is its hourly check, `retryAt` the time of its retry
 * timer (null without one).
 */
export function sourceStatus(
  slot: StatusSlot,
  { schedule, checkMinute, retryAt }: {
    schedule: RefreshSchedule;
    checkMinute: number;
    retryAt: number | null;
  },
): SourceStatus {
  const manual = schedule.nextManual(slot);
  const waiting = schedule.waitingUntil(slot);
  return {
    name: slot.source.name,
    location: slot.source.location,
    entries: slot.count,
    serving: slot.serving,
    revision: slot.revision,
    last_refresh: slot.state.refreshed_at,
    last_attempt: slot.state.attempted_at,
    last_error: slot.state.last_error,
    next_refresh: new Date(schedule.nextAutomatic(slot, { checkMinute, retryAt })).toISOString(),
    failed_attempts: schedule.failures(slot),
    retry_at: waiting === null ? null : new Date(waiting).toISOString(),
    refreshing: slot.inFlight !== null,
    next_manual_refresh: manual === null ? null : new Date(manual.at).toISOString(),
    load_errors: slot.loadErrors,
    entries_with_warnings: slot.withWarnings,
  };
}

/** The permit `registry-refresh` gets from the schedule's cooldown. */
export function refreshPermit(schedule: RefreshSchedule, slot: ScheduledSource): RefreshPermit {
  const next = schedule.nextManual(slot);
  return next === null
    ? { allowed: true, next_allowed: null, since: null }
    : { allowed: false, next_allowed: new Date(next.at).toISOString(), since: next.since };
}
