/**
 * Wires the registry together: config → Kv store → sources → catalog → MCP server.
 * `main.ts` runs it over stdio; tests run it over an in-memory transport.
 *
 * @module
 */
import { Catalog } from "./registry/catalog.ts";
import type { RegistryConfig } from "./config.ts";
import { createLogger, type Logger } from "./util/log.ts";
import type { Server } from "./mcp/sdk.ts";
import { ActiveServers } from "./proxy/active_servers.ts";
import { ownerTag, Podman } from "./runtime/podman.ts";
import { createRegistryServer } from "./server/server.ts";
import type { Registry, ToolContext } from "./registry/context.ts";

export type { Registry };
import { configuredSources } from "./registry/configured_sources.ts";
import { type CatalogSource, SOURCE_NAMES } from "./sources/source.ts";
import { CatalogStore } from "./store/catalog_store.ts";
import { ConfigStore } from "./store/config_store.ts";
import { mountPolicyOf } from "./registry/mount_roots.ts";
import { AllowedPathStore } from "./store/allowed_paths.ts";
import { LegacyVolumes } from "./registry/legacy_volumes.ts";
import { MountStore } from "./store/mount_store.ts";
import { openKvSafely } from "./store/open_kv.ts";
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
  await Deno.mkdir(config.cacheDir, { recursive: true });
  const kv = await openKvSafely(`${config.cacheDir}/catalog.kv`, log);
  const sources = options.sources ?? configuredSources(config);
  // Each process checks at its own minute, so registries sharing a cache do not all fetch at once.
  const checkMinute = Math.floor(Math.random() * 60);
  const catalog = new Catalog({
    sources,
    store: new CatalogStore(kv),
    refreshIntervalHours: config.refreshIntervalHours,
    log,
    checkMinute,
    cooldownMinutes: config.refreshCooldownMinutes,
    retryMinutes: config.refreshRetryMinutes,
    autoRetry: true,
  });
  await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const state = await openKvSafely(`${config.dataDir}/state.kv`, log);
  const configs = new ConfigStore(state, config.dataDir);
  const podman = new Podman({ binary: config.podman });
  const mounts = new MountStore(state);
  const legacyVolumes = new LegacyVolumes(state, podman);
  // Once, on the first start of a version with per-server volumes: who may keep an old one.
  const recorded = legacyVolumes.recordServersBefore(mounts).catch((error) =>
    log.warn("cannot record the servers active before", { error: String(error) })
  );
  const mountPolicy = mountPolicyOf(config, new AllowedPathStore(state));
  const servers = new Set<Server>();
  const changeListeners = new Set<() => void>();
  const active = new ActiveServers({
    runtime: podman,
    limits: config.limits,
    owner: ownerTag(),
    log,
    callTimeoutMs: config.callTimeoutSeconds * 1000,
    mounts,
    lookupEntry: (id) => catalog.index.get(id),
    mountPolicy,
    legacyVolumes: legacyVolumes.adopt,
    allowInsecureRemotes: config.allowInsecureRemotes,
    allowHostProcesses: config.allowHostProcesses,
    runtimes: config.runtimes,
    loadConfig: (id) => configs.get(id),
    onToolsChanged: () => {
      for (const s of servers) s.sendToolListChanged().catch(() => {}); // not connected yet: fine
      for (const listener of changeListeners) listener();
    },
  });
  const swept = sweepOnStart
    ? active.sweepOrphans().catch((error) =>
      log.debug("no container sweep", { reason: String(error) })
    )
    : Promise.resolve();
  const ready = catalog.load();
  // Orphans first, so a restored server never meets its own ghost from a killed run.
  const restored = Promise.all([swept, ready, recorded])
    .then(() => active.restore((id) => catalog.index.get(id)))
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
      kv.close();
      state.close();
    },
  };
}
