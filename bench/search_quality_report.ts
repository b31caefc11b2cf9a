/**
 * Prints search quality by kind on the tuned and the held-out cases, as Markdown tables, and
 * the misses: `deno run -A bench/search_quality_report.ts`.
 *
 * @module
 */
import { CatalogIndex } from "../src/search/catalog_index.ts";
import { loadDockerServers } from "../src/sources/docker_registry.ts";
import { DOCKER_FIXTURES } from "../tests/_helpers/fixtures.ts";
import { SEARCH_CASES } from "../tests/search_quality_cases.ts";
import { HELD_OUT_CASES } from "../tests/search_quality_heldout_cases.ts";
import { scoreByKind, scoreTable } from "../tests/search_quality_score.ts";

const { entries } = await loadDockerServers(DOCKER_FIXTURES);
const index = new CatalogIndex(entries);
const rank = (q: string) => index.search(q, { limit: 10 }).hits.map((h) => h.entry.id);
for (const [name, cases] of [["held-out", HELD_OUT_CASES], ["tuned", SEARCH_CASES]] as const) {
  const byKind = scoreByKind(cases, rank);
  console.log(`\n${name} (${cases.length} cases)\n${scoreTable(byKind)}`);
  if (Deno.args.includes("--misses")) console.log(byKind.get("all")!.misses.join("\n"));
}
