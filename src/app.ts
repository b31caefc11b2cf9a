/**
 * Wires the registry together: config -> Kv store -> sources -> catalog -> MCP server.
 * `main.ts` runs it over stdio; tests run it over an in-memory transport.
 *
 * @module
 */
import type { RegistryConfig } from "./config.ts";
import { createLogger, type Logger } from "./util/log.ts";
import type { Server } from "./mcp/sdk.ts";
import { createRegistryServer } from "./server/server.ts";
import type { Registry, ToolContext } from "./registry/context.ts";

export type { Registry };
import { type CatalogSource, SOURCE_NAMES } from "./sources/source.ts";
import { newPool } from "./registry/pool.ts";
import { runnableEntry } from "./registry/build_flow.ts";
import { newCatalog, openStores } from "./registry/stores.ts";
import { VERSION } from "./util/version.ts";

/** Options for {@linkcode startRegistry}. */
export interface StartRegistryOptions {
  config: RegistryConfig;
  /** @default the sources named by `config` */
  sources?: CatalogSource[];
  /** @default stderr at `config.logLevel` */
  log?: Logger;
  /** Refresh due sources in the background after loading. @default true */
  refreshOnStart?: boolean;
  /** Remove containers left by registry processes that died. @default true */
  sweepOnStart?: boolean;
}

/** Opens the store, loads the catalog in the background and builds the server. */
export async function startRegistry(options: StartRegistryOptions): Promise<Registry> {
  const { config, refreshOnStart = true, sweepOnStart = true } = options;
  const log = options.log ?? createLogger(config.logLevel);
  const stores = await openStores(config, log);
  // Each process checks at its own minute, so registries sharing a cache do not all fetch at once.
  const checkMinute = Math.floor(Math.random() * 60);
  const catalog = newCatalog(config, stores, {
    log,
    sources: options.sources,
    checkMinute,
    autoRetry: true,
  });
  const { configs } = stores;
  const servers = new Set<Server>();
  const changeListeners = new Set<() => void>();
  const { active, legacyVolumes, mountPolicy } = newPool(config, stores, {
    log,
    catalog,
    onToolsChanged: () => {
      for (const s of servers) s.sendToolListChanged().catch(() => {}); // not connected yet: fine
      for (const listener of changeListeners) listener();
    },
  });
  // Once, on the first start of a version with per-server volumes: who may keep an old one.
  const recorded = legacyVolumes.recordServersBefore(stores.mounts).catch((error) =>
    log.warn("cannot record the servers active before", { error: String(error) })
  );
  const swept = sweepOnStart
    ? active.sweepOrphans().catch((error) =>
      log.debug("no container sweep", { reason: String(error) })
    )
    : Promise.resolve();
  const ready = catalog.load();
  // Orphans first, so a restored server never meets its own ghost from a killed run.
  const restored = Promise.all([swept, ready, recorded])
    .then(() => active.restore((id) => runnableEntry(catalog.index.get(id), stores.runPlans)))
    .catch((error) => log.error("restoring servers failed", { error: String(error) }));
  const refreshed = refreshOnStart
    ? ready.then(() => catalog.refreshDue()).then(() => {}, () => {})
    : Promise.resolve();
  const inFlight = { count: 0 };
  const startedAt = new Date();
  const context: ToolContext = {
    catalog,
    active,
    configs,
    version: VERSION,
    startedAt,
    cacheDir: config.cacheDir,
    refreshIntervalHours: config.refreshIntervalHours,
    allSources: SOURCE_NAMES,
    allowedPaths: async () => (await mountPolicy()).roots.slice(),
    toolSchemas: config.toolSchemas,
    runMarks: stores.runMarks,
    runPlans: stores.runPlans,
    build: config.build,
  };
  const newServer = () => {
    const made = createRegistryServer({
      inFlight,
      context,
      ready,
      log,
    });
    servers.add(made);
    const previous = made.onclose;
    made.onclose = () => {
      servers.delete(made);
      previous?.();
    };
    return made;
  };
  const server = newServer();

  return {
    server,
    newServer,
    catalog,
    active,
    checkMinute,
    inFlight: () => inFlight.count,
    context,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    ready,
    restored,
    refreshed,
    log,
    async [Symbol.asyncDispose]() {
      for (const s of [...servers]) await s.close().catch(() => {});
      await swept;
      await active.closeAll(); // first: the restore still under way then starts nothing more
      await restored;
      await catalog.close();
      await refreshed;
      stores.close();
    },
  };
}
