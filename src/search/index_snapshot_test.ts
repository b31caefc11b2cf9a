import { deepEqual, equal, notEqual } from "node:assert/strict";
import { loadSnapshot } from "../catalog/snapshot.ts";
import { CatalogIndex, DEFAULT_BOOST } from "./catalog_index.ts";
import { processTerm, tokenize } from "./_text.ts";
import { indexFingerprint, restoreIndex, snapshotIndex } from "./index_snapshot.ts";

const { entries } = (await loadSnapshot("docker"))!;

Deno.test("restoreIndex() ranks as the index it was stored from", async () => {
  const built = new CatalogIndex(entries);
  const stored = JSON.parse(JSON.stringify(await snapshotIndex(built)));
  const restored = await restoreIndex(entries, stored);
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
});

Deno.test("restoreIndex() refuses an index of other settings or other entries", async () => {
  const stored = await snapshotIndex(new CatalogIndex(entries));
  equal(await restoreIndex(entries, { ...stored, fingerprint: "0000" }), null);
  equal(await restoreIndex(entries.slice(1), stored), null);
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
