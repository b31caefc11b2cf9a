/**
 * The one place that runs `podman`: the `ContainerRuntime` of the registry. Long-lived servers
 * are attached over one shared API service (`attachServer()`, podman_attached.ts); with
 * `attach: "run"`, or when the service cannot start, each runs under a `podman run -i` client
 * that the SDK's stdio transport spawns from the command `serverCommand()` builds.
 *
 * @module
 */
import {
  type BuildOptions,
  type BuildOutput,
  type BuildRequest,
  type ContainerInfo,
  type ContainerRequest,
  type ContainerRuntime,
  ContainerRuntimeError,
  type Labels,
  type RunOnceOptions,
  type RunOutput,
  type ServerCommand,
  type ServerStdio,
} from "./container_runtime.ts";
import type { Logger } from "../util/log.ts";
import { podmanBuildArgs, podmanRunArgs } from "./podman_args.ts";
import type { AttachStatus } from "./podman_attached.ts";

export type { AttachStatus } from "./podman_attached.ts";
import type { PodmanService } from "./podman_service.ts";

export { ownerAlive, ownerTag } from "./container_runtime.ts";
export { podmanBuildArgs } from "./podman_args.ts";
export { PODMAN_ENV, PROXY_ENV } from "./podman_env.ts";
import { PODMAN_ENV } from "./podman_env.ts";

/** podman failed or is missing; `message` says what to do, `kind` whether a retry can help. */
export class PodmanError extends ContainerRuntimeError {
  override name = "PodmanError";
}

/** Options for {@linkcode Podman}. */
export interface PodmanOptions {
  /** @default "podman" */
  binary?: string;
  /** The environment to take podman's variables from. @default Deno.env.toObject() */
  env?: Record<string, string>;
  /**
   * How long-lived servers run: `service` attaches them over one shared `podman system service`
   * (falling back to `run` when it cannot start), `run` gives each its own `podman run -i`.
   * The registry's setting is `MCP_REGISTRY_PODMAN_ATTACH`. @default "run"
   */
  attach?: "service" | "run";
  /** Told when the service cannot start and servers fall back to `podman run -i`. */
  log?: Logger;
  /** Seconds the service stays with nothing attached. @default 30 */
  serviceIdleSeconds?: number;
}

/** Runs podman commands. */
export class Podman implements ContainerRuntime {
  readonly name = "podman";
  readonly binary: string;
  readonly #baseEnv: Record<string, string>;
  #version: Promise<string> | null = null;
  readonly #attach: "service" | "run";
  readonly #log: Logger | undefined;
  #service: PodmanService | null = null;
  #fallback: string | null = null;
  #fallbackAt = 0; // when the service last failed to start: tried again 10 minutes later
  /** How many times `close()` was called: an attach under way sees whether one came between. */
  #closes = 0;

  readonly #idleSeconds: number | undefined;

