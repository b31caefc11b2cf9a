/**
 * Search quality on labelled agent queries over the real Docker catalog: recall@5 and MRR, on
 * the cases the ranking is tuned on (tests/search_quality_cases.ts), against MiniSearch with
 * default options over name and description as the yardstick, and on the held-out cases
 * (tests/search_quality_heldout_cases.ts), by kind.
 */
import { ok } from "node:assert/strict";
// Test-only: the reference our scoring is checked against, pinned in tests/deno.lock only.
// deno-lint-ignore no-import-prefix
import MiniSearch from "npm:minisearch@7.2.0";
import { CatalogIndex } from "../src/search/catalog_index.ts";
import { loadDockerServers } from "../src/sources/docker_registry.ts";
import { SEARCH_CASES } from "./search_quality_cases.ts";
import { HELD_OUT_CASES } from "./search_quality_heldout_cases.ts";
import { score, scoreByKind, scoreTable } from "./search_quality_score.ts";
import { DOCKER_FIXTURES as FIXTURES } from "./_helpers/fixtures.ts";

const { entries } = await loadDockerServers(FIXTURES);

Deno.test("registry search beats MiniSearch defaults on labelled agent queries", () => {
  const index = new CatalogIndex(entries);
  const ours = score(
    SEARCH_CASES,
    (q) => index.search(q, { limit: 10 }).hits.map((h) => h.entry.id),
  );

  const baseline = new MiniSearch({ fields: ["name", "description"] });
  baseline.addAll(entries.map((e) => ({ id: e.id, name: e.name, description: e.description })));
  const base = score(SEARCH_CASES, (q) => baseline.search(q).map((r) => r.id as string));

  const byKind = Object.groupBy(SEARCH_CASES, (c) => c.kind);
  const perKind = Object.entries(byKind).map(([kind, cases]) => {
    const s = score(cases!, (q) => index.search(q, { limit: 10 }).hits.map((h) => h.entry.id));
    return `${kind} ${s.recallAt5.toFixed(2)}/${s.mrr.toFixed(2)}`;
  });
  console.log(
    `${SEARCH_CASES.length} queries: ours recall@5 ${ours.recallAt5.toFixed(3)} MRR ${
      ours.mrr.toFixed(3)
    }; MiniSearch defaults ${base.recallAt5.toFixed(3)} / ${base.mrr.toFixed(3)}\n` +
      `by kind (recall@5/MRR): ${perKind.join(", ")}\nmisses:\n  ${ours.misses.join("\n  ")}`,
  );
  ok(ours.recallAt5 >= 0.9, `recall@5 ${ours.recallAt5} is below 0.90`);
  ok(ours.mrr >= 0.85, `MRR ${ours.mrr} is below 0.85`);
  ok(ours.recallAt5 > base.recallAt5 + 0.05, "not clearly better than MiniSearch defaults");
});

Deno.test("registry search finds what people mean on held-out cases, by kind", () => {
  const index = new CatalogIndex(entries);
  const byKind = scoreByKind(
    HELD_OUT_CASES,
    (q) => index.search(q, { limit: 10 }).hits.map((h) => h.entry.id),
  );
  console.log(
    `held-out:\n${scoreTable(byKind)}\nmisses:\n  ${byKind.get("all")!.misses.join("\n  ")}`,
  );
  // Floors a little under what the ranking reaches (README, "Search quality").
  const floors: Record<string, number> = {
    task: 0.9,
    name: 1,
    vendor: 0.85,
    category: 0.85,
    typo: 0.9,
  };
  for (const [kind, floor] of Object.entries(floors)) {
    const s = byKind.get(kind)!;
    ok(
      s.recallAt5 >= floor,
      `held-out ${kind} recall@5 ${s.recallAt5.toFixed(2)} is below ${floor}`,
    );
  }
});
