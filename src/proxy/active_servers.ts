/**
 * The servers an agent activated: the pool's state machine. A server starts (`add`), runs,
 * restarts with other settings, exits and recovers on its next call, is removed (a remove wins
 * over a start under way), and comes back at the next start-up (`restore`). The parts: the
 * state (`_pool_state.ts`), launching (`_launcher.ts`), recovery (`_recovery.ts`) and tool
 * routing (`_tool_routes.ts`); containers run through a `ContainerRuntime`.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { ServerConfig } from "../catalog/settings.ts";
import type { CallToolResult, Tool } from "../mcp/sdk.ts";
import {
  type ContainerLimits,
  type ContainerRuntime,
  LABEL_MANAGED,
  LABEL_OWNER,
  ownerAlive,
} from "../runtime/container_runtime.ts";
import { LaunchError } from "../runtime/launch_spec.ts";
import type { LegacyVolumes, MountPolicy } from "../runtime/mount_policy.ts";
import type { PackageRuntimes } from "../runtime/package_spec.ts";
import type { MountStore } from "../store/mount_store.ts";
import { fingerprint } from "../util/fingerprint.ts";
import type { Logger } from "../util/log.ts";
import { maskDeep, secretMasker } from "../util/mask.ts";
import { Launcher } from "./_launcher.ts";
import { type Active, type ActiveInfo, newActive, PoolState } from "./_pool_state.ts";
import { recover } from "./_recovery.ts";
import { describeTools } from "./_tool_routes.ts";
import type { ServerConnection } from "./upstream.ts";

export type { ActiveInfo, ServerState } from "./_pool_state.ts";

/** What `add` did. */
export interface AddOutcome {
  status: "started" | "already-running" | "restarted";
  tools: { name: string; tool: string; description: string }[];
  ms: number;
}

/** Options for {@linkcode ActiveServers}. */
export interface ActiveServersOptions {
  /** Runs the containers (`Podman`; a fake in tests). */
  runtime: ContainerRuntime;
  limits: ContainerLimits;
  /** This registry process as container owner (see `ownerTag`). */
  owner: string;
  log: Logger;
  /** Called whenever the set of exposed tools changes. */
  onToolsChanged: () => void;
  /** @default 120_000 */
  callTimeoutMs?: number;
  /** @default 60_000 */
  startTimeoutMs?: number;
  /** Where activated servers are remembered across restarts; none in tests that do not care. */
  mounts?: MountStore;
  /** Reads a server's current settings (for restarts after a crash and for restores). */
  loadConfig: (id: string) => Promise<ServerConfig>;
  /** The catalog's current entry for an id (restarts use it, not the one first started). */
  lookupEntry?: (id: string) => CatalogEntry | undefined;
  /** Runtime images for package servers. @default DEFAULT_RUNTIMES */
  runtimes?: PackageRuntimes;
  /** Run package servers as processes on this machine instead of in containers. */
  allowHostProcesses?: boolean;
  /** Connect to plain-http remote servers beyond this machine. @default false */
  allowInsecureRemotes?: boolean;
  /**
   * What containers may mount, read before each start (a person may approve a folder while the
   * registry runs). @default no host folder; the home's dot-files protected
   */
  mountPolicy?: () => Promise<MountPolicy>;
  /** The volume made by an earlier version that a server keeps using, if any. */
  legacyVolumes?: LegacyVolumes;
  /** Pauses between restart attempts of a crashed server. @default [250, 1000, 3000] */
  restartBackoffMs?: number[];
  /** Told each time a server started and listed its tools (first start, restart, restore). */
  onStarted?: (entry: CatalogEntry) => void;
  /**
   * Told when a server was started but did not come up (it exited, broke the protocol or timed
   * out), with the error as thrown (secrets masked). Not for what stood in the way before it
   * ran: settings, folders, the runtime, the image.
   */
  onStartFailed?: (entry: CatalogEntry, error: unknown) => void;
}

/** The pool of running servers. */
export class ActiveServers {
  readonly #options: ActiveServersOptions;
  readonly #state = new PoolState();
  readonly #launcher: Launcher;
  readonly #starting = new Map<string, { promise: Promise<AddOutcome>; hash: string }>();

