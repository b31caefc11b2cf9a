/**
 * Wires the registry together: config → Kv store → sources → catalog → MCP server.
 * `main.ts` runs it over stdio; tests run it over an in-memory transport.
 *
 * @module
 */
import { Catalog } from "./catalog/catalog.ts";
import type { RegistryConfig } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import type { Server } from "./mcp/sdk.ts";
import { createRegistryServer } from "./server/server.ts";
import { DockerRegistrySource } from "./sources/docker_registry.ts";
import type { CatalogSource } from "./sources/source.ts";
import { CatalogStore } from "./store/catalog_store.ts";
import { VERSION } from "./version.ts";

/** A running registry: its MCP server, catalog and what must be closed at the end. */
export interface Registry extends AsyncDisposable {
  server: Server;
  catalog: Catalog;
  /** Resolves when the catalog is loaded (from cache or snapshot). */
  ready: Promise<void>;
  /** Resolves when the background refresh started at start-up has ended. */
  refreshed: Promise<void>;
  log: Logger;
}

/** Options for {@linkcode startRegistry}. */
export interface StartRegistryOptions {
  config: RegistryConfig;
  /** @default the sources named by `config` */
  sources?: CatalogSource[];
  /** @default stderr at `config.logLevel` */
  log?: Logger;
  /** Refresh due sources in the background after loading. @default true */
  refreshOnStart?: boolean;
}

/** Opens the store, loads the catalog in the background and builds the server. */
export async function startRegistry(options: StartRegistryOptions): Promise<Registry> {
  const { config, refreshOnStart = true } = options;
  const log = options.log ?? createLogger(config.logLevel);
  await Deno.mkdir(config.cacheDir, { recursive: true });
  const kv = await Deno.openKv(`${config.cacheDir}/catalog.kv`);
  const sources = options.sources ??
    [new DockerRegistrySource({ repo: config.dockerRepo, sourcesDir: config.sourcesDir })];
  const catalog = new Catalog({
    sources,
    store: new CatalogStore(kv),
    refreshIntervalHours: config.refreshIntervalHours,
    log,
  });
  const ready = catalog.load();
  const refreshed = refreshOnStart
    ? ready.then(() => catalog.refreshDue()).then(() => {}, () => {})
    : Promise.resolve();
  const server = createRegistryServer({
    context: {
      catalog,
      version: VERSION,
      startedAt: new Date(),
      cacheDir: config.cacheDir,
      refreshIntervalHours: config.refreshIntervalHours,
    },
    ready,
    log,
  });
  return {
    server,
    catalog,
    ready,
    refreshed,
    log,
    async [Symbol.asyncDispose]() {
      await server.close().catch(() => {});
      await catalog.close();
      await refreshed;
      kv.close();
    },
  };
}
