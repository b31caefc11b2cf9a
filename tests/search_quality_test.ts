/**
 * Search quality on labelled agent queries (tests/search_quality_cases.ts) over the real
 * Docker catalog: recall@5 and MRR, for our index and, as the yardstick, MiniSearch with
 * default options over name and description.
 */
import { ok } from "node:assert/strict";
import MiniSearch from "minisearch";
import { CatalogIndex } from "../src/search/catalog_index.ts";
import { loadDockerServers } from "../src/sources/docker_registry.ts";
import { SEARCH_CASES, type SearchCase } from "./search_quality_cases.ts";
import { DOCKER_FIXTURES as FIXTURES } from "./_helpers/fixtures.ts";

interface Score {
  recallAt5: number;
  mrr: number;
  misses: string[];
}

function score(cases: SearchCase[], rank: (query: string) => string[]): Score {
  let hits = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const c of cases) {
    const ids = rank(c.query).slice(0, 10);
    const first = ids.findIndex((id) => c.relevant.includes(id));
    if (first >= 0 && first < 5) hits++;
    else misses.push(`${c.kind} "${c.query}" → ${ids.slice(0, 5).join(", ") || "(nothing)"}`);
    if (first >= 0) reciprocal += 1 / (first + 1);
  }
  return { recallAt5: hits / cases.length, mrr: reciprocal / cases.length, misses };
}

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
