import { deepEqual, equal, notEqual } from "node:assert/strict";
import { loadSnapshot } from "../catalog/snapshot.ts";
import { CatalogIndex, DEFAULT_BOOST } from "./catalog_index.ts";
import { processTerm, tokenize } from "./_text.ts";
import { indexFingerprint, restoreIndex, snapshotIndex } from "./index_snapshot.ts";
import { EntryTable, type MemoryLines } from "./entry_table.ts";

const { entries } = (await loadSnapshot("docker"))!;

Deno.test("restoreIndex() ranks as the index it was stored from", async () => {
  const built = new CatalogIndex(entries);
  const { postings, ...json } = await snapshotIndex(built);
  // As the cache stores it: the JSON part through JSON, the bytes as bytes.
  const stored = { ...JSON.parse(JSON.stringify(json)), postings: postings.slice() };
  // As a start reads them back: the entries' stored lines, the index's JSON.
  const table = EntryTable.fromBytes(
    (built.table.lines as MemoryLines).bytes.slice(),
    entries.length,
  )!;
  const restored = await restoreIndex(table, stored);
  if (!restored) throw new Error("the stored index was not used");
  for (
    const query of [
      "github",
      "work with my github issues",
      "database",
      "slak",
      "kuberentes",
      "postgress",
      "remember things",
      "",
    ]
  ) {
    const ranked = (index: CatalogIndex) =>
      index.search(query, { limit: 10 }).hits.map((h) => [h.entry.id, h.score.toFixed(6)]);
    deepEqual(ranked(restored), ranked(built), query);
  }
  deepEqual(restored.list({ limit: 50 }), built.list({ limit: 50 }));
  deepEqual(restored.list({ filters: { tag: "git" } }), built.list({ filters: { tag: "git" } }));
  deepEqual(restored.entries, built.entries);
  deepEqual(restored.get(entries[3]!.id), entries[3]);
  deepEqual([...restored.table], entries);
});

Deno.test("restoreIndex() refuses an index of other settings or other entries", async () => {
  const built = new CatalogIndex(entries);
  const stored = await snapshotIndex(built);
  equal(await restoreIndex(built.table, { ...stored, fingerprint: "0000" }), null);
  equal(await restoreIndex(EntryTable.of(entries.slice(1)), stored), null);
  // A stored index whose parts do not fit its entries (torn, foreign or hand-edited).
  const broken = (index: Partial<typeof stored.index>) => ({
    ...stored,
    index: { ...stored.index, ...index },
  });
  equal(await restoreIndex(built.table, broken({ browse: stored.index.browse.slice(1) })), null);
  equal(
    await restoreIndex(built.table, broken({ idRank: stored.index.idRank.map(() => 0) })),
    null,
  );
  equal(
    await restoreIndex(
      built.table,
      broken({ entries: { ...stored.index.entries, rows: stored.index.entries.rows.slice(1) } }),
    ),
    null,
  );
  equal(
    await restoreIndex(
      built.table,
      broken({
        entries: {
          labels: stored.index.entries.labels,
          rows: stored.index.entries.rows.map((row) => [...row.slice(0, 8), 999]) as never,
        },
      }),
    ),
    null,
  );
});

Deno.test("indexFingerprint() changes with any index setting", async () => {
  const today = await indexFingerprint();
  equal(await indexFingerprint(), today);
  notEqual(await indexFingerprint({ boost: { ...DEFAULT_BOOST, names: 5 } }), today);
  notEqual(
    await indexFingerprint({ tokenize: (text) => tokenize(text).filter((t) => t.length > 1) }),
    today,
  );
  notEqual(await indexFingerprint({ processTerm: (term) => processTerm(term.slice(1)) }), today);
});
