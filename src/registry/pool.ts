/**
 * The pool of running servers as the settings make it, the same for a running registry
 * (`app.ts`) and `mcp-registry add --check` (`cli/servers.ts`): podman, limits, timeouts, the
 * mount policy a person approved, the legacy-volume rule.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { ActiveServers, type ActiveServersOptions } from "../proxy/active_servers.ts";
import type { MountPolicy } from "../runtime/mount_policy.ts";
import { ownerTag, Podman } from "../runtime/podman.ts";
import type { Logger } from "../util/log.ts";
import { withoutControls } from "../util/text.ts";
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
    ...marksOf(stores, log),
  });
  return { active, legacyVolumes, mountPolicy };
}

/**
 * What starts teach, kept as run marks: a server that came up is `verified` (with the commit
 * its plan was built from, for a repository entry); one that was started and did not come up is
 * `failed`, with the first line of the (masked) error.
 */
function marksOf(
  stores: Stores,
  log: Logger,
): Pick<ActiveServersOptions, "onStarted" | "onStartFailed"> {
  const { runMarks, runPlans } = stores;
  const kept = (id: string, write: Promise<unknown>) =>
    write.catch((error) =>
      log.warn("cannot keep the run mark", { server: id, error: String(error) })
    );
  return {
    onStarted: (entry) => {
      void kept(entry.id, runMarks.verified(entry.id, runPlans.get(entry.id)?.commit));
    },
    onStartFailed: (entry, error) => {
      const reason = failureLine(error instanceof Error ? error.message : String(error));
      void kept(entry.id, runMarks.failed(entry.id, reason, runPlans.get(entry.id)?.commit));
    },
  };
}

/**
 * One line for a failed start: the error's first line, and the first line of the server's
 * output when the error quotes it ("did not start: Connection closed; its output: <line>").
 */
export function failureLine(message: string): string {
  // Kept and shown later (find results, the CLI, the web page): no terminal escapes in it.
  const lines = withoutControls(message).split("\n").map((line) => line.trim())
    .filter((line) => line !== "");
  const output = lines.findIndex((line) => /^its output:$/i.test(line));
  const said = output > 0 ? lines[output + 1] : undefined;
  return said ? `${lines[0]}; its output: ${said}` : lines[0] ?? "";
}
