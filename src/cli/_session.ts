/**
 * The registry's stores, opened by a CLI command: the same catalog cache, settings, secrets and
 * list of active servers that a running registry uses. What a command changes here is what a
 * registry started next (or restarted) sees.
 *
 * @module
 */
import { readConfig, type RegistryConfig } from "../config.ts";
import type { Catalog } from "../registry/catalog.ts";
import { newCatalog, openStores, type Stores } from "../registry/stores.ts";
import type { AllowedPathStore } from "../store/allowed_paths.ts";
import type { ConfigStore } from "../store/config_store.ts";
import type { MountStore } from "../store/mount_store.ts";
import { createLogger, type Logger } from "../util/log.ts";
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
  /** All of the above, as a running registry opens them. */
  stores: Stores;
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
  const stores = await openStores(config, log);
  const catalog = newCatalog(config, stores, { log });
  await catalog.load();
  return {
    config,
    catalog,
    configs: stores.configs,
    mounts: stores.mounts,
    allowedPaths: stores.allowedPaths,
    stores,
    log,
    async [Symbol.asyncDispose]() {
      await catalog.close();
      stores.close();
    },
  };
}
