/**
 * `registry-refresh` through a real MCP client: progress notifications, the per-source rate
 * limit (also across a restart), unknown and switched-off sources, a refresh that goes on in
 * the background, and a failing source's automatic backoff, which does not hold back a refresh
 * asked for. The sources are a scripted seam and the real Docker source over a git path that
 * does not exist: what is tested is the tool and the catalog.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { CallToolResultSchema } from "../../src/mcp/sdk_client.ts";
import type { CatalogSource, RefreshContext, SourceSnapshot } from "../../src/sources/source.ts";
import {
  eventually,
  openTestRegistry,
  testEntry,
  type TestRegistry,
  textOf,
} from "../_helpers/registry.ts";

interface RefreshData {
  results: {
    source: string;
    status: string;
    entries: number;
    error: string | null;
    next_allowed: string | null;
    since: string | null;
  }[];
  catalog_entries: number;
}

interface SourceRow {
  name: string;
  last_attempt: string | null;
  last_error: string | null;
  next_refresh: string;
  failed_attempts: number;
  retry_at: string | null;
  next_manual_refresh: string | null;
}

/** The `registry-status` row of `name`. */
async function sourceRow(t: TestRegistry, name: string): Promise<SourceRow> {
  const status = await t.call("registry-status");
  const rows = (status.structuredContent as { sources: SourceRow[] }).sources;
  return rows.find((s) => s.name === name)!;
}

/** The first result of a `registry-refresh` call. */
async function refreshOne(t: TestRegistry, source: string) {
  const result = await t.call("registry-refresh", { source });
  return { row: (result.structuredContent as unknown as RefreshData).results[0]!, result };
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

Deno.test("after a failed start-up refresh, registry-refresh may refresh at once; automatic retries wait on their backoff", async () => {
  // openTestRegistry's Docker source is a git path that does not exist: every refresh fails.
  const dir = await Deno.makeTempDir({ prefix: "refresh-backoff-" });
  try {
    {
      await using t = await openTestRegistry({ dir });
      const [startUp] = await t.registry.catalog.refreshDue(); // what a start does
      equal(startUp?.ok, false);
      const failed = await sourceRow(t, "docker");
      equal(failed.failed_attempts, 1);
      ok(failed.retry_at !== null && failed.retry_at > failed.last_attempt!, failed.retry_at!);
      equal(failed.next_refresh, failed.retry_at, "its own retry, not the hourly check");
      equal(failed.next_manual_refresh, null, "a failed automatic attempt starts no cooldown");

      const asked = await refreshOne(t, "docker");
      equal(asked.row.status, "failed", textOf(asked.result));
      match(String(asked.row.error), /nonexistent/);
      match(String(asked.row.next_allowed), /^\d{4}-/, "this one starts the cooldown");

      deepEqual(await t.registry.catalog.refreshDue(), [], "the automatic retry waits");
      const waiting = await sourceRow(t, "docker");
      equal(waiting.failed_attempts, 2);
      ok(waiting.retry_at! > failed.retry_at!, `${waiting.retry_at} after ${failed.retry_at}`);
      equal(waiting.next_manual_refresh, asked.row.next_allowed);

      const again = await refreshOne(t, "docker");
      equal(again.row.status, "rate_limited");
      equal(again.row.since, "asked");
      match(textOf(again.result), /a refresh was asked for less than the cooldown ago/);
    }
    // A restart keeps both: the backoff and the cooldown live in the cache.
    await using t = await openTestRegistry({ dir });
    deepEqual(await t.registry.catalog.refreshDue(), [], "a restart does not retry at once");
    equal((await sourceRow(t, "docker")).failed_attempts, 2);
    equal((await refreshOne(t, "docker")).row.status, "rate_limited");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a running registry retries a failing source by itself when its backoff ends", async () => {
  // MCP_REGISTRY_REFRESH_RETRY: 0.005 minutes (0.3 s), then 600 (no third try in this test).
  await using t = await openTestRegistry({ env: { MCP_REGISTRY_REFRESH_RETRY: "0.005,600" } });
  await t.registry.catalog.refreshDue();
  equal((await sourceRow(t, "docker")).failed_attempts, 1);
  ok(
    await eventually(async () => (await sourceRow(t, "docker")).failed_attempts === 2),
    "retried without being asked",
  );
  const row = await sourceRow(t, "docker");
  equal(row.next_refresh, row.retry_at);
  equal(row.next_manual_refresh, null, "the retries start no cooldown");
});
