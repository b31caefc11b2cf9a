import { deepEqual, equal, match, ok } from "node:assert/strict";
import { silentLogger } from "../util/log.ts";
import type { CatalogSource, RefreshContext, SourceSnapshot } from "../sources/source.ts";
import { minimalEntry } from "../catalog/entry.ts";
import { CatalogStore } from "../store/catalog_store.ts";
import { Catalog } from "./catalog.ts";
import { loadSnapshot } from "../catalog/snapshot.ts";

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
    deepEqual(await catalog.permit("docker"), { allowed: true, next_allowed: null, since: null });
    await catalog.refresh("docker");
    now = new Date("2026-03-01T10:05:00Z");
    const restarted = await make();
    deepEqual(await restarted.permit("docker"), {
      allowed: false,
      next_allowed: "2026-03-01T10:15:00.000Z",
      since: "refreshed",
    });
    equal(
      restarted.status().find((s) => s.name === "docker")?.next_manual_refresh,
      "2026-03-01T10:15:00.000Z",
    );
    await restarted.refresh("local");
    deepEqual(
      await restarted.permit("local"),
      { allowed: true, next_allowed: null, since: null },
      "local files are cheap",
    );
    ok(restarted.isDue("local"), "local catalogs are read again at every check");
    now = new Date("2026-03-01T10:15:00Z");
    deepEqual(await restarted.permit("docker"), { allowed: true, next_allowed: null, since: null });
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
    const ids = () => [...catalog.index.table].map((e) => [e.id, e.repo_url]).sort();
    const expected = [
      ["alpha", repo("alpha")],
      ["beta", repo("beta")],
      ["beta-local", repo("x")],
    ];
    deepEqual(ids(), expected);
    await catalog.close();
    const restarted = await make();
    deepEqual([...restarted.index.table].map((e) => [e.id, e.repo_url]).sort(), expected);
    equal(restarted.index.get("io-github-o-beta"), undefined);
  });
});

/** A source named `name` that fails while `failing()` holds, else yields three entries. */
function flakySource(
  name: string,
  failing: () => boolean,
  cheap = false,
): CatalogSource & { calls: number } {
  const source = {
    name,
    location: `${name}-location`,
    cheap,
    calls: 0,
    refresh(): Promise<SourceSnapshot> {
      source.calls++;
      return failing()
        ? Promise.reject(new Error(`${name} is unreachable`))
        : Promise.resolve(some(3));
    },
  };
  return source;
}

/** A catalog over `sources` and `kv` on the clock `now`, loaded. */
async function clockedCatalog(
  kv: Deno.Kv,
  sources: CatalogSource[],
  now: () => Date,
  options: { autoRetry?: boolean; retryMinutes?: number[] } = {},
): Promise<Catalog> {
  const catalog = new Catalog({
    sources,
    store: new CatalogStore(kv),
    refreshIntervalHours: 24,
    log: silentLogger,
    now,
    cooldownMinutes: 15,
    ...options,
  });
  await catalog.load();
  return catalog;
}

Deno.test("Catalog backs off automatic refreshes of a failing source: 1, 5, 15, then every 60 minutes", async () => {
  await withKv(async (kv) => {
    let now = new Date("2026-03-01T10:00:00Z");
    let failing = true;
    const source = flakySource("docker", () => failing);
    const catalog = await clockedCatalog(kv, [source], () => now);
    const status = (of = catalog) => of.status()[0]!;
    equal((await catalog.refreshDue())[0]?.ok, false);
    equal(status().failed_attempts, 1);
    equal(status().retry_at, "2026-03-01T10:01:00.000Z");
    // No retry timer in this catalog: the first hourly check (minute 17) after the wait.
    equal(status().next_refresh, "2026-03-01T10:17:00.000Z");
    ok(catalog.isDue("docker"), "a failing source stays due; it only waits");

    now = new Date("2026-03-01T10:00:59Z");
    deepEqual(await catalog.refreshDue(), [], "still waiting");
    equal(source.calls, 1);

    const retries: [string, number, string | null][] = [];
    for (
      const at of [
        "2026-03-01T10:01:00Z",
        "2026-03-01T10:06:00Z",
        "2026-03-01T10:21:00Z",
        "2026-03-01T11:21:00Z",
      ]
    ) {
      now = new Date(at);
      // A new process each time: the wait is kept in the shared cache, not in memory.
      const restarted = await clockedCatalog(kv, [source], () => now);
      await restarted.refreshDue();
      retries.push([at, status(restarted).failed_attempts, status(restarted).retry_at]);
      now = new Date(now.getTime() + 30_000);
      deepEqual(await restarted.refreshDue(), [], `waits after the failure at ${at}`);
    }
    deepEqual(retries, [
      ["2026-03-01T10:01:00Z", 2, "2026-03-01T10:06:00.000Z"],
      ["2026-03-01T10:06:00Z", 3, "2026-03-01T10:21:00.000Z"],
      ["2026-03-01T10:21:00Z", 4, "2026-03-01T11:21:00.000Z"],
      ["2026-03-01T11:21:00Z", 5, "2026-03-01T12:21:00.000Z"],
    ]);
    equal(source.calls, 5);

    failing = false;
    now = new Date("2026-03-01T12:21:00Z");
    equal((await catalog.refreshDue())[0]?.ok, true, "the other catalog reads the wait too");
    equal(status().failed_attempts, 0);
    equal(status().retry_at, null);
    equal(status().next_refresh, "2026-03-02T13:17:00.000Z", "due again in 24 h, at minute 17");
  });
});

