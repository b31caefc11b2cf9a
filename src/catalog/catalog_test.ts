import { deepEqual, equal, match, ok } from "node:assert/strict";
import { silentLogger } from "../log.ts";
import type { CatalogSource, SourceSnapshot } from "../sources/source.ts";
import { CatalogStore } from "../store/catalog_store.ts";
import { Catalog } from "./catalog.ts";
import { loadSnapshot } from "./snapshot.ts";

const snapshot = (await loadSnapshot("docker"))!;

/** A source seam: returns what the test says, counting calls. */
class ScriptedSource implements CatalogSource {
  readonly name = "docker";
  readonly location = "scripted";
  calls = 0;
  constructor(public next: () => Promise<SourceSnapshot>) {}
  refresh(): Promise<SourceSnapshot> {
    this.calls++;
    return this.next();
  }
}

const some = (n: number): SourceSnapshot => ({
  entries: snapshot.entries.slice(0, n),
  revision: `rev-${n}`,
  errors: [],
  warnings: [],
});

/** A catalog over `source` with a 24 h interval, loaded. */
async function loadedCatalog(kv: Deno.Kv, source: CatalogSource): Promise<Catalog> {
  const catalog = new Catalog({
    sources: [source],
    store: new CatalogStore(kv),
    refreshIntervalHours: 24,
    log: silentLogger,
  });
  await catalog.load();
  return catalog;
}

async function withKv(fn: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

Deno.test("Catalog refreshes a source only when its last refresh is older than the interval", async () => {
  await withKv(async (kv) => {
    let now = new Date("2026-01-01T00:00:00Z");
    const source = new ScriptedSource(() => Promise.resolve(some(4)));
    const make = () =>
      new Catalog({
        sources: [source],
        store: new CatalogStore(kv),
        refreshIntervalHours: 24,
        log: silentLogger,
        now: () => now,
      });
    const catalog = make();
    await catalog.load();
    deepEqual((await catalog.refreshDue()).map((o) => o.ok), [true]);
    equal(source.calls, 1);

    now = new Date("2026-01-01T23:00:00Z");
    const restarted = make();
    await restarted.load();
    equal(restarted.status()[0]!.serving, "cache");
    deepEqual(await restarted.refreshDue(), [], "23 h later nothing is due, across a restart");
    // Due at 00:00 on the 2nd; the hourly check runs at minute 17.
    equal(restarted.status()[0]!.next_refresh, "2026-01-02T00:17:00.000Z");

    now = new Date("2026-01-02T00:00:01Z");
    equal(restarted.isDue("docker"), true);
    await restarted.refreshDue();
    equal(source.calls, 2);
  });
});

Deno.test("Catalog joins a refresh already under way", async () => {
  await withKv(async (kv) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    const source = new ScriptedSource(async () => {
      await gate;
      return some(2);
    });
    const catalog = await loadedCatalog(kv, source);
    const a = catalog.refresh("docker");
    const b = catalog.refresh("docker");
    equal(catalog.status()[0]!.refreshing, true);
    release();
    deepEqual(await a, await b);
    equal(source.calls, 1);
    equal(catalog.status()[0]!.refreshing, false);
  });
});

Deno.test("Catalog refuses an empty refresh and keeps serving what it had", async () => {
  await withKv(async (kv) => {
    const source = new ScriptedSource(() =>
      Promise.resolve({ ...some(0), errors: ["servers/x/server.yaml: broken"] })
    );
    const catalog = await loadedCatalog(kv, source);
    const outcome = await catalog.refresh("docker");
    equal(outcome.ok, false);
    match(outcome.error!, /no entries.*servers\/x/);
    equal(catalog.index.size, snapshot.entries.length);
    equal(catalog.status()[0]!.serving, "snapshot");
    ok(catalog.isDue("docker"), "a failed refresh leaves the source due");
  });
});

Deno.test("Catalog serves the snapshot when the cache cannot be read", async () => {
  const kv = await Deno.openKv(":memory:");
  kv.close(); // every read now throws
  const catalog = new Catalog({
    sources: [new ScriptedSource(() => Promise.resolve(some(1)))],
    store: new CatalogStore(kv),
    refreshIntervalHours: 24,
    log: silentLogger,
  });
  await catalog.load();
  equal(catalog.status()[0]!.serving, "snapshot");
  equal(catalog.index.size, snapshot.entries.length);
});

Deno.test("Catalog is due while it serves the snapshot, and when the source moved", async () => {
  await withKv(async (kv) => {
    const source = new ScriptedSource(() => Promise.resolve(some(30)));
    const catalog = await loadedCatalog(kv, source);
    equal(catalog.status()[0]!.serving, "snapshot");
    ok(catalog.isDue("docker"), "the snapshot is never a refresh of its own");
    await catalog.refresh("docker");
    equal(catalog.isDue("docker"), false);

    const moved = new ScriptedSource(() => Promise.resolve(some(30)));
    Object.defineProperty(moved, "location", { value: "somewhere-else" });
    const restarted = await loadedCatalog(kv, moved);
    equal(restarted.status()[0]!.serving, "cache");
    ok(restarted.isDue("docker"), "a new MCP_REGISTRY_DOCKER_REPO is fetched at once");
  });
});

Deno.test("Catalog refuses a refresh that loses more than half of its own entries", async () => {
  await withKv(async (kv) => {
    let size = 300;
    const source = new ScriptedSource(() => Promise.resolve(some(size)));
    const catalog = await loadedCatalog(kv, source);
    equal((await catalog.refresh("docker")).ok, true);
    size = 120;
    const shrunk = await catalog.refresh("docker");
    equal(shrunk.ok, false);
    match(shrunk.error!, /yielded 120 entries where it had 300/);
    equal(catalog.index.size, 300);
    size = 200;
    equal((await catalog.refresh("docker")).ok, true, "a smaller but plausible catalog is taken");
  });
});

Deno.test("Catalog takes a newer catalog another process refreshed into the shared cache", async () => {
  await withKv(async (kv) => {
    const mine = new ScriptedSource(() => Promise.resolve(some(30)));
    const theirs = new ScriptedSource(() => Promise.resolve(some(40)));
    const a = await loadedCatalog(kv, mine);
    const b = await loadedCatalog(kv, theirs);
    await a.refresh("docker");
    deepEqual(await b.refreshDue(), [], "b finds a's fresh refresh and does not fetch");
    equal(theirs.calls, 0);
    equal(b.index.size, 30);
    equal(b.status()[0]!.serving, "cache");
  });
});
