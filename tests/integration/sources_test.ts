/**
 * All five sources through the real wiring (`readConfig` → `configuredSources` → `Catalog`), each
 * from a real upstream on this machine: git repositories of the Docker registry and the awesome
 * list, a fake official registry API and a fake mcpservers.org on 127.0.0.1, and catalog files.
 * A real MCP client drives the registry.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type Registry, startRegistry } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { createLogger } from "../../src/util/log.ts";
import type { CallToolResult } from "../../src/mcp/sdk.ts";
import { Client, InMemoryTransport } from "../../src/mcp/sdk_client.ts";
import { createAwesomeFixture } from "../_helpers/awesome_fixture.ts";
import { createGitFixture } from "../_helpers/git_fixture.ts";
import { fakeServers, startFakeSite } from "../_helpers/mcpservers_site_fake.ts";
import {
  camelCaseRows,
  officialRow,
  startOfficialRegistryFake,
} from "../_helpers/official_registry_fake.ts";
import { textOf } from "../_helpers/registry.ts";

const MEMORY_REPO = "https://github.com/modelcontextprotocol/servers";

/** The official registry's record of the reference memory server (an npm package). */
const OFFICIAL_MEMORY = officialRow({
  name: "io.github.modelcontextprotocol/server-memory",
  description: "Knowledge graph-based persistent memory.",
  version: "2026.8.31",
  repository: { url: MEMORY_REPO, source: "github", subfolder: "src/memory" },
  packages: [{
    registryType: "npm",
    identifier: "@modelcontextprotocol/server-memory",
    version: "2026.8.31",
    transport: { type: "stdio" },
  }],
});

const LOCAL_YAML = `name: team-notes
image: ghcr.io/example/team-notes:1.0
type: server
about:
  title: Team notes
  description: Our own notes server, from the user's catalog.
meta:
  category: productivity
source:
  project: https://github.com/example/team-notes
`;

interface Upstreams extends AsyncDisposable {
  env: Record<string, string>;
  dir: string;
  official: Awaited<ReturnType<typeof startOfficialRegistryFake>>;
  site: ReturnType<typeof startFakeSite>;
}

