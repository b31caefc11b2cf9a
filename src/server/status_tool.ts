/**
 * `registry-status`: where each source stands and what the registry is serving.
 *
 * @module
 */
import type { AttachMode } from "../runtime/container_runtime.ts";
import { z } from "zod";
import { describeRunShare, runShare } from "../registry/catalog_status.ts";
import { defineTool, toolResult } from "./tool.ts";

const SourceStatusSchema = z.object({
  name: z.string(),
  location: z.string(),
  entries: z.number().int(),
  serving: z.enum(["nothing", "snapshot", "cache", "live"]),
  revision: z.string().nullable(),
  last_refresh: z.string().nullable(),
  last_attempt: z.string().nullable(),
  last_error: z.string().nullable(),
  next_refresh: z.string().describe(
    "When the registry refreshes this source by itself next: when it is due, or after failed " +
      "attempts when its wait ends.",
  ),
  failed_attempts: z.number().int().describe(
    "Failed refreshes in a row since the last successful one.",
  ),
  retry_at: z.string().nullable().describe(
    "Until when automatic refreshes wait after those failures (1, 5, 15, then every 60 minutes " +
      "by default); null: they do not wait. registry-refresh is not held back by it.",
  ),
  refreshing: z.boolean(),
  next_manual_refresh: z.string().nullable().describe(
    "When registry-refresh may refresh this source again (a cooldown from its last successful " +
      "refresh or the last refresh asked for); null: now.",
  ),
  load_errors: z.array(z.string()),
  entries_with_warnings: z.number().int(),
});

const SERVING_TEXT = {
  nothing: "nothing yet",
  snapshot: "the embedded snapshot",
  cache: "the cached catalog",
  live: "this session's refresh",
} as const;

export const statusTool = defineTool({
  name: "registry-status",
  title: "Registry status",
  description: "Catalog size, sources with refresh times and errors, approved folders.",
  input: z.object({}).strict(),
  output: z.object({
    version: z.string(),
    started_at: z.string(),
    uptime_seconds: z.number(),
    catalog_entries: z.number().int(),
    runnable: z.object({
      entries: z.number().int(),
      runnable: z.number().int(),
      percent: z.number(),
      by_kind: z.object({
        image: z.number().int(),
        package: z.number().int(),
        remote: z.number().int(),
        repository: z.number().int(),
        none: z.number().int(),
      }),
      verified: z.number().int(),
      failed: z.number().int(),
    }).describe(
      "Entries that name a way to run (an image, a package, a remote, or a repository to " +
        "build), by kind; verified: started here before; failed: the last start or build failed.",
    ),
    refresh_interval_hours: z.number(),
    cache_dir: z.string(),
    sources: z.array(SourceStatusSchema),
    servers: z.array(z.object({
      id: z.string(),
      state: z.enum(["starting", "running", "exited", "failed"]),
      last_error: z.string().nullable(),
    })).describe("Active servers (registry-active has the details)."),
    allowed_paths: z.array(z.string()).describe(
      "Host folders containers may mount; only a person adds one (mcp-registry config " +
        "allow-path FOLDER, or MCP_REGISTRY_ALLOWED_PATHS).",
    ),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const sources = ctx.catalog.status();
    const allowedPaths = await ctx.allowedPaths?.() ?? [];
    const data = {
      version: ctx.version,
      started_at: ctx.startedAt.toISOString(),
      uptime_seconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      catalog_entries: ctx.catalog.index.size,
      runnable: runShare(ctx.catalog.index.entries, ctx.runMarks?.all()),
      refresh_interval_hours: ctx.refreshIntervalHours,
      cache_dir: ctx.cacheDir,
      sources,
      servers: ctx.active.list().map((a) => ({
        id: a.id,
        state: a.state,
        last_error: a.last_error,
      })),
      allowed_paths: allowedPaths,
    };
    const lines = [
      `mcp-registry ${ctx.version}: ${data.catalog_entries} servers in the catalog.`,
      describeRunShare(data.runnable),
      ...sources.map((s) =>
        `- ${s.name} (${s.location}): ${s.entries} entries from ${SERVING_TEXT[s.serving]}` +
        `${s.revision ? ` @ ${s.revision.slice(0, 12)}` : ""}; last refresh ${
          s.last_refresh ?? "never"
        }; next ${s.refreshing ? "under way" : s.next_refresh}` +
        `${s.retry_at ? ` (waiting after ${s.failed_attempts} failed attempts)` : ""}` +
        `${s.last_error ? `; LAST ERROR: ${s.last_error}` : ""}` +
        `${s.next_manual_refresh ? `; registry-refresh allowed from ${s.next_manual_refresh}` : ""}`
      ),
      ...attachLine(ctx.active.runtime.attachStatus?.()),
      data.servers.length
        ? `Active servers: ${
          data.servers.map((a) => `${a.id} (${a.state}${a.last_error ? `: ${a.last_error}` : ""})`)
            .join(", ")
        }`
        : "No server is active.",
      allowedPaths.length
        ? `Host folders containers may mount: ${allowedPaths.join(", ")}`
        : "No host folder is approved for containers (a person approves one with: mcp-registry " +
          "config allow-path FOLDER).",
    ];
    return toolResult(lines.join("\n"), data);
  },
});

/** How servers attach, for a runtime that tells (said only when it is not the usual way). */
function attachLine(status: AttachMode | undefined): string[] {
  if (!status || status.mode === "service") return [];
  return [
    status.reason
      ? `Servers run with a podman client process each: the podman API service could not start ` +
        `(${status.reason}); it is tried again later.`
      : "Servers run with a podman client process each (MCP_REGISTRY_PODMAN_ATTACH=run).",
  ];
}
