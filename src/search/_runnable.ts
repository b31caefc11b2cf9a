/**
 * What an entry can do, as ranking and browsing weigh it: start now, start after a build, or
 * not start at all, and what running it here taught.
 *
 * @module
 */
import type { CatalogEntry, LaunchMethod } from "../catalog/entry.ts";

/** What running an entry taught (see `store/run_marks.ts`): the ranking and filters use it. */
export type RunState = "verified" | "failed";

/** The run state of an entry, by id; undefined when nothing is known. */
export type MarkLookup = (id: string) => RunState | undefined;

/**
 * An entry the registry can start outranks one it must build first (its sources name only a
 * repository), which outranks one it only knows by description, at equal relevance: agents
 * search to run.
 */
export const RUNNABLE: Partial<Record<LaunchMethod, number>> = { build: 0.8, none: 0.65 };

/** Launch methods that start an entry as it is, with no build first. */
export const STARTS_NOW: ReadonlySet<LaunchMethod> = new Set([
  "podman",
  "stdio-proxy",
  "remote-http",
]);

/**
 * What running an entry taught, at equal relevance: one that started here before outranks one
 * never tried, which outranks one that failed.
 */
export const MARKED: Record<RunState | "unknown", number> = {
  verified: 1.15,
  unknown: 1,
  failed: 0.7,
};

/** Browsing order's first key: what starts now, then what builds, then the rest. */
export function runnableTier(entry: Pick<CatalogEntry, "launch_method">): number {
  return STARTS_NOW.has(entry.launch_method) ? 2 : entry.launch_method === "build" ? 1 : 0;
}
