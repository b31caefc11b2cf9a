/**
 * Launching: what each way of running a server needs before it starts (a container, a package
 * in a runtime image or on this machine, a remote, Docker's per-call `poci` containers), checked
 * and built into a plan; the plan opens the connection the pool keeps. Every container goes
 * through `applyMountPolicy()` first (the per-call ones in `poci_server.ts`).
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { ServerConfig } from "../catalog/settings.ts";
import {
  builtImage,
  type ContainerLimits,
  containerName,
  type ContainerRuntime,
  serverLabels,
  type ServerStdio,
} from "../runtime/container_runtime.ts";
import {
  buildLaunchSpec,
  LaunchError,
  type LaunchSpec,
  qualifyImage,
} from "../runtime/launch_spec.ts";
import { applyMountPolicy, type LegacyVolumes, type MountPolicy } from "../runtime/mount_policy.ts";
import { DEFAULT_RUNTIMES, packageCommand, type PackageRuntimes } from "../runtime/package_spec.ts";
import { buildRemoteSpec, type RemoteSpec } from "../runtime/remote_spec.ts";
import type { Logger } from "../util/log.ts";
import { secretMasker } from "../util/mask.ts";
import { volumeHint } from "./_volume_hint.ts";
import type { ServerConnection, UpstreamCommand } from "./upstream.ts";

/** What the launcher needs; see `ActiveServersOptions` for each. */
export interface LauncherOptions {
  runtime: ContainerRuntime;
  limits: ContainerLimits;
  owner: string;
  log: Logger;
  startTimeoutMs?: number;
  runtimes?: PackageRuntimes;
  allowHostProcesses?: boolean;
  allowInsecureRemotes?: boolean;
  mountPolicy?: () => Promise<MountPolicy>;
  legacyVolumes?: LegacyVolumes;
}

/** What the pool hears from a running server. */
export interface ConnectionEvents {
  /** Its tool list changed and was listed again. */
  onToolsChanged(): void;
  /** It exited, or the connection broke; `reason` says why, with its last output. */
  onExit(reason: string): void;
}

/** A start, checked and ready to open. */
export interface LaunchPlan {
  /** The container it runs in; "" for a remote, a host process or per-call containers. */
  container: string;
  /** True for a `poci` entry: nothing runs between calls, one container per call. */
  perCall: boolean;
  /** Starts the server (or connects to it) and lists its tools. */
  open(events: ConnectionEvents): Promise<ServerConnection>;
  /**
   * What to report when `open()` failed (its container is removed first): the error with the
   * server's secrets masked and a hint when a stale volume may be the cause.
   */
  failure(error: unknown, startedAt: Date): Promise<unknown>;
}

/**
 * How to reach a server once checked: a container attached over the runtime (else its local
 * command), a local command, or a remote.
 */
interface Connect {
  attach?: () => Promise<ServerStdio | null>;
  command?: UpstreamCommand;
  remote?: RemoteSpec;
  container: string;
  volumes?: string[];
}

/** Builds launch plans. */
export class Launcher {
  readonly #options: LauncherOptions;

  constructor(options: LauncherOptions) {
    this.#options = options;
  }