  constructor(options: ActiveServersOptions) {
    this.#options = options;
    this.#launcher = new Launcher(options);
  }

  /**
   * Starts `entry` with `config` unless it already runs with that very config (a different
   * config restarts it); joins a start of the same config under way. A server removed while
   * it was starting is stopped again and the start fails.
   */
  add(
    entry: CatalogEntry,
    config: ServerConfig,
    options: {
      keep?: boolean;
      /** Told each step of this start (image pull, container start, MCP handshake). */
      progress?: (step: string) => void;
    } = {},
  ): Promise<AddOutcome> {
    if (this.#state.closed) {
      return Promise.reject(new LaunchError("mcp-registry is shutting down; nothing new starts"));
    }
    const hash = configHash(config);
    const current = this.#state.get(entry.id);
    if (current?.state === "running" && current.configHash === hash) {
      return Promise.resolve({ status: "already-running", tools: describeTools(current), ms: 0 });
    }
    const inFlight = this.#starting.get(entry.id);
    if (inFlight && inFlight.hash === hash) return inFlight.promise;
    const restarting = current?.state === "running";
    const epoch = this.#state.epochOf(entry.id);
    const keep = options.keep ?? current !== undefined;
    const promise = (inFlight?.promise.catch(() => {}) ?? Promise.resolve())
      .then(() => this.#start(entry, config, hash, keep, options.progress ?? (() => {})))
      .then(async (outcome) => {
        if (!this.#state.stillWanted(entry.id, epoch)) {
          // Removed (or shutting down) while it started: undo, and do not remember it.
          const started = this.#state.get(entry.id);
          if (started) {
            this.#state.delete(entry.id);
            this.#toolsChanged();
            await this.#stop(started);
          }
          throw new LaunchError(`${entry.id} was removed while it started`);
        }
        await this.#options.mounts?.put(entry.id);
        return restarting ? { ...outcome, status: "restarted" as const } : outcome;
      })
      .finally(() => {
        if (this.#starting.get(entry.id)?.promise === promise) this.#starting.delete(entry.id);
      });
    this.#starting.set(entry.id, { promise, hash });
    return promise;
  }

  /**
   * Starts every remembered server again (at start-up). One that cannot start (not in the
   * catalog any more, a secret missing, no podman, no image) stays listed as `failed` with the
   * reason, and is tried again by the next registry-add or call.
   */
  async restore(lookup: (id: string) => CatalogEntry | undefined): Promise<void> {
    const mounts = await this.#options.mounts?.list() ?? [];
    // Listed at once as starting, so registry-active shows them and registry-remove can stop
    // one before its turn comes.
    for (const mount of mounts) {
      if (!this.#state.has(mount.id)) this.#markFailed(mount.id, lookup(mount.id) ?? null, null);
    }
    const queue = mounts.map((m) => ({ id: m.id, epoch: this.#state.epochOf(m.id) }));
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        if (!this.#state.stillWanted(item.id, item.epoch)) continue; // removed meanwhile
        const entry = lookup(item.id);
        if (!entry) {
          this.#markFailed(item.id, null, "it is no longer in the catalog");
          continue;
        }
        try {
          await this.add(entry, await this.#options.loadConfig(entry.id), { keep: true });
          this.#options.log.info("restored server", { server: entry.id });
        } catch (error) {
          if (this.#state.stillWanted(item.id, item.epoch)) {
            this.#markFailed(entry.id, entry, (error as Error).message);
          }
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }

  /** Lists `id` as failed (with `reason`, logged) or, with a null reason, as about to start. */
  #markFailed(id: string, entry: CatalogEntry | null, reason: string | null) {
    if (reason) this.#options.log.warn("server cannot start", { server: id, reason });
    this.#state.markFailed(id, entry, reason);
  }

  /** Stops and forgets server `id` (also one starting or failed); false when it was not active. */
  async remove(id: string): Promise<boolean> {
    this.#state.bumpEpoch(id); // starts and restarts under way give up
    await this.#options.mounts?.delete(id);
    await this.#starting.get(id)?.promise.catch(() => {});
    const active = this.#state.get(id);
    if (!active) return false;
    this.#state.delete(id);
    this.#toolsChanged();
    await this.#stop(active);
    return true;
  }

  /** The container runtime the servers run in (builds from source use it too). */
  get runtime(): ContainerRuntime {
    return this.#options.runtime;
  }

  /** True when `id` is active (in any state). */
  has(id: string): boolean {
    return this.#state.has(id);
  }

  /** Every active server. */
  list(): ActiveInfo[] {
    return this.#state.list();
  }

  /** The exposed tools of every running server, as `tools/list` shows them. */
  exposedTools(options: { lazy?: boolean } = {}): Tool[] {
    return this.#state.exposedTools(options);
  }

  /** The server and child tool behind an exposed name. */
  route(exposedName: string): { id: string; tool: string } | undefined {
    return this.#state.route(exposedName);
  }

  /** The MCP client of server `id`, for diagnostics and benchmarks. */
  upstreamOf(id: string): ServerConnection | undefined {
    return this.#state.get(id)?.upstream ?? undefined;
  }

  /** The child tool names of server `id`. */
  toolsOf(id: string): string[] {
    return this.#state.get(id)?.upstream?.tools.map((t) => t.name) ?? [];
  }

  /** The definition server `id` gives of its tool `tool` (its own name), if it runs. */
  toolOf(id: string, tool: string): Tool | undefined {
    return this.#state.get(id)?.upstream?.tools.find((t) => t.name === tool);
  }

  /**
   * Calls `tool` (the child's own name) on server `id`; the result is the child's, unchanged.
   * A server that exited or failed is started again first (a few attempts, with pauses); a
   * call that times out is followed by a ping, and a server that no longer answers is stopped
   * so that the next call restarts it.
   */
  async call(id: string, tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
    let active = this.#state.get(id);
    if (!active) throw new LaunchError(`${id} is not active; start it with registry-add first`);
    if (active.state !== "running" || !active.upstream?.running) {
      active = await recover(this.#state, active, {
        restart: (entry, config) => this.add(entry, config, { keep: true }),
        loadConfig: this.#options.loadConfig,
        lookupEntry: this.#options.lookupEntry,
        log: this.#options.log,
        backoffMs: this.#options.restartBackoffMs,
      });
    }
    const upstream = active.upstream!;
    const { mask } = active;
    try {
      // A server may repeat a secret it was given (an echo tool, a debug dump): never pass it on.
      return maskDeep(await upstream.callTool(tool, args, this.#options.callTimeoutMs), mask);
    } catch (error) {
      const message = mask((error as Error).message);
      if (upstream.running && !(await upstream.ping())) {
        this.#options.log.warn("server stopped answering; stopping it", { server: id });
        active.lastError = "it stopped answering (no reply to a ping after a timed-out call)";
        await this.#stop(active);
        throw new LaunchError(
          `${message}; ${id} then stopped answering, so it was stopped. The next call starts ` +
            "it again",
        );
      }
      if (upstream.running) {
        // A timeout or a protocol error: the server lives on.
        if (message === (error as Error).message) throw error;
        throw new Error(message);
      }
      throw new LaunchError(
        `${id} stopped during the call: ${upstream.describeExit()}. The next call starts it again`,
      );
    }
  }

  /** Stops every server and starts nothing more (on shutdown). */
  async closeAll(): Promise<void> {
    this.#state.closed = true;
    await Promise.allSettled([...this.#starting.values()].map((s) => s.promise));
    const all = this.#state.takeAll();
    await Promise.allSettled(all.map((a) => this.#stop(a)));
    await this.#options.runtime.close?.(); // podman's API service, once nothing is attached
  }

  /** Removes containers of ours whose registry process is gone; returns their names. */
  async sweepOrphans(): Promise<string[]> {
    const { runtime, owner, log } = this.#options;
    const containers = await runtime.list({ [LABEL_MANAGED]: "true" });
    const orphans: string[] = [];
    for (const c of containers) {
      const theirs = c.labels[LABEL_OWNER] ?? "";
      if (theirs === owner) continue;
      if (!ownerAlive(theirs)) orphans.push(c.name);
    }
    await runtime.remove(orphans);
    if (orphans.length) log.info("removed orphaned containers", { orphans });
    return orphans;
  }

  async #start(
    entry: CatalogEntry,
    config: ServerConfig,
    hash: string,
    keep: boolean,
    progress: (step: string) => void,
  ): Promise<AddOutcome> {
    try {
      return await this.#startOnce(entry, config, hash, progress);
    } catch (error) {
      // A restart that failed before the old container was stopped (a refused path, a missing
      // image): the old one runs with settings that were replaced (a revoked key, a folder no
      // longer meant to be shared), so it is stopped too, and the error says so.
      const old = this.#state.get(entry.id);
      if (old?.state === "running") {
        await this.#stop(old);
        if (error instanceof Error) {
          error.message += `. The ${entry.id} that ran with the earlier settings was stopped`;
        }
      }
      // A server that was active (a restart, a recovery, a restore) stays listed as failed,
      // with the reason and its mount; a first add that fails leaves nothing behind.
      if (keep && !this.#state.closed) {
        this.#markFailed(entry.id, entry, (error as Error).message);
        this.#toolsChanged();
      } else if (this.#state.get(entry.id)?.state !== "running") {
        this.#state.delete(entry.id);
      }
      throw error;
    }
  }

  async #startOnce(
    entry: CatalogEntry,
    config: ServerConfig,
    hash: string,
    progress: (step: string) => void,
  ): Promise<AddOutcome> {
    const started = performance.now();
    const { log } = this.#options;
    const plan = await this.#launcher.prepare(entry, config, progress);
    const previous = this.#state.get(entry.id);
    if (previous) await this.#stop(previous);

    const { container } = plan;
    const mask = secretMasker(Object.values(config.secrets));
    const active = this.#state.set(newActive(entry, { container, configHash: hash, mask }));
    try {
      active.upstream = await plan.open({
        onToolsChanged: () => this.#toolsChanged(),
        onExit: (reason) => {
          if (this.#state.get(entry.id) !== active) return;
          active.state = "exited";
          active.lastError = reason;
          log.warn("server exited", { server: entry.id, container, reason });
          if (container) void this.#options.runtime.remove([container]).catch(() => {});
        },
      });
    } catch (error) {
      if (this.#state.get(entry.id) === active) this.#state.delete(entry.id);
      const failure = await plan.failure(error, active.startedAt);
      if (!this.#state.closed) this.#options.onStartFailed?.(entry, failure);
      throw failure;
    }
    active.state = "running";
    this.#options.onStarted?.(entry);
    this.#toolsChanged();
    const tools = active.names.size;
    const ms = Math.round(performance.now() - started);
    if (plan.perCall) {
      progress(`running with ${tools} tools (one container per call)`);
      log.info("server running", { server: entry.id, per_call: true, tools, ms });
    } else {
      progress(`running with ${tools} tools`);
      log.info("server running", { server: entry.id, container, tools, ms });
    }
    return { status: "started", tools: describeTools(active), ms };
  }

  /** Exposed names follow the servers and their tools; clients hear of every change. */
  #toolsChanged() {
    this.#state.rebuildRoutes();
    this.#options.onToolsChanged();
  }

  async #stop(active: Active) {
    active.state = "exited";
    await active.upstream?.close();
    if (!active.container) return;
    // SIGKILL of podman leaves the container to conmon: remove it by name to be sure.
    await this.#options.runtime.remove([active.container]).catch((error) =>
      this.#options.log.warn("cannot remove container", {
        container: active.container,
        error: String(error),
      })
    );
  }
}

/** A fingerprint of settings, independent of key order. */
function configHash(config: ServerConfig): string {
  const stable = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(stable)
      : value && typeof value === "object"
      ? Object.fromEntries(
        Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a < b ? -1 : 1)
          .map(([k, v]) => [k, stable(v)]),
      )
      : value;
  return fingerprint(JSON.stringify(stable(config)));
}
