/**
 * What the pool of active servers and the per-call `poci` servers need from a container engine.
 * `Podman` (podman.ts) is the one implementation that runs containers; tests use a fake that
 * runs local processes. Nothing here is podman's own notion, so a Kubernetes runtime (a pod per
 * server, its stdio attached) can implement the same interface.
 *
 * @module
 */
import { processAlive, processStartTime } from "../util/process.ts";
import type { LaunchSpec } from "./launch_spec.ts";

/** Label keys on every container the registry starts, so a later start can find and sweep them. */
export const LABEL_MANAGED = "io.mcp-registry.managed";
export const LABEL_SERVER = "io.mcp-registry.server";
export const LABEL_OWNER = "io.mcp-registry.owner";

/** Label keys on an image built from source: the repository and the commit it was built from. */
export const LABEL_BUILD_REPO = "io.mcp-registry.build.repo";
export const LABEL_BUILD_COMMIT = "io.mcp-registry.build.commit";

/** Labels of a container: key -> value. */
export type Labels = Record<string, string>;

/** Resource limits for each container, as data; each runtime spells them its own way. */
export interface ContainerLimits {
  /** Memory, e.g. `512m` (podman's `--memory`). */
  memory: string;
  /** CPUs, e.g. `1` (podman's `--cpus`). */
  cpus: string;
  /** The most processes (podman's `--pids-limit`). */
  pids: number;
}

/** One container to run: the launch spec (after the mount policy), its name, labels, limits. */
export interface ContainerRequest {
  spec: LaunchSpec;
  /** A unique, readable name (see `containerName()`). */
  name: string;
  labels: Labels;
  limits: ContainerLimits;
}

/** A container of ours, as the runtime lists it. */
export interface ContainerInfo {
  id: string;
  name: string;
  labels: Labels;
  /** The runtime's word for its state (`running`, `exited`, ...). */
  state: string;
}

/**
 * How to reach a long-lived server's stdio: a local command whose stdin and stdout are the
 * server's (podman: `podman run -i ...`), spawned by the MCP SDK's stdio transport. It is given
 * this whole environment and nothing else.
 */
export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * A long-lived server's stdio, attached without a client process of its own (podman: over the
 * socket of one API service shared by all servers). Its stdout carries MCP messages; stderr is
 * for people. Both end when the server exits or the connection breaks.
 */
export interface ServerStdio {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /** Writes to the server's stdin. */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends the server's stdin (a stdio server exits on it); its output may still arrive. */
  endInput(): Promise<void>;
  /** Drops the connection at once; both streams end. */
  abort(): void;
}

/** What a one-shot container left: its exit code (-1 when stopped) and output. */
export interface RunOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@linkcode ContainerRuntime.runOnce}. */
export interface RunOnceOptions {
  timeoutMs: number;
  /** Stops the container when aborted. */
  signal?: AbortSignal;
}

/** One image to build from a folder (`context`), which is all of the host the build sees. */
export interface BuildRequest {
  /** The build context: a host folder (a fresh clone). */
  context: string;
  /** The Containerfile or Dockerfile, relative to `context`. */
  file: string;
  /** The names the image gets (the first is its main one). */
  tags: string[];
  labels: Labels;
  /** Memory and CPUs of the build's steps. */
  limits: ContainerLimits;
}

/** Options for {@linkcode ContainerRuntime.build}. */
export interface BuildOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Told each line of the build's output as it comes. */
  onLine?: (line: string) => void;
}

/** What a build left: its exit code (-1 when stopped or timed out) and its whole output. */
export interface BuildOutput {
  code: number;
  log: string;
}

