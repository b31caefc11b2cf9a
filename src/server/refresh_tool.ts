/**
 * `registry-refresh`: fetch one source (or all) now, within a per-source rate limit, with
 * progress notifications for clients that ask for them.
 *
 * @module
 */
import { z } from "zod";
import type { RefreshOutcome } from "../registry/catalog.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";

const RefreshResultSchema = z.object({
  source: z.string(),
  status: z.enum(["refreshed", "failed", "rate_limited", "running"]),
  entries: z.number().int().describe("Entries the source serves now."),
  error: z.string().nullable(),
  next_allowed: z.string().nullable().describe(
    "When registry-refresh may refresh this source again (ISO 8601); null: now.",
  ),
  since: z.enum(["refreshed", "asked"]).nullable().describe(
    "Why it is rate-limited: it was refreshed, or a refresh was asked for, less than the " +
      "cooldown ago; null when not rate-limited.",
  ),
});
type RefreshResult = z.infer<typeof RefreshResultSchema>;

export const refreshTool = defineTool({
  name: "registry-refresh",
  title: "Refresh the catalog",
  description: "Fetch a catalog source now (or all); at most once per 15 min per source.",
  input: z.object({
    source: z.string().trim().min(1).max(40).optional(),
    wait_seconds: z.number().int().min(0).max(600).default(50),
  }).strict(),
  output: z.object({
    results: z.array(RefreshResultSchema),
    catalog_entries: z.number().int(),
  }),
  annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: true },
  async handler({ source, wait_seconds }, ctx, call) {
    const catalog = ctx.catalog;
    const names = catalog.sourceNames;
    const wanted = source?.toLowerCase();
    if (wanted !== undefined && !names.includes(wanted)) {
      const off = (ctx.allSources ?? []).includes(wanted as never);
      return toolError(
        off
          ? `The source "${wanted}" is switched off (MCP_REGISTRY_SOURCES); the sources on are ` +
            `${names.join(", ")}. Ask the user to turn it on, or refresh one of those.`
          : `Unknown source "${source}"; the sources are ${names.join(", ")}. Call ` +
            "registry-refresh with one of them, or without a source for all.",
      );
    }
    const results = new Map<string, RefreshResult>();
    const running: Promise<void>[] = [];
    for (const name of wanted ? [wanted] : names) {
      const permit = await catalog.permit(name);
      if (!permit.allowed) {
        results.set(name, {
          source: name,
          status: "rate_limited",
          entries: entriesOf(ctx.catalog.status(), name),
          error: null,
          next_allowed: permit.next_allowed,
          since: permit.since,
        });
        continue;
      }
      call.progress({ subject: name, message: "refresh started" });
      const refreshing = catalog.refresh(name, {
        progress: (step) => call.progress({ subject: name, ...step }),
      });
      results.set(name, {
        source: name,
        status: "running",
        entries: entriesOf(ctx.catalog.status(), name),
        error: null,
        next_allowed: null,
        since: null,
      });
      running.push(refreshing.then((outcome) => {
        results.set(name, finished(outcome));
        call.progress({
          subject: name,
          message: outcome.ok ? `${outcome.entries} entries` : "failed",
        });
      }));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(running),
      new Promise((resolve) => timer = setTimeout(resolve, wait_seconds * 1000)),
      new Promise((resolve) => call.signal.addEventListener("abort", resolve, { once: true })),
    ]);
    clearTimeout(timer);
    const status = catalog.status();
    const list = [...results.values()].map((r) =>
      r.status === "refreshed" || r.status === "failed"
        ? {
          ...r,
          next_allowed: status.find((s) => s.name === r.source)?.next_manual_refresh ?? null,
        }
        : r
    );
    return toolResult(describe(list, catalog.index.size), {
      results: list,
      catalog_entries: catalog.index.size,
    });
  },
});

function finished(outcome: RefreshOutcome): RefreshResult {
  return {
    source: outcome.source,
    status: outcome.ok ? "refreshed" : "failed",
    entries: outcome.entries,
    error: outcome.error,
    next_allowed: null,
    since: null,
  };
}

function entriesOf(status: { name: string; entries: number }[], name: string): number {
  return status.find((s) => s.name === name)?.entries ?? 0;
}

function describe(results: RefreshResult[], total: number): string {
  const lines = results.map((r) => {
    switch (r.status) {
      case "refreshed":
        return `- ${r.source}: refreshed, ${r.entries} entries.`;
      case "failed":
        return `- ${r.source}: FAILED (${r.error}); its last good ${r.entries} entries stay.`;
      case "rate_limited":
        return `- ${r.source}: not refreshed: ${
          r.since === "asked" ? "a refresh was asked for" : "it was refreshed"
        } less than the cooldown ago; next allowed at ${r.next_allowed}. It serves ` +
          `${r.entries} entries.`;
      case "running":
        return `- ${r.source}: still refreshing in the background; registry-status shows when ` +
          "it ends.";
    }
  });
  return [`The catalog holds ${total} servers.`, ...lines].join("\n");
}
