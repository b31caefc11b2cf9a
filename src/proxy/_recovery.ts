/**
 * Recovery: a server that exited or failed is started again on its next call, a few times with
 * pauses between, unless the failure is one a retry cannot fix. Failures are told apart by
 * their type, never by their message.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { ServerConfig } from "../catalog/settings.ts";
import { ContainerRuntimeError } from "../runtime/container_runtime.ts";
import { LaunchError } from "../runtime/launch_spec.ts";
import type { Logger } from "../util/log.ts";
import type { Active, PoolState } from "./_pool_state.ts";

/** Pauses between the restart attempts of a crashed server. */
export const DEFAULT_RESTART_BACKOFF_MS: readonly number[] = [250, 1000, 3000];

/**
 * True when trying again cannot help: the entry or its settings stand in the way (a
 * `LaunchError`), the container runtime is missing, or an image cannot be had.
 */
export function isPermanent(error: unknown): boolean {
  return error instanceof LaunchError ||
    (error instanceof ContainerRuntimeError && error.permanent);
}

/** What recovery needs from the pool. */
export interface RecoveryOptions {
  /** Starts the server again (the pool's `add` with `keep`). */
  restart: (entry: CatalogEntry, config: ServerConfig) => Promise<unknown>;
  loadConfig: (id: string) => Promise<ServerConfig>;
  lookupEntry?: (id: string) => CatalogEntry | undefined;
  log: Logger;
  /** @default DEFAULT_RESTART_BACKOFF_MS */
  backoffMs?: readonly number[];
}

/**
 * Starts `active` (crashed, stopped or failed) again with its current settings and catalog
 * entry: one attempt, then one after each pause, stopping early at a permanent failure or a
 * remove. Returns the running server; throws a `LaunchError` that names the cause.
 */
export async function recover(
  state: PoolState,
  active: Active,
  options: RecoveryOptions,
): Promise<Active> {
  const id = active.entry.id;
  const epoch = state.epochOf(id);
  const pauses = options.backoffMs ?? DEFAULT_RESTART_BACKOFF_MS;
  const reason = active.lastError ?? "it stopped";
  let lastError = reason;
  for (let attempt = 0; attempt <= pauses.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, pauses[attempt - 1]));
    if (!state.stillWanted(id, epoch)) {
      throw new LaunchError(`${id} was removed; start it with registry-add`);
    }
    const now = state.get(id);
    if (now && now !== active && now.state === "running") return now; // restarted meanwhile
    // The catalog may have changed (or the entry come back) since it was first started.
    const entry = options.lookupEntry?.(id) ?? active.entry;
    try {
      await options.restart(entry, await options.loadConfig(id));
      options.log.info("restarted server", { server: id, after: reason, attempt });
      return state.get(id)!;
    } catch (error) {
      lastError = (error as Error).message;
      if (isPermanent(error)) break;
    }
  }
  const current = state.get(id);
  if (current && current.state !== "running") {
    current.state = "failed";
    current.lastError = lastError;
  }
  throw new LaunchError(
    `${id} is not running (${reason}) and could not be started again: ${lastError}. Fix the ` +
      `cause, then call registry-add {"id":"${id}"}`,
  );
}