/** A container engine, as the registry uses one. */
export interface ContainerRuntime {
  /** Its name in messages ("checking podman and the image"). */
  readonly name: string;
  /** Its version; throws a `ContainerRuntimeError` (kind `unavailable`) when it cannot run. */
  version(): Promise<string>;
  /** True when the image is at hand without a pull. */
  imageExists(image: string): Promise<boolean>;
  /** Fetches the image; throws a `ContainerRuntimeError` (kind `image`) saying why it cannot. */
  pull(image: string): Promise<void>;
  /**
   * The command that runs `request` as a long-lived server attached to its stdio. Ending the
   * command's stdin ends the server; `remove()` by name makes sure.
   */
  serverCommand(request: ContainerRequest): ServerCommand;
  /**
   * Starts `request` as a long-lived server and attaches to its stdio with no process of its
   * own per server; null when this runtime cannot now (the caller spawns `serverCommand()`).
   * Ending its input ends the server; `remove()` by name makes sure.
   */
  attachServer?(request: ContainerRequest): Promise<ServerStdio | null>;
  /** Stops what the runtime keeps running for itself (podman's API service); idempotent. */
  close?(): Promise<void>;
  /** How long-lived servers are attached now (podman: over its API service or not). */
  attachStatus?(): AttachMode;
  /** Runs `request` to its end and returns its exit code and output, whatever the code. */
  runOnce(request: ContainerRequest, options: RunOnceOptions): Promise<RunOutput>;
  /**
   * Builds an image from local files only (base images must be at hand: nothing is pulled);
   * a failed build leaves no image or container of its own. Returns its code and output.
   */
  build(request: BuildRequest, options: BuildOptions): Promise<BuildOutput>;
  /**
   * The size in bytes of a local image, or null when it is unknown. Optional: builds check a
   * new image against their size limit when the runtime can tell.
   */
  imageSize?(image: string): Promise<number | null>;
  /** Removes images by name; ones already gone are fine. */
  removeImages(names: string[]): Promise<void>;
  /** Stops (with a short grace) and removes containers by name; ones already gone are fine. */
  remove(names: string[]): Promise<void>;
  /** Every container, running or not, that carries all of `labels`. */
  list(labels: Labels): Promise<ContainerInfo[]>;
  /** True when the named volume exists. */
  volumeExists(name: string): Promise<boolean>;
  /** When the named volume was made, or null when there is none. */
  volumeCreatedAt(name: string): Promise<Date | null>;
}

/** Why a runtime failed: the engine is missing, an image cannot be had, or a command failed. */
export type RuntimeErrorKind = "unavailable" | "image" | "failed";

/** A runtime failed; `message` says what to do, `kind` whether trying again can help. */
export class ContainerRuntimeError extends Error {
  override name = "ContainerRuntimeError";
  readonly kind: RuntimeErrorKind;

  constructor(message: string, kind: RuntimeErrorKind = "failed") {
    super(message);
    this.kind = kind;
  }

  /** True when a retry cannot help: no engine, or an image that cannot be had. */
  get permanent(): boolean {
    return this.kind !== "failed";
  }
}

/** The labels of a server's container: ours, the catalog id, and the registry process. */
export function serverLabels(serverId: string, owner: string): Labels {
  return { [LABEL_MANAGED]: "true", [LABEL_SERVER]: serverId, [LABEL_OWNER]: owner };
}

/** A readable, unique container name: `mcp-registry-<id>-<6 hex>`. */
export function containerName(serverId: string): string {
  const suffix = crypto.getRandomValues(new Uint8Array(3));
  const hex = Array.from(suffix, (b) => b.toString(16).padStart(2, "0")).join("");
  return `mcp-registry-${serverId.slice(0, 40).replace(/-+$/, "")}-${hex}`;
}

/**
 * The image built for server `id` from `commit`: `localhost/mcp-registry-build/<id>:<commit12>`;
 * with no commit, the tag `latest` (the last build). Build entries run that one.
 */
export function builtImage(serverId: string, commit?: string): string {
  const tag = commit && /^[0-9a-f]{12,}$/.test(commit) ? commit.slice(0, 12) : "latest";
  return `localhost/mcp-registry-build/${serverId}:${tag}`;
}

/** This process as container owner: `<pid>:<start time>`, so a reused pid is not mistaken. */
export function ownerTag(pid = Deno.pid): string {
  return `${pid}:${processStartTime(pid) ?? "0"}`;
}

/** True when the registry process named by an owner tag may still run (see `processAlive`). */
export function ownerAlive(owner: string): boolean {
  const cut = owner.indexOf(":");
  const pid = cut < 0 ? owner : owner.slice(0, cut);
  const start = cut < 0 ? undefined : owner.slice(cut + 1); // may hold colons (`ps:` times)
  if (!pid || !/^\d+$/.test(pid)) return false;
  return processAlive(Number(pid), start === "0" ? undefined : start);
}

/**
 * How long-lived servers are attached: over one shared service, or a client process each
 * (`run`, with the reason when the service was asked for but could not start).
 */
export interface AttachMode {
  mode: "service" | "run";
  /** Why `run` although `service` was asked for. */
  reason?: string;
}