  constructor(
    { binary = "podman", env = Deno.env.toObject(), attach = "run", log, serviceIdleSeconds }:
      PodmanOptions = {},
  ) {
    this.binary = binary;
    this.#baseEnv = Object.fromEntries(
      PODMAN_ENV.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!]),
    );
    this.#attach = attach;
    this.#log = log;
    this.#idleSeconds = serviceIdleSeconds;
  }

  /** How long-lived servers run now (see {@linkcode PodmanOptions.attach}). */
  attachStatus(): AttachStatus {
    if (this.#attach === "run") return { mode: "run" };
    if (this.#fallback) return { mode: "run", reason: this.#fallback };
    const pid = this.#service?.pid;
    return { mode: "service", ...(pid ? { servicePid: pid } : {}) };
  }

  /**
   * Creates, attaches and starts `request` over the shared API service; null when servers run
   * under `podman run -i` instead (asked for, or the service cannot start: said in the log, and
   * tried again after 10 minutes).
   */
  async attachServer(request: ContainerRequest): Promise<ServerStdio | null> {
    if (this.#attach === "run") return null;
    if (this.#fallback && Date.now() - this.#fallbackAt < 600_000) return null;
    // The service and the attach protocol load with the first server: a start that only
    // serves the catalog never needs them.
    const closes = this.#closes;
    const [{ PodmanService }, { startAttached }] = await Promise.all([
      import("./podman_service.ts"),
      import("./podman_attached.ts"),
    ]);
    // Closed while they loaded (the registry is stopping): no service is started after that.
    if (this.#closes !== closes) throw new PodmanError("podman was closed: nothing is started");
    this.#service ??= new PodmanService({
      binary: this.binary,
      env: this.#baseEnv,
      ...(this.#idleSeconds ? { idleSeconds: this.#idleSeconds } : {}),
    });
    try {
      await this.#service.socket();
    } catch (error) {
      this.#fallback = `${(error as Error).message}; each server runs under podman run -i`;
      this.#fallbackAt = Date.now();
      this.#log?.warn("podman API service unavailable", { reason: this.#fallback });
      return null;
    }
    this.#fallback = null;
    return await startAttached(
      {
        run: (args, env, timeoutMs) => this.#exec(args, timeoutMs, env),
        remove: (names) => this.remove(names),
        fail: (message) => new PodmanError(message),
      },
      this.#service,
      request,
    );
  }

  /** Stops the API service, if one runs; servers attached to it lose their stdio. */
  async close(): Promise<void> {
    this.#closes++;
    await this.#service?.close();
    this.#service = null;
  }

  /** podman's version; throws a `PodmanError` with the fix when podman cannot run. */
  version(): Promise<string> {
    this.#version ??= this.#run(["version", "--format", "{{.Client.Version}}"], {
      timeoutMs: 30_000,
    })
      .catch((error) => {
        this.#version = null; // try again next time: the user may install it meanwhile
        throw error;
      });
    return this.#version;
  }

  /** The environment for a podman process: podman's own variables plus `extra` (the values). */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.#baseEnv, ...extra };
  }

  /** True when `image` is in local storage. */
  imageExists(image: string): Promise<boolean> {
    return this.#exists("image", image);
  }

  /** True when the named volume exists. */
  volumeExists(name: string): Promise<boolean> {
    return this.#exists("volume", name);
  }

  async #exists(kind: "image" | "volume", name: string): Promise<boolean> {
    const out = await this.#exec([kind, "exists", "--", name], 30_000);
    if (out.code === 0) return true;
    if (out.code === 1) return false;
    throw new PodmanError(
      `podman ${kind} exists ${name} failed: ${out.stderr || `exit ${out.code}`}`,
    );
  }

  /** When the named volume was made, or null when there is none. */
  async volumeCreatedAt(name: string): Promise<Date | null> {
    const seconds = await this.#inspectNumber("volume", "{{.CreatedAt.Unix}}", name);
    return seconds === null ? null : new Date(seconds * 1000);
  }

  /** The size in bytes of a local image, or null when there is none. */
  imageSize(image: string): Promise<number | null> {
    return this.#inspectNumber("image", "{{.Size}}", image);
  }

  async #inspectNumber(kind: "image" | "volume", format: string, name: string) {
    const out = await this.#exec([kind, "inspect", "--format", format, "--", name], 30_000);
    return out.code === 0 && /^\d+$/.test(out.stdout) ? Number(out.stdout) : null;
  }

  /** Pulls `image`; the error says which image and why. */
  async pull(image: string, timeoutMs = 600_000): Promise<void> {
    try {
      await this.#run(["pull", "--quiet", "--", image], { timeoutMs });
    } catch (error) {
      throw new PodmanError(
        `Cannot pull the image ${image}: ${(error as Error).message}. Check the network and the ` +
          `image name, or pull it yourself (podman pull ${image}) and try again`,
        "image",
      );
    }
  }

  /** Every container carrying all of `labels`, running or not. */
  async list(labels: Labels): Promise<ContainerInfo[]> {
    const filters = Object.entries(labels).flatMap(([k, v]) => ["--filter", `label=${k}=${v}`]);
    const out = await this.#run(["ps", "--all", ...filters, "--format", "json"]);
    const rows = JSON.parse(out || "[]") as {
      Id: string;
      Names: string[];
      Labels: Record<string, string> | null;
      State: string;
    }[];
    return rows.map((r) => ({
      id: r.Id,
      name: r.Names[0] ?? r.Id,
      labels: r.Labels ?? {},
      state: r.State,
    }));
  }

  /** `podman run -i ...` for `request`: the SDK's stdio transport spawns it (see podman_args.ts). */
  serverCommand(request: ContainerRequest): ServerCommand {
    return { command: this.binary, args: podmanRunArgs(request), env: this.env(request.spec.env) };
  }

  /**
   * `podman build` of `request` (see {@linkcode podmanBuildArgs}): each output line goes to
   * `onLine`; a timeout or `signal` stops it (code -1). Whatever the outcome, the whole output
   * comes back.
   */
  async build(request: BuildRequest, options: BuildOptions): Promise<BuildOutput> {
    const signals = [AbortSignal.timeout(options.timeoutMs), options.signal].filter((s) => !!s);
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.binary, {
        args: podmanBuildArgs(request),
        env: this.#baseEnv,
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.any(signals as AbortSignal[]),
      }).spawn();
    } catch (error) {
      throw new PodmanError(`Cannot run podman build: ${(error as Error).message}`, "unavailable");
    }
    const lines: string[] = [];
    const read = async (stream: ReadableStream<Uint8Array>) => {
      let rest = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop() ?? "";
        for (const line of parts) {
          lines.push(line);
          options.onLine?.(line);
        }
      }
      if (rest) {
        lines.push(rest);
        options.onLine?.(rest);
      }
    };
    const [status] = await Promise.all([child.status, read(child.stdout), read(child.stderr)]);
    return { code: status.signal ? -1 : status.code, log: lines.join("\n") };
  }

  /** Removes images by name; ones already gone are fine. */
  async removeImages(names: string[]): Promise<void> {
    if (names.length === 0) return;
    const out = await this.#exec(["rmi", "--force", "--ignore", "--", ...names], 60_000);
    if (out.code !== 0) throw new PodmanError(`podman rmi failed: ${out.stderr}`);
  }

  /** Stops (2 s grace) and removes containers; ones already gone are fine. */
  async remove(names: string[]): Promise<void> {
    if (names.length === 0) return;
    const out = await this.#exec(
      ["rm", "--force", "--time", "2", "--ignore", "--", ...names],
      60_000,
    );
    if (out.code !== 0) throw new PodmanError(`podman rm failed: ${out.stderr}`);
  }

  /**
   * Runs `request` once (`podman run`, its environment values in podman's environment for the
   * `-e NAME` arguments) and returns its exit code and output, whatever the code. `signal`
   * aborts it.
   */
  async runOnce(request: ContainerRequest, options: RunOnceOptions): Promise<RunOutput> {
    const signals = [AbortSignal.timeout(options.timeoutMs), options.signal].filter((s) => !!s);
    const output = await new Deno.Command(this.binary, {
      args: podmanRunArgs(request),
      env: this.env(request.spec.env),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.any(signals as AbortSignal[]),
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return {
      code: output.signal ? -1 : output.code,
      stdout: decode(output.stdout),
      stderr: decode(output.stderr),
    };
  }

  async #run(args: string[], { timeoutMs = 60_000 } = {}): Promise<string> {
    const out = await this.#exec(args, timeoutMs);
    if (out.code !== 0) {
      throw new PodmanError(`podman ${args[0]} failed: ${out.stderr || `exit ${out.code}`}`);
    }
    return out.stdout;
  }

  /** Runs podman with `args`; `env` (a container's values) is added to podman's environment. */
  async #exec(args: string[], timeoutMs: number, env: Record<string, string> = {}) {
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(this.binary, {
        args,
        env: this.env(env),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(timeoutMs),
      }).output();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new PodmanError(
          `Cannot run "${this.binary}": podman is not installed or not on PATH. Install it ` +
            "(Fedora: sudo dnf install podman; Debian/Ubuntu: sudo apt install podman) or set " +
            "MCP_REGISTRY_PODMAN to its path",
          "unavailable",
        );
      }
      throw new PodmanError(`Cannot run podman: ${(error as Error).message}`);
    }
    const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    const stderr = decode(output.stderr).split("\n").slice(-3).join(" ");
    return { code: output.signal ? -1 : output.code, stdout: decode(output.stdout), stderr };
  }

  /**
   * What `podman info` says of the machine the containers run on, as data. Each way it can go
   * wrong is a `status` of its own (podman missing, no answer in time, an error with podman's
   * whole stderr, output that is no JSON), so `mcp-registry doctor` can name the fix for each.
   */
  async info({ timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<PodmanInfoResult> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(this.binary, {
        args: ["info", "--format", "json"],
        env: this.env(),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: timeout,
      }).output();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { status: "missing" };
      if (timeout.aborted) return { status: "timeout" };
      if (!(error instanceof Deno.errors.PermissionDenied)) throw error;
      const stderr = `cannot run ${this.binary}: permission denied`;
      return { status: "failed", code: -1, stderr };
    }
    if (timeout.aborted) return { status: "timeout" };
    const decode = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    if (output.signal || output.code !== 0) {
      const code = output.signal ? -1 : output.code;
      return { status: "failed", code, stderr: decode(output.stderr) };
    }
    let raw: RawPodmanInfo | null;
    try {
      raw = JSON.parse(decode(output.stdout));
    } catch {
      return { status: "unreadable" };
    }
    const host = raw?.host;
    const runtime = host?.ociRuntime;
    return {
      status: "ok",
      info: {
        version: raw?.version?.Version,
        rootless: host?.security?.rootless === true,
        remote: host?.serviceIsRemote === true,
        ociRuntime: runtime && { name: runtime.name, path: runtime.path, version: runtime.version },
        cgroupVersion: host?.cgroupVersion,
        cgroupControllers: host?.cgroupControllers ?? [],
      },
    };
  }
}

