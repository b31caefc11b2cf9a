import { deepEqual, equal, match, ok } from "node:assert/strict";
import { silentLogger } from "../log.ts";
import type { CatalogSource, RefreshContext, SourceSnapshot } from "../sources/source.ts";
import { minimalEntry } from "./entry.ts";
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

/** A source with a name, whose refresh records what it was handed. */
function recordingSource(
  name: string,
  make: (context: RefreshContext) => SourceSnapshot,
  cheap = false,
): CatalogSource & { contexts: RefreshContext[] } {
  const contexts: RefreshContext[] = [];
  return {
    name,
    location: `${name}-location`,
    cheap,
    contexts,
    refresh(context = {}) {
      contexts.push(context);
      context.progress?.({ message: "halfway", done: 1, total: 2 });
      return Promise.resolve(make(context));
    },
  };
}

Deno.test("Catalog rate-limits manual refreshes per source, across a restart", async () => {
  await withKv(async (kv) => {
    let now = new Date("2026-03-01T10:00:00Z");
    const docker = recordingSource("docker", () => some(3));
    const local = recordingSource("local", () => some(2), true);
    const make = async () => {
      const catalog = new Catalog({
        sources: [local, docker],
        store: new CatalogStore(kv),
        refreshIntervalHours: 24,
        log: silentLogger,
        now: () => now,
        cooldownMinutes: 15,
      });
      await catalog.load();
      return catalog;
    };
    const catalog = await make();
    deepEqual(await catalog.permit("docker"), { allowed: true, next_allowed: null });
    await catalog.refresh("docker");
    now = new Date("2026-03-01T10:05:00Z");
    const restarted = await make();
    deepEqual(await restarted.permit("docker"), {
      allowed: false,
      next_allowed: "2026-03-01T10:15:00.000Z",
    });
    equal(
      restarted.status().find((s) => s.name === "docker")?.next_manual_refresh,
      "2026-03-01T10:15:00.000Z",
    );
    await restarted.refresh("local");
    deepEqual(
      await restarted.permit("local"),
      { allowed: true, next_allowed: null },
      "local files are cheap",
    );
    ok(restarted.isDue("local"), "local catalogs are read again at every check");
    now = new Date("2026-03-01T10:15:00Z");
    deepEqual(await restarted.permit("docker"), { allowed: true, next_allowed: null });
  });
});

Deno.test("Catalog hands a source its last good refresh and keeps the cursor it returns", async () => {
  await withKv(async (kv) => {
    let now = new Date("2026-03-01T10:00:00Z");
    const source = recordingSource("official", (context) => ({
      ...some(context.previous ? 5 : 4),
      cursor: `through-${context.previous?.entries.length ?? 0}`,
    }));
    const make = async () => {
      const catalog = new Catalog({
        sources: [source],
        store: new CatalogStore(kv),
        refreshIntervalHours: 24,
        log: silentLogger,
        now: () => now,
      });
      await catalog.load();
      return catalog;
    };
    const steps: string[] = [];
    await (await make()).refresh("official", { progress: (s) => steps.push(s.message) });
    equal(source.contexts[0]?.previous, null, "the first refresh is a full one");
    deepEqual(steps, ["halfway"]);
    now = new Date("2026-03-02T11:00:00Z");
    const restarted = await make();
    await restarted.refreshDue();
    const previous = source.contexts[1]?.previous;
    equal(previous?.entries.length, 4);
    equal(previous?.cursor, "through-0");
    equal(previous?.refreshedAt, "2026-03-01T10:00:00.000Z");
    equal(restarted.status()[0]?.entries, 5);
  });
});

Deno.test("Catalog merges its sources and keeps merged ids across a restart", async () => {
  await withKv(async (kv) => {
    const repo = (id: string) => `https://github.com/o/${id}`;
    let localEntries = [minimalEntry({ id: "alpha", source: "local", repo_url: repo("alpha") })];
    const local = recordingSource("local", () => ({ ...some(0), entries: localEntries }));
    const official = recordingSource("official", () => ({
      ...some(0),
      entries: [
        minimalEntry({
          id: "alpha",
          name: "io.github.o/alpha",
          source: "official",
          repo_url: repo("alpha"),
        }),
        minimalEntry({
          id: "beta",
          name: "io.github.o/beta",
          source: "official",
          repo_url: repo("beta"),
        }),
      ],
    }));
    const make = async () => {
      const catalog = new Catalog({
        sources: [local, official],
        store: new CatalogStore(kv),
        refreshIntervalHours: 24,
        log: silentLogger,
      });
      await catalog.load();
      return catalog;
    };
    const catalog = await make();
    await catalog.refresh("official");
    await catalog.refresh("local");
    deepEqual(catalog.index.get("alpha")?.sources, ["local", "official"]);
    deepEqual(catalog.index.get("beta")?.sources, ["official"]);
    // A newcomer of the first source called beta, another server: the old beta keeps its id.
    localEntries = [
      ...localEntries,
      minimalEntry({ id: "beta", source: "local", repo_url: repo("x") }),
    ];
    await catalog.refresh("local");
    const ids = () => catalog.index.entries.map((e) => [e.id, e.repo_url]).sort();
    const expected = [
      ["alpha", repo("alpha")],
      ["beta", repo("beta")],
      ["beta-local", repo("x")],
    ];
    deepEqual(ids(), expected);
    await catalog.close();
    const restarted = await make();
    deepEqual(restarted.index.entries.map((e) => [e.id, e.repo_url]).sort(), expected);
    equal(restarted.index.get("io-github-o-beta"), undefined);
  });
});
