/**
 * The pool of running servers as the settings make it, the same for a running registry
 * (`app.ts`) and `mcp-registry add --check` (`cli/servers.ts`): podman, limits, timeouts, the
 * mount policy a person approved, the legacy-volume rule.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { ActiveServers } from "../proxy/active_servers.ts";
import type { MountPolicy } from "../runtime/mount_policy.ts";
import { ownerTag, Podman } from "../runtime/podman.ts";
import type { Logger } from "../util/log.ts";
import { runnableEntry } from "./build_flow.ts";
import type { Catalog } from "./catalog.ts";
import { LegacyVolumes } from "./legacy_volumes.ts";
import { mountPolicyOf } from "./mount_roots.ts";
import type { Stores } from "./stores.ts";

/** Options for {@linkcode newPool}. */
export interface PoolOptions {
  log: Logger;
  catalog: Catalog;
  /** Remember activated servers, so that the next start restores them. @default true */
  remember?: boolean;
  /** Called whenever the set of exposed tools changes. */
  onToolsChanged?: () => void;
}

/** A pool, and what was built for it. */
export interface Pool {
  active: ActiveServers;
  legacyVolumes: LegacyVolumes;
  /** What containers may mount now. */
  mountPolicy: () => Promise<MountPolicy>;
}

/** Builds the pool over `stores`. */
export function newPool(config: RegistryConfig, stores: Stores, options: PoolOptions): Pool {
  const { log, catalog, remember = true, onToolsChanged = () => {} } = options;
  const podman = new Podman({ binary: config.podman, attach: config.podmanAttach, log });
  const legacyVolumes = new LegacyVolumes(stores.state, podman);
  const mountPolicy = mountPolicyOf(config, stores.allowedPaths);
  const active = new ActiveServers({
    runtime: podman,
    limits: config.limits,
    owner: ownerTag(),
    log,
    callTimeoutMs: config.callTimeoutSeconds * 1000,
    ...(remember ? { mounts: stores.mounts } : {}),
    lookupEntry: (id) => runnableEntry(catalog.index.get(id), stores.runPlans),
    mountPolicy,
    legacyVolumes: legacyVolumes.adopt,
    allowInsecureRemotes: config.allowInsecureRemotes,
    allowHostProcesses: config.allowHostProcesses,
    runtimes: config.runtimes,
    loadConfig: (id) => stores.configs.get(id),
    onToolsChanged,
  });
  return { active, legacyVolumes, mountPolicy };
}