async function startUpstreams(): Promise<Upstreams> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-sources-" });
  const docker = await createGitFixture();
  const awesome = await createAwesomeFixture("39eb1d7");
  const official = await startOfficialRegistryFake({
    servers: [...camelCaseRows(), OFFICIAL_MEMORY],
  });
  const site = startFakeSite({
    servers: [
      ...fakeServers(65),
      {
        slug: "modelcontextprotocol/memory",
        name: "Memory",
        description: "Knowledge graph memory from the MCP project.",
        official: true,
        categories: ["knowledge"],
        repo: `${MEMORY_REPO}/tree/main/src/memory`,
        lastmod: "2026-01-01T00:00:00Z",
      },
    ],
  });
  await Deno.mkdir(`${dir}/catalog`);
  await Deno.writeTextFile(`${dir}/catalog/team-notes.yaml`, LOCAL_YAML);
  return {
    dir,
    official,
    site,
    env: {
      HOME: dir,
      MCP_REGISTRY_CACHE_DIR: `${dir}/cache`,
      MCP_REGISTRY_DATA_DIR: `${dir}/data`,
      MCP_REGISTRY_DOCKER_REPO: docker.repo,
      MCP_REGISTRY_AWESOME_REPO: awesome.repo,
      MCP_REGISTRY_OFFICIAL_URL: official.url,
      MCP_REGISTRY_MCPSERVERS_URL: site.url,
      MCP_REGISTRY_CATALOGS: `${dir}/catalog`,
      MCP_REGISTRY_LOG_LEVEL: "debug",
    },
    async [Symbol.asyncDispose]() {
      await site[Symbol.asyncDispose]();
      await official[Symbol.asyncDispose]();
      await awesome[Symbol.asyncDispose]();
      await docker[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

interface Connected extends AsyncDisposable {
  registry: Registry;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

async function connect(env: Record<string, string>): Promise<Connected> {
  const registry = await startRegistry({
    config: readConfig(env),
    sweepOnStart: false,
    log: createLogger("error"),
  });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await registry.server.connect(serverSide);
  const client = new Client({ name: "sources-test", version: "1" });
  await client.connect(clientSide);
  return {
    registry,
    call: async (name, args = {}) =>
      await client.callTool({ name, arguments: args }) as CallToolResult,
    async [Symbol.asyncDispose]() {
      await client.close();
      await registry[Symbol.asyncDispose]();
    },
  };
}

interface SourceRow {
  name: string;
  entries: number;
  serving: string;
  last_error: string | null;
  last_refresh: string | null;
}

async function sourcesOf(c: Connected): Promise<Map<string, SourceRow>> {
  const status = await c.call("registry-status");
  const rows = (status.structuredContent as { sources: SourceRow[] }).sources;
  return new Map(rows.map((s) => [s.name, s]));
}

interface Hit {
  id: string;
  sources: string[];
  launch_method: string;
  official: boolean;
}

/** registry-find's hits, each in full (registry-list {id}), in rank order. */
async function find(c: Connected, query: string, filters: Record<string, unknown> = {}) {
  const result = await c.call("registry-find", { query, limit: 20, ...filters });
  ok(!result.isError, textOf(result));
  const hits: Hit[] = [];
  for (const { id } of (result.structuredContent as { results: { id: string }[] }).results) {
    const full = await c.call("registry-list", { id });
    hits.push((full.structuredContent as { entry: Hit }).entry);
  }
  return hits;
}

Deno.test("five sources merge into one catalog, each server once, and survive a restart", async () => {
  await using up = await startUpstreams();
  {
    await using c = await connect(up.env);
    await c.registry.refreshed;
    const sources = await sourcesOf(c);
    deepEqual([...sources.keys()], ["local", "docker", "official", "mcpservers", "awesome"]);
    for (const row of sources.values()) {
      equal(row.last_error, null, `${row.name}: ${row.last_error}`);
      equal(row.serving, "live", row.name);
    }
    equal(sources.get("docker")?.entries, 328);
    equal(sources.get("awesome")?.entries, 515);
    equal(sources.get("mcpservers")?.entries, 66);
    equal(sources.get("local")?.entries, 1);
    ok(sources.get("official")!.entries > 300);

    // The reference memory server: Docker's image, the official npm package, the awesome list
    // and mcpservers.org all describe it; it is one entry, run the Docker way.
    const memory = (await find(c, "memory knowledge graph")).filter((h) =>
      h.sources.includes("official") && h.sources.includes("mcpservers")
    );
    equal(memory.length, 1, JSON.stringify(memory));
    equal(memory[0]?.id, "memory");
    deepEqual(memory[0]?.sources, ["docker", "official", "mcpservers", "awesome"]);
    equal(memory[0]?.launch_method, "podman");
    equal(memory[0]?.official, true);

    // The source filter sees merged entries from any of their sources.
    const fromSite = await find(c, "memory", { source: "mcpservers" });
    ok(fromSite.some((h) => h.id === "memory"));
    const notes = await find(c, "team notes");
    equal(notes[0]?.id, "team-notes");
    deepEqual(notes[0]?.sources, ["local"]);

    const total = c.registry.catalog.index.size;
    const separate = [...sources.values()].reduce((n, s) => n + s.entries, 0);
    ok(total < separate, `merging shrinks ${separate} source entries to ${total}`);
  }

  // A restart within 24 hours fetches nothing but the local files, and serves the same ids.
  const officialRequests = up.official.requests.length;
  const siteRequests = up.site.requests.length;
  await using again = await connect(up.env);
  await again.registry.refreshed;
  const sources = await sourcesOf(again);
  equal(sources.get("official")?.serving, "cache");
  equal(sources.get("docker")?.serving, "cache");
  equal(up.official.requests.length, officialRequests, "no request to the official registry");
  equal(up.site.requests.length, siteRequests, "no request to mcpservers.org");
  equal(again.registry.catalog.index.get("memory")?.sources.length, 4);
});

Deno.test("a failing source keeps its last good entries and status names the failure", async () => {
  await using up = await startUpstreams();
  await using c = await connect({ ...up.env, MCP_REGISTRY_REFRESH_COOLDOWN: "0" });
  await c.registry.refreshed;
  // mcpservers.org starts refusing us.
  up.site.fail(/^\/all/, { status: 403 });
  const result = await c.call("registry-refresh", { source: "mcpservers" });
  const row = (result.structuredContent as { results: { status: string; error: string }[] })
    .results[0]!;
  equal(row.status, "failed");
  match(row.error, /403/);
  const site = (await sourcesOf(c)).get("mcpservers")!;
  equal(site.entries, 66, "the last good entries stay");
  match(String(site.last_error), /403/);
  equal(site.serving, "live");

  // The user's catalog file breaks.
  await Deno.writeTextFile(`${up.dir}/catalog/team-notes.yaml`, "name: [unclosed\n  - {");
  const local = await c.call("registry-refresh", { source: "local" });
  const localRow = (local.structuredContent as { results: { status: string; error: string }[] })
    .results[0]!;
  equal(localRow.status, "failed");
  match(localRow.error, /team-notes\.yaml/);
  equal((await find(c, "team notes"))[0]?.id, "team-notes", "still served");
  match(String((await sourcesOf(c)).get("local")?.last_error), /team-notes\.yaml/);
});
