/**
 * How a catalog entry appears in `registry-find` and `registry-list` results: the fields an
 * agent needs to choose a server, as data and as one line of text.
 *
 * @module
 */
import { z } from "zod";
import { type CatalogEntry, LAUNCH_METHODS, type LaunchMethod } from "../catalog/entry.ts";
import type { RunMark } from "../store/run_marks.ts";
import { truncate } from "../util/text.ts";

/** What running a server here taught, as results show it. */
export const RunMarkSchema = z.object({
  state: z.enum(["verified", "failed"]),
  at: z.string(),
  commit: z.string().optional(),
  reason: z.string().optional(),
});

export const EntrySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.string(),
  sources: z.array(z.string()),
  categories: z.array(z.string()),
  tags: z.array(z.string()),
  official: z.boolean(),
  featured: z.boolean(),
  requires_api_key: z.boolean(),
  launch_method: z.enum(LAUNCH_METHODS),
  repo_url: z.string().nullable(),
  /** Tool names the source lists; empty when it lists none (see `tools_known`). */
  tools: z.array(z.string()),
  /** False when the source does not say which tools the server has. */
  tools_known: z.boolean(),
  score: z.number(),
  /** Present when the registry started it (or failed to) before. */
  run_mark: RunMarkSchema.optional(),
});
export type EntrySummary = z.infer<typeof EntrySummarySchema>;

/** The result view of `entry`, with its run mark when it has one. */
export function summarize(entry: CatalogEntry, score = 0, mark?: RunMark): EntrySummary {
  const summary: EntrySummary = {
    id: entry.id,
    name: entry.name,
    title: entry.title,
    description: truncate(entry.description, 500),
    source: entry.source,
    sources: entry.sources,
    categories: entry.categories,
    tags: entry.tags,
    official: entry.official,
    featured: entry.featured,
    requires_api_key: entry.requires_api_key,
    launch_method: entry.launch_method,
    repo_url: entry.repo_url,
    tools: entry.tools.map((t) => t.name),
    tools_known: entry.tools.length > 0,
    score: Math.round(score * 1000) / 1000,
  };
  if (mark) summary.run_mark = { ...mark };
  return summary;
}

/**
 * The short view `registry-find` and `registry-list` answer with by default: enough to choose
 * a server (about 50 tokens); `registry-list {id}` gives the whole {@linkcode EntrySummary}.
 */
export interface EntryBrief {
  id: string;
  title: string;
  /** The description's first line, cut to 100 characters. */
  description: string;
  /** How it runs: podman, stdio-proxy, remote-http, build (needs one first), or none. */
  runs: LaunchMethod;
  needs_key: boolean;
  /** Present (true) only for official entries. */
  official?: true;
  /** What running it here taught: `verified 2026-12-04`, `failed: <reason>`; absent: never. */
  mark?: string;
}

export const EntryBriefSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  runs: z.enum(LAUNCH_METHODS),
  needs_key: z.boolean(),
  official: z.literal(true).optional(),
  mark: z.string().optional(),
});

/** The short view of `entry`. */
export function brief(entry: CatalogEntry): EntryBrief {
  return markedBrief(entry, undefined);
}

/** The short view of `entry`, with its run mark when it has one. */
export function markedBrief(entry: CatalogEntry, mark: RunMark | undefined): EntryBrief {
  const view: EntryBrief = {
    id: entry.id,
    title: entry.title,
    description: truncate(entry.description.split("\n")[0]!.trim(), 100),
    runs: entry.launch_method,
    needs_key: entry.requires_api_key,
  };
  if (entry.official) view.official = true;
  if (mark) view.mark = markText(mark, 60);
  return view;
}

/**
 * `verified 2026-12-04` (`@ <commit>` when built), or `failed: <reason>` with the reason cut to
 * `limit` characters (a result list stays short; `registry-list {id}` has the whole reason).
 */
export function markText(mark: RunMark, limit = 200): string {
  if (mark.state === "verified") {
    return `verified ${mark.at.slice(0, 10)}${mark.commit ? ` @ ${mark.commit.slice(0, 12)}` : ""}`;
  }
  return `failed: ${truncate(mark.reason || "unknown reason", limit)}`;
}

/** How a launch method reads in a result line. */
function runsText(method: LaunchMethod): string {
  return method === "none" ? "cannot be added" : method === "build" ? "needs a build" : method;
}

/** `1. id: Title - description [podman, key]`, without the words the structured view holds. */
export function renderBrief(view: EntryBrief, position: number): string {
  const marks = [runsText(view.runs)];
  if (view.needs_key) marks.push("key");
  if (view.official) marks.push("official");
  if (view.mark) marks.push(view.mark);
  const description = view.description ? ` - ${truncate(view.description, 60)}` : "";
  return `${position}. ${view.id}${description} [${marks.join(", ")}]`;
}

/** `1. id: Title - description [podman, official, needs API key, 3 tools]` */
export function renderLine(summary: EntrySummary, position: number): string {
  const marks: string[] = [
    summary.launch_method === "none"
      ? "no launch details: cannot be added"
      : runsText(summary.launch_method),
  ];
  if (summary.run_mark) marks.push(markText(summary.run_mark));
  if (summary.official) marks.push("official");
  if (summary.featured) marks.push("featured");
  if (summary.requires_api_key) marks.push("needs API key");
  if (summary.tools_known) marks.push(`${summary.tools.length} tools`);
  if (summary.sources.length > 1) marks.push(`in ${summary.sources.join(", ")}`);
  const description = summary.description ? ` - ${truncate(summary.description, 160)}` : "";
  return `${position}. ${summary.id}: ${summary.title}${description} [${marks.join(", ")}]`;
}

/**
 * Why `entry` cannot be started (its sources describe it but not how to run it), with its page,
 * followed by `advice`: what to do instead, in the words of the caller (tool or CLI).
 */
export function describeUnrunnable(entry: CatalogEntry, advice: string): string {
  const where = entry.repo_url ?? entry.homepage ?? Object.values(entry.links)[0];
  return `${entry.id} cannot be started: its sources (${entry.sources.join(", ")}) describe it ` +
    "but say nothing about how to run it (no image, package or remote URL). " +
    (where ? `Its page is ${where}. ` : "") + advice;
}
