/**
 * `registry-refresh` through a real MCP client: progress notifications, the per-source rate
 * limit (also across a restart), unknown and switched-off sources, and a refresh that goes on
 * in the background. The source is a scripted seam: what is tested is the tool and the catalog.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { CallToolResultSchema } from "../../src/mcp/sdk_client.ts";
import type { CatalogSource, RefreshContext, SourceSnapshot } from "../../src/sources/source.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

interface RefreshData {
  results: {
    source: string;
    status: string;
    entries: number;
    error: string | null;
    next_allowed: string | null;
  }[];
  catalog_entries: number;
}

/** A source named `official` that reports three steps and yields `count` entries. */
function steppingSource(
  count: () => number,
  gate?: Promise<void>,
): CatalogSource & { calls: number } {
  const source = {
    name: "official",
    location: "http://127.0.0.1/official",
    calls: 0,
    async refresh({ progress }: RefreshContext = {}): Promise<SourceSnapshot> {
      source.calls++;
      for (let page = 1; page <= 3; page++) {
        progress?.({ message: `page ${page}`, done: page * 10 });
      }
      await gate;
      const entries = Array.from(
        { length: count() },
        (_, i) => testEntry({ id: `official-${i}`, source: "official", sources: ["official"] }),
      );
      return { entries, revision: "r1", errors: [], warnings: [] };
    },
  };
  return source;
}

Deno.test("registry-refresh reports progress, then refuses a second refresh within the cooldown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "refresh-tool-" });
  try {
    const source = steppingSource(() => 3);
    {
      await using t = await openTestRegistry({ dir, sources: [source] });
      const steps: { progress: number; total?: number; message?: string }[] = [];
      const result = await t.client.callTool(
        { name: "registry-refresh", arguments: { source: "official" } },
        CallToolResultSchema,
        { onprogress: (p) => steps.push(p) },
      );
      ok(!result.isError, textOf(result as never));
      const data = result.structuredContent as unknown as RefreshData;
      deepEqual(data.results.map((r) => [r.source, r.status, r.entries]), [[
        "official",
        "refreshed",
        3,
      ]]);
      match(String(data.results[0]?.next_allowed), /^\d{4}-\d\d-\d\dT/);
      deepEqual(steps.map((s) => s.message), [
        "official: refresh started",
        "official: page 1",
        "official: page 2",
        "official: page 3",
        "official: 3 entries",
      ]);
      const progress = steps.map((s) => s.progress);
      ok(progress.every((p, i) => i === 0 || p > progress[i - 1]!), `progress grows: ${progress}`);

      const found = await t.call("registry-find", { query: "official-2", source: "official" });
      match(textOf(found), /official-2/);

      const again = await t.call("registry-refresh", { source: "official" });
      const second = again.structuredContent as unknown as RefreshData;
      equal(second.results[0]?.status, "rate_limited");
      match(textOf(again), /next allowed at \d{4}-/);
      equal(source.calls, 1);
    }
    // A restart does not reset the cooldown: it is counted from the stored last attempt.
    await using t = await openTestRegistry({ dir, sources: [source] });
    const afterRestart = await t.call("registry-refresh", { source: "OFFICIAL" });
    equal(
      (afterRestart.structuredContent as unknown as RefreshData).results[0]?.status,
      "rate_limited",
    );
    equal(source.calls, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("registry-refresh names unknown and switched-off sources, and the fix", async () => {
  await using t = await openTestRegistry({ sources: [steppingSource(() => 1)] });
  const unknown = await t.call("registry-refresh", { source: "smithery" });
  equal(unknown.isError, true);
  match(textOf(unknown), /Unknown source "smithery"; the sources are docker, official/);
  const off = await t.call("registry-refresh", { source: "awesome" });
  equal(off.isError, true);
  match(textOf(off), /"awesome" is switched off \(MCP_REGISTRY_SOURCES\)/);
  const bad = await t.call("registry-refresh", { wait_seconds: -1 });
  equal(bad.isError, true);
  match(textOf(bad), /wait_seconds/);
});

Deno.test("registry-refresh answers after wait_seconds while a slow refresh goes on", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const source = steppingSource(() => 2, gate);
  await using t = await openTestRegistry({
    sources: [source],
    env: { MCP_REGISTRY_REFRESH_COOLDOWN: "0" },
  });
  const result = await t.call("registry-refresh", { source: "official", wait_seconds: 0 });
  const data = result.structuredContent as unknown as RefreshData;
  equal(data.results[0]?.status, "running");
  match(textOf(result), /still refreshing in the background/);
  const status = await t.call("registry-status");
  const official =
    (status.structuredContent as { sources: { name: string; refreshing: boolean }[] })
      .sources.find((s) => s.name === "official");
  equal(official?.refreshing, true);
  release();
  const joined = await t.call("registry-refresh", { source: "official" });
  equal((joined.structuredContent as unknown as RefreshData).results[0]?.status, "refreshed");
  equal(source.calls, 1, "a call during a refresh joins it");
  const again = await t.call("registry-refresh", { source: "official" });
  equal((again.structuredContent as unknown as RefreshData).results[0]?.status, "refreshed");
  equal(source.calls, 2, "with no cooldown, the next call refreshes again");
});