Deno.test("Catalog does not hold back a source that moved, nor the user's own files", async () => {
  await withKv(async (kv) => {
    const now = new Date("2026-03-01T10:00:00Z");
    const docker = flakySource("docker", () => true);
    const local = flakySource("local", () => true, true);
    const catalog = await clockedCatalog(kv, [local, docker], () => now);
    equal(local.calls, 1, "load reads the local files");
    await catalog.refreshDue();
    equal(docker.calls, 1);
    equal(local.calls, 1, "the check right after load does not read them again");
    await catalog.refreshDue();
    equal(local.calls, 2, "failing local files are read at every check");
    equal(catalog.status()[0]?.retry_at, null);
    equal(catalog.status()[1]?.failed_attempts, 1);

    const moved = flakySource("docker", () => false);
    Object.defineProperty(moved, "location", { value: "a-new-place" });
    const restarted = await clockedCatalog(kv, [moved], () => now);
    equal(restarted.status()[0]?.retry_at, null);
    deepEqual((await restarted.refreshDue()).map((o) => o.ok), [true], "fetched at once");
  });
});

Deno.test("Catalog counts the cooldown from a success or a refresh asked for, not a failed automatic attempt", async () => {
  await withKv(async (kv) => {
    let now = new Date("2026-03-01T10:00:00Z");
    let failing = true;
    const source = flakySource("official", () => failing);
    const catalog = await clockedCatalog(kv, [source], () => now);
    await catalog.refreshDue();
    const allowed = { allowed: true, next_allowed: null, since: null };
    deepEqual(await catalog.permit("official"), allowed, "the failed start-up refresh");

    now = new Date("2026-03-01T10:00:10Z");
    equal((await catalog.refresh("official")).ok, false);
    const refused = {
      allowed: false,
      next_allowed: "2026-03-01T10:15:10.000Z",
      since: "asked",
    };
    deepEqual(await catalog.permit("official"), refused);
    const other = await clockedCatalog(kv, [source], () => now);
    deepEqual(await other.permit("official"), refused, "another process sharing the cache");
    equal(catalog.status()[0]?.failed_attempts, 2, "a failure asked for counts for the backoff");
    equal(catalog.status()[0]?.next_manual_refresh, "2026-03-01T10:15:10.000Z");

    // An automatic success (the next day, once the network is back) starts the cooldown too.
    failing = false;
    now = new Date("2026-03-02T09:00:00Z");
    equal((await catalog.refreshDue())[0]?.ok, true);
    deepEqual(await catalog.permit("official"), {
      allowed: false,
      next_allowed: "2026-03-02T09:15:00.000Z",
      since: "refreshed",
    });
  });
});

Deno.test("Catalog starts the cooldown when someone joins an automatic refresh", async () => {
  await withKv(async (kv) => {
    const now = new Date("2026-03-01T10:00:00Z");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const source = new ScriptedSource(async () => {
      await gate;
      throw new Error("unreachable");
    });
    const catalog = await clockedCatalog(kv, [source], () => now);
    const automatic = catalog.refreshDue();
    while (!catalog.status()[0]!.refreshing) await new Promise((r) => setTimeout(r, 1));
    const asked = catalog.refresh("docker");
    release();
    await Promise.all([automatic, asked]);
    equal(source.calls, 1);
    equal((await catalog.permit("docker")).since, "asked");
  });
});

Deno.test("Catalog with autoRetry retries a failing source by itself when its wait ends", async () => {
  await withKv(async (kv) => {
    let failing = true;
    const source = flakySource("docker", () => failing);
    // 0.001 minutes: 60 ms. The catalog's own clock, so the timer fires for real.
    const catalog = await clockedCatalog(kv, [source], () => new Date(), {
      autoRetry: true,
      retryMinutes: [0.001],
    });
    try {
      await catalog.refreshDue();
      const first = catalog.status()[0]!;
      equal(first.failed_attempts, 1);
      equal(first.next_refresh, first.retry_at, "the timer retries at the end of the wait");
      failing = false;
      for (let i = 0; i < 100 && catalog.status()[0]!.serving !== "live"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const after = catalog.status()[0]!;
      equal(after.serving, "live", JSON.stringify(after));
      equal(after.failed_attempts, 0);
      equal(source.calls, 2);
    } finally {
      await catalog.close();
    }
  });
});

Deno.test("Catalog reads the index back from the cache on a restart with unchanged catalogs", async () => {
  await withKv(async (kv) => {
    const source = new ScriptedSource(() => Promise.resolve(some(40)));
    const first = await loadedCatalog(kv, source);
    equal(first.indexFromCache, false); // the embedded snapshot: built
    await first.refresh("docker");
    equal(first.indexFromCache, false);
    const ranked = (c: Catalog) => c.index.search("github").hits.map((h) => h.entry.id);
    const before = ranked(first);
    await first.close(); // waits for the merged catalog and its index to be stored
    const second = await loadedCatalog(kv, source);
    equal(second.indexFromCache, true);
    equal(second.index.size, 40);
    deepEqual(ranked(second), before);
    deepEqual(second.status()[0]?.entries, 40);
    // A new refresh of the source makes the stored index stale: built again, stored again.
    source.next = () => Promise.resolve(some(30));
    await second.refresh("docker");
    equal(second.indexFromCache, false);
    equal(second.index.size, 30);
    await second.close();
    const third = await loadedCatalog(kv, source);
    equal(third.indexFromCache, true);
    equal(third.index.size, 30);
    await third.close();
  });
});
