/**
 * The servers an agent activated: one long-lived container each, its MCP client, and the
 * names under which its tools are exposed.
 *
 * @module
 */
import { maskDeep, secretMasker } from "../util/mask.ts";
import { type CatalogEntry, minimalEntry } from "../catalog/entry.ts";
import { fingerprint } from "../util/fingerprint.ts";
import type { Logger } from "../util/log.ts";
import type { CallToolResult, Tool } from "../mcp/sdk.ts";
import {
  buildLaunchSpec,
  LaunchError,
  type LaunchSpec,
  qualifyImage,
} from "../runtime/launch_spec.ts";
import type { Podman } from "../runtime/podman.ts";
import { ownerAlive } from "../runtime/podman.ts";
import { buildRemoteSpec, type RemoteSpec } from "../runtime/remote_spec.ts";
import { DEFAULT_RUNTIMES, packageCommand, type PackageRuntimes } from "../runtime/package_spec.ts";
import { type ContainerLimits, containerName, podmanRunArgs } from "../runtime/podman_args.ts";
import type { ServerConfig } from "../catalog/settings.ts";
import type { MountStore } from "../store/mount_store.ts";
import { exposedToolNames, toolPrefix } from "./tool_names.ts";
import { volumeHint } from "./_volume_hint.ts";
import { applyMountPolicy, type LegacyVolumes, type MountPolicy } from "../runtime/mount_policy.ts";
import type { ServerConnection, UpstreamCommand } from "./upstream.ts";

/**
 * Where an active server stands: `exited` when its process ended (it restarts on the next call),
 * `failed` when it could not be started or restored (the reason is in `last_error`).
 */
export type ServerState = "starting" | "running" | "exited" | "failed";

/** One active server, as `registry-active` reports it. */
export interface ActiveInfo {
  id: string;
  title: string;
  state: ServerState;
  container: string;
  image: string;
  /** The remote server's address (origin and path), for remote servers. */
  url: string | null;
  started_at: string;
  tool_count: number;
  tools: string[];
  last_error: string | null;
}

/** What `add` did. */
export interface AddOutcome {
  status: "started" | "already-running" | "restarted";
  tools: { name: string; tool: string; description: string }[];
  ms: number;
}

/** Options for {@linkcode ActiveServers}. */
export interface ActiveServersOptions {
  podman: Podman;
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
}

interface Active {
  entry: CatalogEntry;
  container: string;
  prefix: string;
  /** Child tool name → exposed name. */
  names: Map<string, string>;
  upstream: ServerConnection | null;
  state: ServerState;
  startedAt: Date;
  lastError: string | null;
  /** Fingerprint of the settings it runs with: other settings mean a restart. */
  configHash: string;
  /** Masks the server's stored secret values in what it answers. */
  mask: (text: string) => string;
}

/** Pauses between the restart attempts of a crashed server. */
const DEFAULT_RESTART_BACKOFF_MS = [250, 1000, 3000];

/** The pool of running servers. */
export class ActiveServers {
  readonly #options: ActiveServersOptions;
  readonly #active = new Map<string, Active>();
  readonly #starting = new Map<string, { promise: Promise<AddOutcome>; hash: string }>();
  /** Bumped by every remove: a start or restart that began before it must not bring it back. */
  readonly #epoch = new Map<string, number>();
  #closed = false;
  /** Exposed name → [server id, child tool name]. */
  #routes = new Map<string, [string, string]>();

