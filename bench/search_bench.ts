/**
 * Search over 10,000 entries: the real Docker catalog replicated (ids suffixed) to 10k.
 * Goal: p50 ≤ 1 ms and p99 ≤ 5 ms per query shape (printed first; `deno bench` has no p50).
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

/** p50 and p99 of 1,000 runs after 200 warm-up runs (`deno bench` shows p75 and p99 only). */
function percentiles(run: () => void): string {
  for (let i = 0; i < 200; i++) run();
  const times = Array.from({ length: 1000 }, () => {
    const start = performance.now();
    run();
    return performance.now() - start;
  }).sort((a, b) => a - b);
  const ms = (q: number) => `${(times[Math.floor(q * times.length)]! * 1000).toFixed(0)} µs`;
  return `p50 ${ms(0.5)}, p99 ${ms(0.99)}`;
}
const shapes: [string, () => void][] = [
  ...Object.entries(QUERIES).map(([label, query]): [string, () => void] => [
    `${label} "${query}"`,
    () => index.search(query, { limit: 10 }),
  ]),
  [
    "filtered",
    () => index.search("sql", { limit: 10, filters: { category: "database", official: true } }),
  ],
];
for (const [label, run] of shapes) console.log(`search 10k, ${label}: ${percentiles(run)}`);

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
