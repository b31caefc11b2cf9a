/**
 * The registry's stores, opened by a CLI command: the same catalog cache, settings, secrets and
 * list of active servers that a running registry uses. What a command changes here is what a
 * registry started next (or restarted) sees.
 *
 * @module
 */
import { Catalog } from "../registry/catalog.ts";
import { readConfig, type RegistryConfig } from "../config.ts";
import { createLogger, type Logger } from "../util/log.ts";
import { configuredSources } from "../registry/configured_sources.ts";
import { CatalogStore } from "../store/catalog_store.ts";
import { ConfigStore } from "../store/config_store.ts";
import { AllowedPathStore } from "../store/allowed_paths.ts";
import { MountStore } from "../store/mount_store.ts";
import { openKvSafely } from "../store/open_kv.ts";
import { UsageError } from "./_io.ts";

/** The stores a command works on; dispose of it to close them. */
export interface CliSession extends AsyncDisposable {
  config: RegistryConfig;
  /** Loaded from the cache (or the embedded snapshot); never fetched unless a command asks. */
  catalog: Catalog;
  configs: ConfigStore;
  mounts: MountStore;
  /** The host folders a person approved for container mounts. */
  allowedPaths: AllowedPathStore;
  /** The data dir's Kv store (settings, active servers, approvals). */
  state: Deno.Kv;
  log: Logger;
}

/** The settings from the environment; a bad one is a `UsageError` naming the variable. */
export function cliConfig(env: Record<string, string | undefined> = Deno.env.toObject()) {
  try {
    return readConfig(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The CLI's log level: the one MCP_REGISTRY_LOG_LEVEL names, else errors only. */
export function logLevelOf(
  config: RegistryConfig,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): RegistryConfig["logLevel"] {
  return env.MCP_REGISTRY_LOG_LEVEL?.trim() ? config.logLevel : "error";
}

/** Opens the stores and loads the catalog, without fetching any source. */
export async function openSession(
  config: RegistryConfig = cliConfig(),
): Promise<CliSession> {
  // Errors only, unless MCP_REGISTRY_LOG_LEVEL asks for more: a command's own output says what
  // happened (a failed refresh, a skipped file), and its lines read better without the logs.
  const log = createLogger(logLevelOf(config));
  await Deno.mkdir(config.cacheDir, { recursive: true });
  const catalogKv = await openKvSafely(`${config.cacheDir}/catalog.kv`, log);
  await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const stateKv = await openKvSafely(`${config.dataDir}/state.kv`, log);
  const catalog = new Catalog({
    sources: configuredSources(config),
    store: new CatalogStore(catalogKv),
    refreshIntervalHours: config.refreshIntervalHours,
    cooldownMinutes: config.refreshCooldownMinutes,
    retryMinutes: config.refreshRetryMinutes,
    log,
  });
  await catalog.load();
  return {
    config,
    catalog,
    configs: new ConfigStore(stateKv, config.dataDir),
    mounts: new MountStore(stateKv),
    allowedPaths: new AllowedPathStore(stateKv),
    state: stateKv,
    log,
    async [Symbol.asyncDispose]() {
      await catalog.close();
      catalogKv.close();
      stateKv.close();
    },
  };
}