/** What `podman info` says, in the parts the registry reads (see {@linkcode Podman.info}). */
export interface PodmanInfo {
  /** podman's version, e.g. `5.4.0`. */
  version?: string;
  rootless: boolean;
  /** True for podman-remote: the containers run where its socket leads. */
  remote: boolean;
  /** The OCI runtime podman uses (crun, runc); `version` may run over several lines. */
  ociRuntime?: { name?: string; path?: string; version?: string };
  /** `v1` or `v2`. */
  cgroupVersion?: string;
  /** The cgroup controllers podman may use (`memory`, `cpu`, `pids`, ...). */
  cgroupControllers: string[];
}

/** How `podman info` went. */
export type PodmanInfoResult =
  | { status: "ok"; info: PodmanInfo }
  /** The binary does not exist. */
  | { status: "missing" }
  /** No answer within the time given. */
  | { status: "timeout" }
  /** podman ran and failed; `stderr` is all it wrote there. */
  | { status: "failed"; code: number; stderr: string }
  /** podman printed something that is no JSON. */
  | { status: "unreadable" };

/** The parts of `podman info --format json` that {@linkcode Podman.info} reads. */
interface RawPodmanInfo {
  version?: { Version?: string };
  host?: {
    ociRuntime?: { name?: string; path?: string; version?: string };
    security?: { rootless?: boolean };
    cgroupVersion?: string;
    cgroupControllers?: string[];
    serviceIsRemote?: boolean;
  };
}
