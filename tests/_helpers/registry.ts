/**
 * A registry in temp dirs, with a real SDK client connected over an in-memory transport.
 *
 * @module
 */
import { startRegistry } from "../../src/app.ts";
import type { Registry } from "../../src/app.ts";
import { type CatalogEntry, minimalEntry } from "../../src/catalog/entry.ts";
import { readConfig } from "../../src/config.ts";
import { createLogger } from "../../src/util/log.ts";
import { type CallToolResult, ToolListChangedNotificationSchema } from "../../src/mcp/sdk.ts";
import { Client, InMemoryTransport } from "../../src/mcp/sdk_client.ts";
import { DockerRegistrySource } from "../../src/sources/docker_registry.ts";
import type { CatalogSource } from "../../src/sources/source.ts";

/** What a test gets: the registry, a connected client, and what the registry logged. */
export interface TestRegistry extends AsyncDisposable {
  registry: Registry;
  client: Client;
  dir: string;
  /** Every log line, as written. */
  logs: string[];
  /** How many `notifications/tools/list_changed` the client received. */
  listChanged: () => number;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

/** Options for {@linkcode openTestRegistry}. */
export interface OpenOptions {
  /** Extra environment for the registry's config. */
  env?: Record<string, string>;
  /** Entries of an extra catalog source named `test`, loaded before the client connects. */
  entries?: CatalogEntry[];
  /** Reuse this folder (e.g. to start again over a previous registry's state). */
  dir?: string;
  /** More sources, after the docker one (and before `test`). */
  sources?: CatalogSource[];
  /** Runs before the registry starts, with the data dir (to plant state). */
  before?: (dataDir: string) => Promise<void>;
}

/** Starts a registry serving the embedded catalog (plus `entries`) and connects a client. */
export async function openTestRegistry(options: OpenOptions = {}): Promise<TestRegistry> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "mcp-registry-test-" });
  await options.before?.(`${dir}/data`);
  const config = readConfig({
    ...Deno.env.toObject(),
    MCP_REGISTRY_CACHE_DIR: `${dir}/cache`,
    MCP_REGISTRY_DATA_DIR: `${dir}/data`,
    MCP_REGISTRY_DOCKER_REPO: "/nonexistent",
    MCP_REGISTRY_LOG_LEVEL: "debug",
    ...options.env,
  });
  const logs: string[] = [];
  const sources: CatalogSource[] = [
    new DockerRegistrySource({ repo: config.dockerRepo, sourcesDir: config.sourcesDir }),
  ];
  sources.push(...options.sources ?? []);
  if (options.entries) {
    const entries = options.entries;
    sources.push({
      name: "test",
      location: "tests",
      refresh: () => Promise.resolve({ entries, revision: null, errors: [], warnings: [] }),
    });
  }
  const registry = await startRegistry({
    config,
    sources,
    refreshOnStart: false,
    log: createLogger("debug", (line) => logs.push(line)),
  });
  await registry.ready;
  if (options.entries) await registry.catalog.refresh("test");
  await registry.restored;
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await registry.server.connect(serverSide);
  const client = new Client({ name: "test", version: "1" });
  let changed = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changed++;
  });
  await client.connect(clientSide);
  await client.listTools();
  return {
    registry,
    client,
    dir,
    logs,
    listChanged: () => changed,
    async call(name, args = {}) {
      return await client.callTool({ name, arguments: args }) as CallToolResult;
    },
    async [Symbol.asyncDispose]() {
      await client.close();
      await registry[Symbol.asyncDispose]();
      if (!options.dir) await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A catalog entry for a test image, with the fields the schema fills in. */
export function testEntry(fields: Partial<CatalogEntry> & { id: string }): CatalogEntry {
  return minimalEntry({
    description: `Test server ${fields.id}`,
    source: "test",
    sources: ["test"],
    last_refreshed: new Date(0).toISOString(),
    ...fields,
  });
}

/** The first text item of a result. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

/** Polls `check` every `everyMs` until it holds or `timeoutMs` passed; returns its last answer. */
export async function eventually(
  check: () => Promise<boolean>,
  { timeoutMs = 5_000, everyMs = 100 } = {},
): Promise<boolean> {
  for (const end = Date.now() + timeoutMs;; await new Promise((r) => setTimeout(r, everyMs))) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
  }
}

/** The state `registry-active` reports for server `id`. */
export async function stateOf(t: TestRegistry, id: string): Promise<string | undefined> {
  const servers = (await t.call("registry-active")).structuredContent as {
    servers: { id: string; state: string }[];
  };
  return servers.servers.find((s) => s.id === id)?.state;
}
