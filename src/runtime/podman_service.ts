/**
 * One `podman system service` for the whole registry: every long-lived server is started and
 * attached over its socket (podman_attach.ts) instead of through a `podman run -i` client of its
 * own (~36 MB each). The service runs as the registry's user (rootless podman stays rootless),
 * listens on a socket in a folder only that user can enter (mode 0700, in `$XDG_RUNTIME_DIR`
 * when set), and is started on first use.
 *
 * It stops itself after `idleSeconds` with no connection: an attached server keeps it alive,
 * so it exits after the last server stops, and a registry killed with SIGKILL leaves it behind
 * for that long only. The next start needs it again and starts a new one.
 *
 * @module
 */

/** Options for {@linkcode PodmanService}. */
export interface PodmanServiceOptions {
  binary: string;
  /** Its whole environment (podman's own variables; never a server's secrets). */
  env: Record<string, string>;
  /** Where its private folder goes. @default $XDG_RUNTIME_DIR, else the temp folder */
  runtimeDir?: string;
  /** Seconds with no connection after which it exits. @default 30 */
  idleSeconds?: number;
  /** Time it may take to answer at start. @default 15_000 */
  startTimeoutMs?: number;
}

/**
 * The libpod API's path prefix when the service does not say its version; otherwise the
 * version it names at `/_ping` (`Libpod-API-Version`) is used, so an older podman is asked in
 * its own version.
 */
export const LIBPOD = "/v4.0.0/libpod";

/** An answer of the service: its status and body (read whole: these answers are small). */
export interface ServiceAnswer {
  status: number;
  body: string;
}

/** The API service of one registry process. */
export class PodmanService {
  readonly #options: PodmanServiceOptions;
  #child: Deno.ChildProcess | null = null;
  #running = false;
  #starting: Promise<string> | null = null;
  #dir: string | null = null;
  #socket = "";
  #client: Deno.HttpClient | null = null;
  #stderr = "";
  #closed = false;
  #prefix = LIBPOD;

  constructor(options: PodmanServiceOptions) {
    this.#options = options;
  }

  /** The service's process id while it runs (for measurements), else null. */
  get pid(): number | null {
    return this.#running ? this.#child?.pid ?? null : null;
  }

  /** The libpod API's path prefix in the running service's version (see {@linkcode LIBPOD}). */
  get prefix(): string {
    return this.#prefix;
  }

  /** The socket of a running service: starts one when none runs. Throws why it cannot. */
  socket(): Promise<string> {
    if (this.#closed) return Promise.reject(new Error("the podman API service was stopped"));
    if (this.#running) return Promise.resolve(this.#socket);
    this.#starting ??= this.#start().finally(() => this.#starting = null);
    return this.#starting;
  }

  /**
   * Sends one request (`path` below {@linkcode LIBPOD}) and returns the answer. A service that
   * stopped for idleness between the check and the request is started again, once.
   */
  async request(method: string, path: string, timeoutMs = 30_000): Promise<ServiceAnswer> {
    for (let attempt = 0;; attempt++) {
      await this.socket();
      try {
        const response = await fetch(`http://podman${this.#prefix}${path}`, {
          method,
          client: this.#client!,
          signal: AbortSignal.timeout(timeoutMs),
        });
        return { status: response.status, body: await response.text() };
      } catch (error) {
        if (attempt > 0 || !(await this.#exitedSoon())) throw error;
      }
    }
  }

  /**
   * Runs `use` with the socket, once more with a new service when it failed because the service
   * had just stopped for idleness.
   */
  async withSocket<T>(use: (socket: string) => Promise<T>): Promise<T> {
    try {
      return await use(await this.socket());
    } catch (error) {
      if (!(await this.#exitedSoon())) throw error;
      return await use(await this.socket());
    }
  }

  /** Stops the service (SIGTERM, then SIGKILL after 5 s) and removes its folder. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#starting?.catch(() => {});
    await this.#stop();
  }

  /** True when the service is gone or goes within a moment (so a retry may help). */
  async #exitedSoon(): Promise<boolean> {
    const child = this.#child;
    if (!child || !this.#running) return true;
    const gone = await Promise.race([
      child.status.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
    ]);
    return gone;
  }

  async #start(): Promise<string> {
    await this.#stop();
    const { binary, env, idleSeconds = 30, startTimeoutMs = 15_000 } = this.#options;
    const base = this.#options.runtimeDir ?? env.XDG_RUNTIME_DIR;
    const dir = await Deno.makeTempDir({
      ...(base ? { dir: base } : {}),
      prefix: "mcp-registry-podman-",
    });
    await Deno.chmod(dir, 0o700);
    this.#dir = dir;
    this.#socket = `${dir}/podman.sock`;
    this.#stderr = "";
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(binary, {
        args: ["system", "service", `--time=${idleSeconds}`, `unix://${this.#socket}`],
        env,
        clearEnv: true,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      await this.#stop();
      throw new Error(`cannot run ${binary} system service: ${(error as Error).message}`);
    }
    // The registry may end without close(): neither the service nor its output holds it.
    child.unref();
    this.#child = child;
    this.#running = true;
    void this.#readStderr(child);
    void child.status.then(() => {
      if (this.#child === child) this.#running = false;
    });
    this.#client = Deno.createHttpClient({ proxy: { transport: "unix", path: this.#socket } });
    const until = Date.now() + startTimeoutMs;
    while (this.#running && Date.now() < until) {
      try {
        const response = await fetch("http://podman/_ping", {
          client: this.#client,
          signal: AbortSignal.timeout(2_000),
        });
        await response.body?.cancel();
        if (response.ok) {
          const version = response.headers.get("libpod-api-version") ?? "";
          this.#prefix = /^\d+\.\d+\.\d+$/.test(version) ? `/v${version}/libpod` : LIBPOD;
          return this.#socket;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const said = this.#stderr.trim().split("\n").slice(-3).join(" ");
    const why = this.#running ? `no answer within ${startTimeoutMs / 1000} s` : "it exited";
    await this.#stop();
    throw new Error(`podman system service did not start (${why})${said ? `: ${said}` : ""}`);
  }

  /** Keeps the last 4 KB podman wrote to stderr, for the error of a failed start. */
  async #readStderr(child: Deno.ChildProcess) {
    try {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderr = (this.#stderr + chunk).slice(-4096);
      }
    } catch {
      // the service is gone
    }
  }

  async #stop() {
    const child = this.#child;
    this.#child = null;
    this.#running = false;
    this.#client?.close();
    this.#client = null;
    if (child) {
      try {
        child.kill("SIGTERM");
      } catch {
        // gone already
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // gone meanwhile
        }
      }, 5_000);
      await child.status;
      clearTimeout(timer);
    }
    if (this.#dir) await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    this.#dir = null;
  }
}
