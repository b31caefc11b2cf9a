import { deepEqual, equal } from "node:assert/strict";
import type { CatalogEntry } from "../catalog/entry.ts";
import { loadSnapshot } from "../catalog/snapshot.ts";
import { CatalogStore, type SourceState } from "./catalog_store.ts";
import { EntryTable, MemoryLines } from "../search/entry_table.ts";

const snapshot = (await loadSnapshot("docker"))!;

async function withStore(fn: (store: CatalogStore, kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(new CatalogStore(kv), kv);
  } finally {
    kv.close();
  }
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

Deno.test("CatalogStore round-trips the whole real catalog across many chunks", async () => {
  await withStore(async (store, kv) => {
    equal(await store.loadEntries("docker"), null);
    await store.saveEntries("docker", snapshot.entries, "abc123");
    const loaded = await store.loadEntries("docker");
    deepEqual(loaded?.entries, snapshot.entries);
    equal(loaded?.revision, "abc123");
    const chunks = await countKeys(kv, ["catalog", "docker"]) - 1;
    equal(chunks, Math.ceil(MemoryLines.of(snapshot.entries).bytes.length / 60_000));
  });
});

Deno.test("CatalogStore stores lists as JSON lines, and still reads the one array of before", async () => {
  await withStore(async (store, kv) => {
    const entries = snapshot.entries.slice(0, 5); // one chunk
    await store.saveEntries("docker", entries, "lines");
    const meta = (await kv.get<Record<string, unknown>>(["catalog", "docker", "meta"])).value!;
    const chunk = (await kv.get<Uint8Array>(["catalog", "docker", meta.generation as string, 0]))
      .value!;
    const text = new TextDecoder().decode(chunk);
    deepEqual(text.split("\n").slice(0, -1).map((l) => JSON.parse(l)), entries);
    // As an earlier version left it: one JSON array, no line ends.
    const array = new TextEncoder().encode(JSON.stringify(entries));
    await kv.set(["catalog", "docker", "older", 0], array);
    await kv.set(["catalog", "docker", "meta"], { ...meta, generation: "older", chunks: 1 });
    deepEqual((await store.loadEntries("docker"))?.entries, entries);
    await kv.set(["catalog", "docker", "meta"], { ...meta, generation: "older", count: 4 });
    equal(await store.loadEntries("docker"), null, "another count");
  });
});

Deno.test("CatalogStore keeps one generation and sweeps the replaced one", async () => {
  await withStore(async (store, kv) => {
    await store.saveEntries("docker", snapshot.entries, "one");
    const first = await countKeys(kv, ["catalog", "docker"]);
    const fewer: CatalogEntry[] = snapshot.entries.slice(0, 3);
    await store.saveEntries("docker", fewer, "two");
    deepEqual((await store.loadEntries("docker"))?.entries, fewer);
    equal(await countKeys(kv, ["catalog", "docker"]), 2, "meta and one chunk");
    equal(first > 2, true);
  });
});

Deno.test("CatalogStore serves the old catalog when a save died before switching", async () => {
  await withStore(async (store, kv) => {
    await store.saveEntries("docker", snapshot.entries.slice(0, 5), "old");
    // A save that wrote chunks of a new generation and then died: no meta switch.
    await kv.set(["catalog", "docker", "dead-generation", 0], new Uint8Array([1, 2, 3]));
    equal((await store.loadEntries("docker"))?.revision, "old");
    // The next save sweeps the leftovers.
    await store.saveEntries("docker", snapshot.entries.slice(0, 2), "new");
    equal(await countKeys(kv, ["catalog", "docker", "dead-generation"]), 0);
  });
});

Deno.test("CatalogStore treats a torn or older-format cache as empty", async () => {
  await withStore(async (store, kv) => {
    await store.saveEntries("docker", snapshot.entries, "r");
    const meta = (await kv.get<Record<string, unknown>>(["catalog", "docker", "meta"])).value!;
    await kv.delete(["catalog", "docker", meta.generation as string, 1]);
    equal(await store.loadEntries("docker"), null);
    await kv.set(["catalog", "docker", "meta"], { ...meta, format: 0 });
    equal(await store.loadEntries("docker"), null);
  });
});

Deno.test("CatalogStore keeps the refresh state of each source apart", async () => {
  await withStore(async (store) => {
    deepEqual(await store.getState("docker"), {
      refreshed_at: null,
      attempted_at: null,
      last_error: null,
      revision: null,
    });
    await store.updateState("docker", { last_error: "boom", attempted_at: "t1" });
    await store.updateState("docker", { refreshed_at: "t2" });
    deepEqual(await store.getState("docker"), {
      refreshed_at: "t2",
      attempted_at: "t1",
      last_error: "boom",
      revision: null,
    });
    equal((await store.getState("other")).last_error, null);
  });
});

Deno.test("CatalogStore applies a function patch to the state another process just wrote", async () => {
  const dir = await Deno.makeTempDir();
  const a = await Deno.openKv(`${dir}/catalog.kv`);
  const b = await Deno.openKv(`${dir}/catalog.kv`);
  try {
    const [storeA, storeB] = [new CatalogStore(a), new CatalogStore(b)];
    const fail = (current: SourceState) => ({
      backoff: {
        failures: (current.backoff?.failures ?? 0) + 1,
        retry_at: "t",
        location: "here",
      },
    });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? storeA : storeB).updateState("docker", fail)),
    );
    equal((await storeA.getState("docker")).backoff?.failures, 6, "no failure is lost");
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CatalogStore stays whole when two processes save and read one file at once", async () => {
  const dir = await Deno.makeTempDir();
  const a = await Deno.openKv(`${dir}/catalog.kv`);
  const b = await Deno.openKv(`${dir}/catalog.kv`);
  try {
    const [storeA, storeB] = [new CatalogStore(a), new CatalogStore(b)];
    await storeA.saveEntries("docker", snapshot.entries, "first");
    const saves: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      saves.push(storeA.saveEntries("docker", snapshot.entries, `a${i}`));
      saves.push(storeB.saveEntries("docker", snapshot.entries.slice(0, 100), `b${i}`));
    }
    const reads: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      reads.push(
        (i % 2 ? storeA : storeB).loadEntries("docker").then((loaded) => {
          if (loaded === null) throw new Error("a reader saw a torn cache");
          equal(loaded.entries.length, loaded.revision!.startsWith("b") ? 100 : 328);
        }),
      );
    }
    await Promise.all([...saves, ...reads]);
    const final = await storeB.loadEntries("docker");
    equal(final?.entries.length, final?.revision?.startsWith("b") ? 100 : 328);
    const generations = new Set<string>();
    for await (const item of a.list({ prefix: ["catalog", "docker"] })) {
      if (item.key[2] !== "meta") generations.add(String(item.key[2]));
    }
    equal(generations.size, 1, "only the current generation is left");
  } finally {
    a.close();
    b.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the merged catalog and its index go to a file of the cache, lines read one at a time", async () => {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(":memory:");
  try {
    const entries = snapshot.entries.slice(0, 50);
    const table = EntryTable.of(entries);
    const store = new CatalogStore(kv, dir);
    const merged = {
      lines: table.lines as MemoryLines,
      index: { any: "json" },
      binary: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    };
    // What an older version left in Kv (the index there, beside its lines) goes.
    await new CatalogStore(kv).saveMerged("key-0", merged);
    const saved = (await store.saveMerged("key-1", merged))!;
    for (const part of ["#index", "#index-bytes"]) {
      deepEqual(await Array.fromAsync(kv.list({ prefix: ["catalog", part] })), [], part);
    }
    try {
      equal(saved instanceof MemoryLines, false, "the saved lines come back from their file");
      equal(table.switchTo(saved), true);
      deepEqual([...table], entries);
    } finally {
      saved.close?.();
    }
    const files = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    equal(files.length, 1);
    const loaded = (await store.loadMerged<{ any: string }>("key-1"))!;
    try {
      equal(loaded.lines instanceof MemoryLines, false, "read from the file, not from Kv");
      deepEqual([...EntryTable.over(loaded.lines)], entries);
      deepEqual(loaded.index, { any: "json" });
      deepEqual(loaded.binary, merged.binary);
      equal(await store.loadMerged("key-2"), null, "made from something else");
    } finally {
      loaded.lines.close?.();
    }
    // The file gone (a cleared cache): the catalog is merged again, not served half.
    await Deno.remove(`${dir}/${files[0]}`);
    equal(await store.loadMerged("key-1"), null);
    // A store without a folder keeps the lines in Kv, as before.
    const inKv = new CatalogStore(kv);
    equal(await inKv.saveMerged("key-3", merged), null);
    deepEqual([...EntryTable.over((await inKv.loadMerged("key-3"))!.lines)], entries);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