  /**
   * Checks what the start of `entry` with `config` needs (settings, paths, the runtime, the
   * image) and says each step to `progress`; throws what stands in the way.
   */
  async prepare(
    entry: CatalogEntry,
    config: ServerConfig,
    progress: (step: string) => void,
  ): Promise<LaunchPlan> {
    const { log, runtime } = this.#options;
    if (entry.launch_method === "podman" && entry.tools.some((t) => t.container)) {
      return await this.#preparePerCall(entry, config, progress);
    }
    let connect: Connect;
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
    } else if (entry.launch_method === "build") {
      connect = await this.#prepareContainer(await this.#builtEntry(entry), config, progress);
    } else if (this.#options.allowHostProcesses) {
      connect = this.#prepareHostProcess(entry, config);
      progress(`starting ${connect.command?.command ?? "the package"} on this machine`);
    } else {
      connect = await this.#prepareContainer(entry, config, progress, true);
    }
    const secrets = Object.values(config.secrets);
    const { container } = connect;
    const removeContainer = () =>
      container ? runtime.remove([container]).catch(() => {}) : Promise.resolve();
    return {
      container,
      perCall: false,
      open: async (events) => {
        // Loaded on first use: the SDK's client side costs ~60 ms of start-up otherwise.
        const { Upstream } = await import("./upstream.ts");
        progress("waiting for the server's MCP handshake and tool list");
        return await Upstream.start({
          id: entry.id,
          ...connect,
          startTimeoutMs: this.#options.startTimeoutMs,
          redact: secrets,
          onToolsChanged: () => events.onToolsChanged(),
          onExit: (reason) => events.onExit(reason),
        });
      },
      failure: async (error, startedAt) => {
        await removeContainer();
        // A server (or a remote's error page) may repeat a secret it was given: never pass it on.
        const { message: raw } = error as Error;
        const hint = await volumeHint(connect.volumes ?? [], raw, startedAt, runtime);
        const message = secretMasker(secrets)(raw) + hint;
        return message === raw ? error : new LaunchError(message);
      },
    };
  }

  /**
   * Docker's `poci` entries: nothing runs between calls; each tool call runs its own container
   * (see `poci_server.ts`). Ready as soon as the runtime answers.
   */
  async #preparePerCall(
    entry: CatalogEntry,
    config: ServerConfig,
    progress: (step: string) => void,
  ): Promise<LaunchPlan> {
    const { runtime, limits, owner, log, legacyVolumes } = this.#options;
    progress(`checking ${runtime.name}`);
    await runtime.version();
    return {
      container: "",
      perCall: true,
      open: async () => {
        const { PociServer } = await import("./poci_server.ts");
        return new PociServer(entry, {
          runtime,
          limits,
          owner,
          log,
          mountPolicy: () => this.#mountPolicy(),
          ...(legacyVolumes ? { legacyVolumes } : {}),
          secrets: Object.values(config.secrets),
        });
      },
      failure: (error) => Promise.resolve(error),
    };
  }

  /**
   * A package server as a process on this machine: only when the user opted in
   * (`MCP_REGISTRY_ALLOW_HOST_PROCESSES=1`), since it runs with the user's own rights.
   */
  #prepareHostProcess(entry: CatalogEntry, config: ServerConfig): Connect {
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

  /** Checks what a container needs (paths, the runtime, the image) and builds its command. */
  async #prepareContainer(
    entry: CatalogEntry,
    config: ServerConfig,
    progress: (step: string) => void,
    asPackage = false,
  ): Promise<Connect> {
    const { runtime, limits, owner, log } = this.#options;
    const runtimes = this.#options.runtimes ?? DEFAULT_RUNTIMES;
    // Read once per start: the approved folders come from the store.
    const policy = await this.#mountPolicy();
    const { home } = policy;
    let spec: LaunchSpec;
    // The volumes the catalog named (after the policy), for the stale-volume hint; not the
    // registry's own package cache added below.
    let catalogVolumes: string[];
    if (asPackage) {
      const base = buildLaunchSpec(entry, config, { home, image: "package" });
      await this.#applyMounts(base, entry.id, policy);
      catalogVolumes = base.volumes;
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
      await this.#applyMounts(spec, entry.id, policy);
      catalogVolumes = spec.volumes;
    }
    progress(`checking ${runtime.name} and the image`);
    await runtime.version();
    if (!(await runtime.imageExists(spec.image))) {
      log.info("pulling image", { server: entry.id, image: spec.image });
      progress(`pulling the image ${spec.image} (the first start of a server can take minutes)`);
      await runtime.pull(spec.image);
    }
    const container = containerName(entry.id);
    progress(`starting the container ${container}`);
    const request = { spec, name: container, labels: serverLabels(entry.id, owner), limits };
    const command = runtime.serverCommand(request);
    log.info("starting server", { server: entry.id, container, args: command.args });
    // Attached over the runtime's shared service when it can; else `command` runs.
    const attach = runtime.attachServer ? () => runtime.attachServer!(request) : undefined;
    return { ...(attach ? { attach } : {}), command, container, volumes: catalogVolumes };
  }

  /**
   * A `build` entry as the container entry of its built image (`builtImage()`: the pinned
   * commit's, else the last build's), so the mount policy and hardening apply as to any other.
   * Never builds: without the image, the error says how a person asks for the build.
   */
  async #builtEntry(entry: CatalogEntry): Promise<CatalogEntry> {
    const image = builtImage(entry.id, entry.build?.commit);
    if (!(await this.#options.runtime.imageExists(image))) {
      throw new LaunchError(
        `${entry.id} is built from source and its image ${image} is not built yet: ` +
          `registry-add {id: "${entry.id}", build: true} builds it`,
      );
    }
    return { ...entry, launch_method: "podman", container_image: image };
  }

  /** What containers may mount now (see mount_policy.ts). */
  async #mountPolicy(): Promise<MountPolicy> {
    return await this.#options.mountPolicy?.() ??
      { roots: [], home: Deno.env.get("HOME"), protectedPaths: [] };
  }

  async #applyMounts(spec: LaunchSpec, serverId: string, policy: MountPolicy): Promise<void> {
    await applyMountPolicy(spec, {
      serverId,
      policy,
      ...(this.#options.legacyVolumes ? { legacy: this.#options.legacyVolumes } : {}),
      log: (message, fields) => this.#options.log.info(message, fields),
    });
  }
}
