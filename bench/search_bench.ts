/**
 * Search over 10,000 entries: the real Docker catalog replicated (ids suffixed) to 10k.
 * Goal: p50 ≤ 1 ms per query.
 */
import { CatalogIndex } from "../src/search/catalog_index.ts";
import { loadDockerServers } from "../src/sources/docker_registry.ts";
import type { CatalogEntry } from "../src/catalog/entry.ts";
import { QUERIES } from "./_queries.ts";
import { DOCKER_FIXTURES as FIXTURES } from "../tests/_helpers/fixtures.ts";

const { entries } = await loadDockerServers(FIXTURES);

/** `count` entries made of copies of the real ones, each copy with its own id. */
function replicate(base: readonly CatalogEntry[], count: number): CatalogEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const entry = base[i % base.length]!;
    const copy = Math.floor(i / base.length);
    return copy === 0
      ? entry
      : { ...entry, id: `${entry.id}-${copy}`, name: `${entry.name}-${copy}` };
  });
}

const big = replicate(entries, 10_000);
const index = new CatalogIndex(big);

for (const [label, query] of Object.entries(QUERIES)) {
  Deno.bench(`search 10k: ${label} "${query}"`, { group: "search" }, () => {
    index.search(query, { limit: 10 });
  });
}
Deno.bench("search 10k: filtered (category=database, official)", { group: "search" }, () => {
  index.search("sql", { limit: 10, filters: { category: "database", official: true } });
});
Deno.bench("search 10k: empty query, browse", { group: "search" }, () => {
  index.search("", { limit: 10 });
});
Deno.bench("build the index of 10k entries", { group: "index", n: 5, warmup: 1 }, () => {
  new CatalogIndex(big);
});
