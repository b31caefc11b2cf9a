/**
 * The registry's stores and its catalog, opened the same way by a running registry (`app.ts`)
 * and by every CLI command (`cli/_session.ts`): the cache folder's catalog Kv, the data folder's
 * state Kv (kept private), and the stores over them.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import type { CatalogSource } from "../sources/source.ts";
import { AllowedPathStore } from "../store/allowed_paths.ts";
import { CatalogStore } from "../store/catalog_store.ts";
import { ConfigStore } from "../store/config_store.ts";
import { MountStore } from "../store/mount_store.ts";
import { openKvSafely } from "../store/open_kv.ts";
import { RunMarkStore } from "../store/run_marks.ts";
import { RunPlanStore } from "../store/run_plans.ts";
import type { Logger } from "../util/log.ts";
import { Catalog } from "./catalog.ts";
import { configuredSources } from "./configured_sources.ts";

/** The open stores; `close()` closes both Kv files. */
export interface Stores {
  /** The cache folder's Kv: the catalog of every source. */
  catalogKv: Deno.Kv;
  /** The data folder's Kv: settings, active servers, approved folders. */
  state: Deno.Kv;
  configs: ConfigStore;
  mounts: MountStore;
  allowedPaths: AllowedPathStore;
  /** What running each server taught: verified or failed (loaded by `openStores`). */
  runMarks: RunMarkStore;
  /** How servers that run from their repository were resolved (loaded by `openStores`). */
  runPlans: RunPlanStore;
  close(): void;
}

/** Opens the cache and data folders' stores (making the folders, the data one private). */
export async function openStores(config: RegistryConfig, log: Logger): Promise<Stores> {
  await Deno.mkdir(config.cacheDir, { recursive: true });
  const catalogKv = await openKvSafely(`${config.cacheDir}/catalog.kv`, log);
  await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const state = await openKvSafely(`${config.dataDir}/state.kv`, log);
  const runMarks = new RunMarkStore(state);
  const runPlans = new RunPlanStore(state);
  await Promise.all([runMarks.load(), runPlans.load()]);
  return {
    catalogKv,
    state,
    configs: new ConfigStore(state, config.dataDir),
    mounts: new MountStore(state),
    allowedPaths: new AllowedPathStore(state),
    runMarks,
    runPlans,
    close() {
      catalogKv.close();
      state.close();
    },
  };
}

/** Options for {@linkcode newCatalog}. */
export interface CatalogOptions {
  log: Logger;
  /** @default the sources the settings name */
  sources?: CatalogSource[] | undefined;
  /** The minute of each hour of the first source's check (a running registry picks one). */
  checkMinute?: number;
  /** Retry a failed source by itself when its backoff ends (a running registry does). */
  autoRetry?: boolean;
}

/** The catalog over `stores` with the settings' refresh interval, cooldown and backoff. */
export function newCatalog(
  config: RegistryConfig,
  stores: Stores,
  { log, sources, checkMinute, autoRetry = false }: CatalogOptions,
): Catalog {
  return new Catalog({
    sources: sources ?? configuredSources(config),
    store: new CatalogStore(stores.catalogKv, `${config.cacheDir}/merged`),
    refreshIntervalHours: config.refreshIntervalHours,
    cooldownMinutes: config.refreshCooldownMinutes,
    retryMinutes: config.refreshRetryMinutes,
    log,
    autoRetry,
    ...(checkMinute === undefined ? {} : { checkMinute }),
  });
}
