/**
 * The five sources from local fixtures: a full refresh of every source (git clones of the Docker
 * registry and the awesome list, the official registry's 358 camelCase servers through a fake of
 * its API, 9,000 servers of a fake mcpservers.org (300 listing pages plus their server pages), and
 * a local catalog file), then search over the merged catalog of about 10,000 entries.
 * Goals: search p50 ≤ 1 ms; a full refresh measured, not bounded.
 */
import { Catalog } from "../src/registry/catalog.ts";
import { readConfig } from "../src/config.ts";
import { silentLogger } from "../src/util/log.ts";
import { configuredSources } from "../src/registry/configured_sources.ts";
import { CatalogStore } from "../src/store/catalog_store.ts";
import { createAwesomeFixture } from "../tests/_helpers/awesome_fixture.ts";
import { createGitFixture } from "../tests/_helpers/git_fixture.ts";
import {
  camelCaseRows,
  startOfficialRegistryFake,
} from "../tests/_helpers/official_registry_fake.ts";
import { QUERIES } from "./_queries.ts";
import { startSpreadSite } from "./_cached_10k.ts";

const docker = await createGitFixture();
const awesome = await createAwesomeFixture();
const official = startOfficialRegistryFake({ servers: camelCaseRows() });
const site = startSpreadSite();
const dir = await Deno.makeTempDir({ prefix: "mcp-registry-sources-bench-" });
await Deno.writeTextFile(
  `${dir}/mine.yaml`,
  "name: mine\nimage: ghcr.io/me/mine:1\ntype: server\nabout:\n  title: Mine\n",
);
const config = readConfig({
  HOME: dir,
  MCP_REGISTRY_CACHE_DIR: `${dir}/cache`,
  MCP_REGISTRY_DOCKER_REPO: docker.repo,
  MCP_REGISTRY_AWESOME_REPO: awesome.repo,
  MCP_REGISTRY_OFFICIAL_URL: official.url,
  MCP_REGISTRY_MCPSERVERS_URL: site.url,
  MCP_REGISTRY_CATALOGS: `${dir}/mine.yaml`,
});

let run = 0;
/** A catalog with an empty cache and fresh clones: every refresh is a full one. */
async function freshCatalog(): Promise<{ catalog: Catalog; kv: Deno.Kv }> {
  run++;
  const kv = await Deno.openKv(":memory:");
  const sources = configuredSources({ ...config, sourcesDir: `${dir}/sources-${run}` });
  const catalog = new Catalog({
    sources,
    store: new CatalogStore(kv),
    refreshIntervalHours: 24,
    log: silentLogger,
  });
  await catalog.load();
  return { catalog, kv };
}

// One refresh up front: the merged catalog the search benchmarks use, and a check that every
// source delivered.
const { catalog: merged } = await freshCatalog();
const outcomes = await merged.refreshDue();
for (const outcome of outcomes) {
  if (!outcome.ok) throw new Error(`${outcome.source} failed: ${outcome.error}`);
}
const index = merged.index;
console.log(
  `merged catalog: ${index.size} entries from ${
    outcomes.map((o) => `${o.source} ${o.entries}`).join(", ")
  }`,
);

Deno.bench("full refresh of all five sources from local fixtures", {
  group: "refresh",
  n: 3,
  warmup: 0,
}, async () => {
  const { catalog, kv } = await freshCatalog();
  const results = await catalog.refreshDue();
  if (results.some((r) => !r.ok)) throw new Error("a source failed");
  await catalog.close();
  kv.close();
});

for (const [label, query] of Object.entries(QUERIES)) {
  Deno.bench(`search merged ${index.size}: ${label} "${query}"`, { group: "search" }, () => {
    index.search(query, { limit: 10 });
  });
}
Deno.bench(`search merged ${index.size}: source=official filter`, { group: "search" }, () => {
  index.search("weather", { limit: 10, filters: { source: "official" } });
});
