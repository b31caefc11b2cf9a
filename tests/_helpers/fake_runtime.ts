/**
 * A `ContainerRuntime` for tests of the pool: a "container" is a local child process
 * (`fake_mcp_server.ts` under `deno run`), so the pool's state machine runs for real in
 * milliseconds, without podman. It records what it was asked (requests, removals), can be made
 * unavailable, hold a step until a test releases it, and crash a running server.
 *
 * @module
 */
import {
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
} from "../../src/runtime/container_runtime.ts";

const SERVER = new URL("./fake_mcp_server.ts", import.meta.url).pathname;

/** Options for {@linkcode FakeRuntime}. */
export interface FakeRuntimeOptions {
  /** Images at hand. @default ["docker.io/fake/echo"] */
  images?: string[];
  /** Images a pull can fetch. @default none */
  pullable?: string[];
  /** What a one-shot container prints. @default its command, joined by spaces, exit 0 */
  runOnce?: (request: ContainerRequest) => RunOutput;
}

/** A runtime whose containers are local processes. */
export class FakeRuntime implements ContainerRuntime, AsyncDisposable {
  readonly name = "fake runtime";
  /** False: `version()` says it is not installed. */
  available = true;
  /** Every request made: `serverCommand` and `runOnce` alike, in order. */
  readonly requests: ContainerRequest[] = [];
  /** Every name given to `remove()`, in order. */
  readonly removed: string[] = [];
  /** Containers that `list()` shows beside the ones started here (left by other processes). */
  readonly leftovers: ContainerInfo[] = [];
  readonly volumes = new Map<string, Date>();
  /** Every `build()` asked for, in order. */
  readonly builds: BuildRequest[] = [];
  readonly #images: Set<string>;
  readonly #pullable: Set<string>;
  readonly #runOnce: (request: ContainerRequest) => RunOutput;
  /** How many times `version()` was asked (each start asks once). */
  versionCalls = 0;
  readonly #containers = new Map<string, ContainerRequest>();
  readonly #holds = new Map<string, { reached: () => void; gate: Promise<void> }>();
  readonly #dir = Deno.makeTempDirSync({ prefix: "fake-runtime-" });

  constructor(options: FakeRuntimeOptions = {}) {
    this.#images = new Set(options.images ?? ["docker.io/fake/echo"]);
    this.#pullable = new Set(options.pullable ?? []);
    this.#runOnce = options.runOnce ??
      ((request) => ({ code: 0, stdout: request.spec.command.join(" "), stderr: "" }));
  }

  async version(): Promise<string> {
    this.versionCalls++;
    await this.#pause("version");
    if (!this.available) {
      throw new ContainerRuntimeError("the fake runtime is not installed", "unavailable");
    }
    return "0.0.0-fake";
  }

  imageExists(image: string): Promise<boolean> {
    return Promise.resolve(this.#images.has(image));
  }

  /** Records the build and "makes" its images: the fake's images are names only. */
  build(request: BuildRequest): Promise<BuildOutput> {
    this.builds.push(request);
    for (const tag of request.tags) this.#images.add(tag);
    return Promise.resolve({ code: 0, log: `built ${request.tags.join(", ")}` });
  }

  removeImages(names: string[]): Promise<void> {
    for (const name of names) this.#images.delete(name);
    return Promise.resolve();
  }

  pull(image: string): Promise<void> {
    if (!this.#pullable.has(image)) {
      return Promise.reject(
        new ContainerRuntimeError(`Cannot pull the image ${image}: not in the fake`, "image"),
      );
    }
    this.#images.add(image);
    return Promise.resolve();
  }

  serverCommand(request: ContainerRequest): ServerCommand {
    this.requests.push(request);
    this.#containers.set(request.name, request);
    return {
      command: Deno.execPath(),
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--no-lock",
        `--allow-write=${this.#dir}`,
        "--allow-env",
        SERVER,
        this.#dir,
        request.name,
      ],
      env: { ...request.spec.env, NO_COLOR: "1" },
    };
  }

  runOnce(request: ContainerRequest, _options: RunOnceOptions): Promise<RunOutput> {
    this.requests.push(request);
    return Promise.resolve(this.#runOnce(request));
  }

  async remove(names: string[]): Promise<void> {
    for (const name of names) {
      this.removed.push(name);
      this.#containers.delete(name);
      const at = this.leftovers.findIndex((c) => c.name === name);
      if (at >= 0) this.leftovers.splice(at, 1);
      this.#kill(await this.#pid(name));
    }
  }

  list(labels: Labels): Promise<ContainerInfo[]> {
    const started = [...this.#containers.values()].map((r) => ({
      id: r.name,
      name: r.name,
      labels: r.labels,
      state: "running",
    }));
    const matches = (c: ContainerInfo) =>
      Object.entries(labels).every(([k, v]) => c.labels[k] === v);
    return Promise.resolve([...started, ...this.leftovers].filter(matches));
  }

  volumeExists(name: string): Promise<boolean> {
    return Promise.resolve(this.volumes.has(name));
  }

  volumeCreatedAt(name: string): Promise<Date | null> {
    return Promise.resolve(this.volumes.get(name) ?? null);
  }

  /**
   * Makes the next call of `step` (`version`) wait until `release()`; `reached` resolves
   * when it waits.
   */
  hold(step: "version"): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((r) => reached = r);
    const gate = new Promise<void>((r) => release = r);
    this.#holds.set(step, { reached, gate });
    return { reached: reachedPromise, release };
  }

  /** Kills the process of container `name` from outside, as an OOM kill or a crash would. */
  async crash(name: string): Promise<void> {
    this.#kill(await this.#pid(name));
  }

  /** The containers whose process still runs. */
  async live(): Promise<string[]> {
    const names: string[] = [];
    for await (const item of Deno.readDir(this.#dir)) {
      if (!item.name.endsWith(".pid")) continue;
      const name = item.name.slice(0, -4);
      if (alive(await this.#pid(name))) names.push(name);
    }
    return names.sort();
  }

  /**
   * Waits until the processes that run are those of `expected` (a stopped server takes a
   * moment to exit), or `timeoutMs` passed; returns the ones that run.
   */
  async settled(expected: string[] = [], timeoutMs = 5_000): Promise<string[]> {
    const want = [...expected].sort().join("\n");
    const until = Date.now() + timeoutMs;
    let live = await this.live();
    while (live.join("\n") !== want && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      live = await this.live();
    }
    return live;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const name of await this.live()) this.#kill(await this.#pid(name));
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }

  async #pause(step: string) {
    const hold = this.#holds.get(step);
    if (!hold) return;
    this.#holds.delete(step);
    hold.reached();
    await hold.gate;
  }

  async #pid(name: string): Promise<number | null> {
    const text = await Deno.readTextFile(`${this.#dir}/${name}.pid`).catch(() => "");
    return /^\d+$/.test(text) ? Number(text) : null;
  }

  #kill(pid: number | null) {
    if (pid === null || !alive(pid)) return;
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}

/** True while process `pid` runs (not a zombie). */
function alive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
