/**
 * A 10,000-server catalog already in the cache, as every client session after the first sees it:
 * the five sources refreshed once from local fixtures and fakes (as in `sources_bench.ts`) into a
 * cache dir on disk, and the environment that makes a spawned `main.ts` serve it.
 *
 * @module
 */
import { readConfig } from "../src/config.ts";
import { silentLogger } from "../src/util/log.ts";
import { newCatalog, openStores } from "../src/registry/stores.ts";
import { createAwesomeFixture } from "../tests/_helpers/awesome_fixture.ts";
import { createGitFixture } from "../tests/_helpers/git_fixture.ts";
import { fakeServers, startFakeSite } from "../tests/_helpers/mcpservers_site_fake.ts";
import {
  camelCaseRows,
  startOfficialRegistryFake,
} from "../tests/_helpers/official_registry_fake.ts";

// The fake pins sponsored cards to every listing page, as the site does; keep it to a handful,
// as on the site, or every page would carry hundreds. Its four categories would put every
// server in "databases" or a neighbour (4,500 hits for "database"); spread them over the
// site's real number of categories instead.
const CATEGORIES = [
  "databases",
  "search",
  "developer-tools",
  "browser-automation",
  "cloud-platforms",
  "finance",
  "communication",
  "file-systems",
  "knowledge-memory",
  "monitoring",
  "security",
  "art-culture",
  "location-services",
  "marketing",
  "research-data",
  "social-media",
  "travel",
  "gaming",
  "customer-data",
  "command-line",
  "version-control",
  "os-automation",
  "e-commerce",
  "health",
];

/** The fake mcpservers.org with 9,000 servers as the benchmarks use it (see above). */
export function startSpreadSite(): ReturnType<typeof startFakeSite> {
  return startFakeSite({
    servers: fakeServers(9_000).map((s, i) => ({
      ...s,
      sponsored: i < 50 && s.sponsored,
      categories: [CATEGORIES[i % CATEGORIES.length]!],
    })),
  });
}

/** A warm 10k cache on disk; dispose removes it and stops the fakes. */
export interface Cached10k extends AsyncDisposable {
  /** The environment for `deno run main.ts` (the caller's environment plus the registry's). */
  env: Record<string, string>;
  /** How many entries the merged catalog holds. */
  entries: number;
}

/** Refreshes all five sources once into a fresh cache dir (about 10 s). */
export async function cached10k(): Promise<Cached10k> {
  const docker = await createGitFixture();
  const awesome = await createAwesomeFixture();
  const official = startOfficialRegistryFake({ servers: camelCaseRows() });
  const site = startSpreadSite();
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-10k-" });
  await Deno.writeTextFile(
    `${dir}/mine.yaml`,
    "name: mine\nimage: ghcr.io/me/mine:1\ntype: server\nabout:\n  title: Mine\n",
  );
  const registryEnv = {
    HOME: dir,
    // Deno's own cache stays the caller's: with HOME moved it would start empty, and the first
    // registry spawned would download and compile everything (a client's deno cache is warm).
    DENO_DIR: denoDir(),
    MCP_REGISTRY_CACHE_DIR: `${dir}/cache`,
    MCP_REGISTRY_DATA_DIR: `${dir}/data`,
    MCP_REGISTRY_DOCKER_REPO: docker.repo,
    MCP_REGISTRY_AWESOME_REPO: awesome.repo,
    MCP_REGISTRY_OFFICIAL_URL: official.url,
    MCP_REGISTRY_MCPSERVERS_URL: site.url,
    MCP_REGISTRY_CATALOGS: `${dir}/mine.yaml`,
    MCP_REGISTRY_LOG_LEVEL: "error",
  };
  const config = readConfig(registryEnv);
  const stores = await openStores(config, silentLogger);
  const catalog = newCatalog(config, stores, { log: silentLogger });
  await catalog.load();
  const outcomes = await catalog.refreshDue();
  for (const outcome of outcomes) {
    if (!outcome.ok) throw new Error(`${outcome.source} failed: ${outcome.error}`);
  }
  const entries = catalog.index.size;
  await catalog.close();
  stores.close();
  return {
    env: { ...Deno.env.toObject(), ...registryEnv },
    entries,
    async [Symbol.asyncDispose]() {
      await site[Symbol.asyncDispose]();
      await official[Symbol.asyncDispose]();
      await docker[Symbol.asyncDispose]();
      await awesome[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Where this deno keeps its cache (DENO_DIR, else the platform's cache folder). */
function denoDir(): string {
  const env = Deno.env.toObject();
  if (env.DENO_DIR) return env.DENO_DIR;
  if (Deno.build.os === "darwin") return `${env.HOME}/Library/Caches/deno`;
  if (Deno.build.os === "windows") return `${env.LOCALAPPDATA}\\deno`;
  return `${env.XDG_CACHE_HOME ?? `${env.HOME}/.cache`}/deno`;
}
