/**
 * What the live catalog says about its sources and refreshes: one source's status as
 * `registry-status` shows it, a refresh's outcome, whether `registry-refresh` may refresh, and
 * how many entries name a way to run.
 *
 * @module
 */
import type { CatalogEntry, LaunchMethod } from "../catalog/entry.ts";
import type { RunMark } from "../store/run_marks.ts";
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

/** How an entry runs, in the words `registry-status` counts them by. */
export type RunKind = "image" | "package" | "remote" | "repository" | "none";

const KIND_OF: Record<LaunchMethod, RunKind> = {
  podman: "image",
  "stdio-proxy": "package",
  "remote-http": "remote",
  build: "repository",
  none: "none",
};

/** How many catalog entries name a way to run, by kind, and what running them taught. */
export interface RunShare {
  entries: number;
  /** Entries that name an image, a package, a remote or a repository to resolve. */
  runnable: number;
  /** `runnable / entries`, rounded to 0.1 %; 0 for an empty catalog. */
  percent: number;
  by_kind: Record<RunKind, number>;
  /** Entries that started here before (their last start succeeded). */
  verified: number;
  /** Entries whose last start or build here failed. */
  failed: number;
}

/** Counts `entries` by how they run, and their marks (`marks`: id -> mark). */
export function runShare(
  entries: readonly Pick<CatalogEntry, "id" | "launch_method">[],
  marks: { get(id: string): RunMark | undefined } = new Map(),
): RunShare {
  const by_kind: Record<RunKind, number> = {
    image: 0,
    package: 0,
    remote: 0,
    repository: 0,
    none: 0,
  };
  let verified = 0;
  let failed = 0;
  for (const entry of entries) {
    by_kind[KIND_OF[entry.launch_method] ?? "none"]++;
    const state = marks.get(entry.id)?.state;
    if (state === "verified") verified++;
    else if (state === "failed") failed++;
  }
  const runnable = entries.length - by_kind.none;
  const percent = entries.length ? Math.round((runnable / entries.length) * 1000) / 10 : 0;
  return { entries: entries.length, runnable, percent, by_kind, verified, failed };
}

/**
 * `9,153 of 10,043 entries (91.1 %) name a way to run: image 325, package 242, remote 76,
 * repository to build 8,510; none 890. Started here: 3; failed: 1.`
 */
export function describeRunShare(share: RunShare): string {
  const n = (value: number) => value.toLocaleString("en");
  const k = share.by_kind;
  return `${n(share.runnable)} of ${n(share.entries)} entries (${share.percent} %) name a way ` +
    `to run: image ${n(k.image)}, package ${n(k.package)}, remote ${n(k.remote)}, ` +
    `repository to build ${n(k.repository)}; none ${n(k.none)}. Started here: ` +
    `${n(share.verified)}; failed: ${n(share.failed)}.`;
}