  constructor(options: ActiveServersOptions) {
    this.#options = options;
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
    if (this.#closed) {
      return Promise.reject(new LaunchError("mcp-registry is shutting down; nothing new starts"));
    }
    const hash = configHash(config);
    const current = this.#active.get(entry.id);
    if (current?.state === "running" && current.configHash === hash) {
      return Promise.resolve({
        status: "already-running",
        tools: this.#describeTools(current),
        ms: 0,
      });
    }
    const inFlight = this.#starting.get(entry.id);
    if (inFlight && inFlight.hash === hash) return inFlight.promise;
    const restarting = current?.state === "running";
    const epoch = this.#epochOf(entry.id);
    const keep = options.keep ?? current !== undefined;
    const promise = (inFlight?.promise.catch(() => {}) ?? Promise.resolve())
      .then(() => this.#start(entry, config, hash, keep, options.progress ?? (() => {})))
      .then(async (outcome) => {
        if (this.#closed || this.#epochOf(entry.id) !== epoch) {
          // Removed (or shutting down) while it started: undo, and do not remember it.
          const started = this.#active.get(entry.id);
          if (started) {
            this.#active.delete(entry.id);
            this.#rebuildRoutes();
            this.#options.onToolsChanged();
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
      if (!this.#active.has(mount.id)) this.#markFailed(mount.id, lookup(mount.id) ?? null, null);
    }
    const queue = mounts.map((m) => ({ id: m.id, epoch: this.#epochOf(m.id) }));
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        if (this.#closed || this.#epochOf(item.id) !== item.epoch) continue; // removed meanwhile
        const entry = lookup(item.id);
        if (!entry) {
          this.#markFailed(item.id, null, "it is no longer in the catalog");
          continue;
        }
        try {
          await this.add(entry, await this.#options.loadConfig(entry.id), { keep: true });
          this.#options.log.info("restored server", { server: entry.id });
        } catch (error) {
          if (this.#epochOf(item.id) === item.epoch && !this.#closed) {
            this.#markFailed(entry.id, entry, (error as Error).message);
          }
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }

  /** Lists `id` as failed (with `reason`) or, with a null reason, as about to start. */
  #markFailed(id: string, entry: CatalogEntry | null, reason: string | null) {
    if (reason) this.#options.log.warn("server cannot start", { server: id, reason });
    const existing = this.#active.get(id);
    this.#active.set(id, {
      entry: entry ?? existing?.entry ?? placeholderEntry(id),
      container: "",
      prefix: toolPrefix(id),
      names: existing?.names ?? new Map(),
      upstream: null,
      state: reason ? "failed" : "starting",
      startedAt: new Date(),
      lastError: reason,
      configHash: "",
      mask: existing?.mask ?? ((text) => text),
    });
  }

  /** Stops and forgets server `id` (also one starting or failed); false when it was not active. */
  async remove(id: string): Promise<boolean> {
    this.#epoch.set(id, this.#epochOf(id) + 1); // starts and restarts under way give up
    await this.#options.mounts?.delete(id);
    await this.#starting.get(id)?.promise.catch(() => {});
    const active = this.#active.get(id);
    if (!active) return false;
    this.#active.delete(id);
    this.#rebuildRoutes();
    this.#options.onToolsChanged();
    await this.#stop(active);
    return true;
  }

  #epochOf(id: string): number {
    return this.#epoch.get(id) ?? 0;
  }

  /** True when `id` is active (in any state). */
  has(id: string): boolean {
    return this.#active.has(id);
  }

  /** Every active server. */
  list(): ActiveInfo[] {
    return [...this.#active.values()].map((a) => ({
      id: a.entry.id,
      title: a.entry.title,
      state: a.state,
      container: a.container,
      image: a.entry.launch_method === "podman"
        ? a.entry.container_image ?? ""
        : a.entry.run.package
        ? `${a.entry.run.package.registry}:${a.entry.run.package.name}`
        : "",
      url: a.entry.remote && a.entry.launch_method === "remote-http"
        ? a.entry.remote.url.replace(/[?#].*$/, "")
        : null,
      started_at: a.startedAt.toISOString(),
      tool_count: a.names.size,
      tools: [...a.names.values()],
      last_error: a.lastError,
    }));
  }

  /** The exposed tools of every running server, as `tools/list` shows them. */
  exposedTools(): Tool[] {
    const tools: Tool[] = [];
    for (const active of this.#active.values()) {
      for (const tool of active.upstream?.tools ?? []) {
        const name = active.names.get(tool.name);
        if (!name) continue;
        tools.push({
          ...tool,
          name,
          title: tool.title ?? `${active.entry.title}: ${tool.name}`,
          description: `[${active.entry.title}] ${tool.description ?? ""}`.trim(),
        });
      }
    }
    return tools;
  }

  /** The server and child tool behind an exposed name. */
  route(exposedName: string): { id: string; tool: string } | undefined {
    const route = this.#routes.get(exposedName);
    return route ? { id: route[0], tool: route[1] } : undefined;
  }

  /** The MCP client of server `id`, for diagnostics and benchmarks. */
  upstreamOf(id: string): ServerConnection | undefined {
    return this.#active.get(id)?.upstream ?? undefined;
  }

  /** The child tool names of server `id`. */
  toolsOf(id: string): string[] {
    return this.#active.get(id)?.upstream?.tools.map((t) => t.name) ?? [];
  }

  /**
   * Calls `tool` (the child's own name) on server `id`; the result is the child's, unchanged.
   * A server that exited or failed is started again first (a few attempts, with pauses); a
   * call that times out is followed by a ping, and a server that no longer answers is stopped
   * so that the next call restarts it.
   */
  async call(id: string, tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
    let active = this.#active.get(id);
    if (!active) throw new LaunchError(`${id} is not active; start it with registry-add first`);
    if (active.state !== "running" || !active.upstream?.running) {
      active = await this.#recover(active);
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

  /** Starts a crashed or failed server again, with a bounded number of attempts. */
  async #recover(active: Active): Promise<Active> {
    const id = active.entry.id;
    const epoch = this.#epochOf(id);
    const pauses = this.#options.restartBackoffMs ?? DEFAULT_RESTART_BACKOFF_MS;
    const reason = active.lastError ?? "it stopped";
    let lastError = reason;
    for (let attempt = 0; attempt <= pauses.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, pauses[attempt - 1]));
      if (this.#closed || this.#epochOf(id) !== epoch) {
        throw new LaunchError(`${id} was removed; start it with registry-add`);
      }
      const now = this.#active.get(id);
      if (now && now !== active && now.state === "running") return now; // restarted meanwhile
      // The catalog may have changed (or the entry come back) since it was first started.
      const entry = this.#options.lookupEntry?.(id) ?? active.entry;
      try {
        const config = await this.#options.loadConfig(id);
        await this.add(entry, config, { keep: true });
        this.#options.log.info("restarted server", { server: id, after: reason, attempt });
        return this.#active.get(id)!;
      } catch (error) {
        lastError = (error as Error).message;
        if (error instanceof LaunchError || isPermanent(lastError)) break; // retrying cannot help
      }
    }
    const current = this.#active.get(id);
    if (current && current.state !== "running") {
      current.state = "failed";
      current.lastError = lastError;
    }
    throw new LaunchError(
      `${id} is not running (${reason}) and could not be started again: ${lastError}. Fix the ` +
        `cause, then call registry-add {"id":"${id}"}`,
    );
  }

  /** Stops every server and starts nothing more (on shutdown). */
  async closeAll(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#starting.values()].map((s) => s.promise));
    const all = [...this.#active.values()];
    this.#active.clear();
    this.#rebuildRoutes();
    await Promise.allSettled(all.map((a) => this.#stop(a)));
  }

  /** Removes containers of ours whose registry process is gone; returns their names. */
  async sweepOrphans(): Promise<string[]> {
    const containers = await this.#options.podman.listManaged();
    const orphans: string[] = [];
    for (const c of containers) {
      if (c.owner === this.#options.owner) continue;
      if (!ownerAlive(c.owner)) orphans.push(c.name);
    }
    await this.#options.podman.remove(orphans);
    if (orphans.length) this.#options.log.info("removed orphaned containers", { orphans });
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
      const old = this.#active.get(entry.id);
      if (old?.state === "running") {
        await this.#stop(old);
        if (error instanceof Error) {
          error.message += `. The ${entry.id} that ran with the earlier settings was stopped`;
        }
      }
      // A server that was active (a restart, a recovery, a restore) stays listed as failed,
      // with the reason and its mount; a first add that fails leaves nothing behind.
      if (keep && !this.#closed) {
        this.#markFailed(entry.id, entry, (error as Error).message);
        this.#rebuildRoutes();
        this.#options.onToolsChanged();
      } else if (this.#active.get(entry.id)?.state !== "running") {
        this.#active.delete(entry.id);
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
    const { log, podman } = this.#options;
    if (entry.launch_method === "podman" && entry.tools.some((t) => t.container)) {
      return await this.#startPoci(entry, config, hash, progress, started);
    }
    let connect: {
      command?: UpstreamCommand;
      remote?: RemoteSpec;
      container: string;
      volumes?: string[];
    };
    if (entry.launch_method === "none") {
      throw new LaunchError(`${entry.id}: the catalog says nothing about how to run it`);
    } else if (entry.launch_method === "remote-http") {
      const remote = buildRemoteSpec(entry, config, {
        allowInsecure: this.#options.allowInsecureRemotes,
      });
      connect = { remote, container: "" };
      log.info("connecting to remote server", { server: entry.id, url: remote.url.origin });
      progress(`connecting to ${remote.url.origin}`);
    } else if (entry.launch_method === "podman") {
      connect = await this.#prepareContainer(entry, config, progress);
    } else if (this.#options.allowHostProcesses) {
      connect = this.#prepareHostProcess(entry, config);
      progress(`starting ${connect.command?.command ?? "the package"} on this machine`);
    } else {
      connect = await this.#prepareContainer(entry, config, progress, true);
    }
    const previous = this.#active.get(entry.id);
    if (previous) await this.#stop(previous);

    const { container } = connect;
    const active: Active = {
      entry,
      container,
      prefix: toolPrefix(entry.id),
      names: new Map(),
      upstream: null,
      state: "starting",
      startedAt: new Date(),
      lastError: null,
      configHash: hash,
      mask: secretMasker(Object.values(config.secrets)),
    };
    this.#active.set(entry.id, active);
    const removeContainer = () =>
      container ? this.#options.podman.remove([container]).catch(() => {}) : Promise.resolve();
    try {
      // Loaded on first use: the SDK's client side costs ~60 ms of start-up otherwise.
      const { Upstream } = await import("./upstream.ts");
      progress("waiting for the server's MCP handshake and tool list");
      active.upstream = await Upstream.start({
        id: entry.id,
        ...connect,
        startTimeoutMs: this.#options.startTimeoutMs,
        redact: Object.values(config.secrets),
        onToolsChanged: () => {
          this.#rebuildRoutes();
          this.#options.onToolsChanged();
        },
        onExit: (reason) => {
          if (this.#active.get(entry.id) !== active) return;
          active.state = "exited";
          active.lastError = reason;
          log.warn("server exited", { server: entry.id, container, reason });
          void removeContainer();
        },
      });
    } catch (error) {
      if (this.#active.get(entry.id) === active) this.#active.delete(entry.id);
      await removeContainer();
      // A server (or a remote's error page) may repeat a secret it was given: never pass it on.
      const mask = secretMasker(Object.values(config.secrets));
      const { message: raw } = error as Error;
      const hint = await volumeHint(connect.volumes ?? [], raw, active.startedAt, podman);
      const message = mask(raw) + hint;
      if (message === raw) throw error;
      throw new LaunchError(message);
    }
    active.state = "running";
    this.#rebuildRoutes();
    this.#options.onToolsChanged();
    progress(`running with ${active.names.size} tools`);
    const ms = Math.round(performance.now() - started);
    log.info("server running", { server: entry.id, container, tools: active.names.size, ms });
    return { status: "started", tools: this.#describeTools(active), ms };
  }

  /**
   * Docker's `poci` entries: nothing runs between calls; each tool call runs its own container
   * (see `poci_server.ts`). Ready as soon as podman answers.
   */
  async #startPoci(
    entry: CatalogEntry,
    config: ServerConfig,
    hash: string,
    progress: (step: string) => void,
    started: number,
  ): Promise<AddOutcome> {
    const { podman, limits, owner, log } = this.#options;
    progress("checking podman");
    await podman.version();
    const previous = this.#active.get(entry.id);
    if (previous) await this.#stop(previous);
    const { PociServer } = await import("./poci_server.ts");
    const active: Active = {
      entry,
      container: "",
      prefix: toolPrefix(entry.id),
      names: new Map(),
      upstream: new PociServer(entry, {
        podman,
        limits,
        owner,
        log,
        mountPolicy: () => this.#mountPolicy(),
        ...(this.#options.legacyVolumes ? { legacyVolumes: this.#options.legacyVolumes } : {}),
        secrets: Object.values(config.secrets),
      }),
      state: "running",
      startedAt: new Date(),
      lastError: null,
      configHash: hash,
      mask: secretMasker(Object.values(config.secrets)),
    };
    this.#active.set(entry.id, active);
    this.#rebuildRoutes();
    this.#options.onToolsChanged();
    progress(`running with ${active.names.size} tools (one container per call)`);
    const ms = Math.round(performance.now() - started);
    log.info("server running", { server: entry.id, per_call: true, tools: active.names.size, ms });
    return { status: "started", tools: this.#describeTools(active), ms };
  }

  /**
   * A package server as a process on this machine: only when the user opted in
   * (`MCP_REGISTRY_ALLOW_HOST_PROCESSES=1`), since it runs with the user's own rights.
   */
  #prepareHostProcess(entry: CatalogEntry, config: ServerConfig) {
    const spec = buildLaunchSpec(entry, config, { image: "host" });
    const run = packageCommand(entry, spec, this.#options.runtimes);
    const base = Object.fromEntries(
      ["PATH", "HOME", "USER", "LANG", "TMPDIR"].flatMap((k) => {
        const v = Deno.env.get(k);
        return v === undefined ? [] : [[k, v]];
      }),
    );
    this.#options.log.warn("running a package server on this machine, outside a container", {
      server: entry.id,
      program: run.entrypoint,
    });
    return {
      command: { command: run.entrypoint, args: run.args, env: { ...base, ...spec.env } },
      container: "",
    };
  }

  /** Checks what a container needs (paths, podman, the image) and builds its command. */
  async #prepareContainer(
    entry: CatalogEntry,
    config: ServerConfig,
    progress: (step: string) => void,
    asPackage = false,
  ) {
    const { podman, limits, owner, log } = this.#options;
    const runtimes = this.#options.runtimes ?? DEFAULT_RUNTIMES;
    const { home } = await this.#mountPolicy();
    let spec: LaunchSpec;
    if (asPackage) {
      const base = buildLaunchSpec(entry, config, { home, image: "package" });
      await this.#applyMounts(base, entry.id);
      const run = packageCommand(entry, base, runtimes);
      spec = {
        ...base,
        image: qualifyImage(run.image),
        entrypoint: run.entrypoint,
        command: run.args,
        // The registry's own package cache, added after the policy renamed the catalog's.
        volumes: [...base.volumes, run.cacheVolume],
      };
    } else {
      spec = buildLaunchSpec(entry, config, { home });
      await this.#applyMounts(spec, entry.id);
    }
    progress("checking podman and the image");
    await podman.version();
    if (!(await podman.imageExists(spec.image))) {
      log.info("pulling image", { server: entry.id, image: spec.image });
      progress(`pulling the image ${spec.image} (the first start of a server can take minutes)`);
      await podman.pull(spec.image);
    }
    const container = containerName(entry.id);
    progress(`starting the container ${container}`);
    const args = podmanRunArgs({ spec, name: container, serverId: entry.id, owner, limits });
    log.info("starting server", { server: entry.id, container, args });
    return {
      command: { command: podman.binary, args, env: podman.env(spec.env) },
      container,
      volumes: spec.volumes,
    };
  }

  /** What containers may mount now (see mount_policy.ts). */
  async #mountPolicy(): Promise<MountPolicy> {
    return await this.#options.mountPolicy?.() ??
      { roots: [], home: Deno.env.get("HOME"), protectedPaths: [] };
  }

  async #applyMounts(spec: LaunchSpec, serverId: string): Promise<void> {
    await applyMountPolicy(spec, {
      serverId,
      policy: await this.#mountPolicy(),
      ...(this.#options.legacyVolumes ? { legacy: this.#options.legacyVolumes } : {}),
      log: (message, fields) => this.#options.log.info(message, fields),
    });
  }

  async #stop(active: Active) {
    active.state = "exited";
    await active.upstream?.close();
    if (!active.container) return;
    // SIGKILL of podman leaves the container to conmon: remove it by name to be sure.
    await this.#options.podman.remove([active.container]).catch((error) =>
      this.#options.log.warn("cannot remove container", {
        container: active.container,
        error: String(error),
      })
    );
  }

  /** Recomputes every exposed name, in a stable order of servers, so names never collide. */
  #rebuildRoutes() {
    const taken = new Set<string>();
    const routes = new Map<string, [string, string]>();
    const ids = [...this.#active.keys()].sort();
    for (const id of ids) {
      const active = this.#active.get(id)!;
      const tools = active.upstream?.tools.map((t) => t.name) ?? [];
      active.names = exposedToolNames(active.prefix, tools, taken);
      for (const [tool, name] of active.names) routes.set(name, [id, tool]);
    }
    this.#routes = routes;
  }

  #describeTools(active: Active) {
    return (active.upstream?.tools ?? []).map((t) => ({
      name: active.names.get(t.name) ?? t.name,
      tool: t.name,
      description: t.description ?? "",
    }));
  }
}

/** Failures a retry cannot fix: podman missing, an image that cannot be had, a config error. */
function isPermanent(message: string): boolean {
  return /not installed or not on PATH|Cannot pull the image|needs .* first/.test(message);
}

/** Stands in for an entry that left the catalog, so its mount can still be listed and removed. */
function placeholderEntry(id: string): CatalogEntry {
  return minimalEntry({ id });
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
