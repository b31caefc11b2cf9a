/**
 * Runs an agent's TypeScript in a sandbox: a fresh `deno run` child with no permissions at all,
 * no code generation from strings, no module loading beyond its own two `data:` modules, a V8
 * heap limit, a resident-memory watch, a wall-clock limit and output caps. The only way out is
 * `mcp.call`, a JSON line on the child's stdout that the registry answers on its stdin after
 * `options.call` (the caller's validation and proxy) has run.
 *
 * @module
 */
import { Semaphore } from "../util/semaphore.ts";
import { MAX_CODE_CHARS } from "./limits.ts";
import { mainSource, workerSource } from "./_runner.ts";

/** How a run ended when it did not return a value. */
export type SandboxFailure = "refused" | "error" | "timeout" | "memory" | "output" | "cancelled";

/** What a run gave back. */
export interface SandboxOutcome {
  ok: boolean;
  /** The code's return value (JSON), when `ok`. */
  value?: unknown;
  /** What went wrong, when not `ok`. */
  error?: string;
  failure?: SandboxFailure;
  /** What the code wrote with `console.*`, capped at `logChars`. */
  logs: string;
  logsTruncated: boolean;
  /** How many `mcp.call`s it made. */
  calls: number;
  ms: number;
}

/** Options for {@linkcode runSandboxed}. */
export interface SandboxOptions {
  /** The body of an async function; `mcp`, `servers` and `console` are in scope. */
  code: string;
  /** The bindings: server id -> its tool names (`servers[id][tool](args)`). */
  servers: Record<string, string[]>;
  /**
   * Answers one `mcp.call`: resolves to the value the code gets, rejects with an `Error` whose
   * message the code gets as its error. Arguments come from the sandbox: untrusted.
   */
  call(server: string, tool: string, args: unknown): Promise<unknown>;
  /** @default 30_000 */
  timeoutMs?: number;
  /** The V8 heap limit (`--max-old-space-size`). @default 256 */
  heapMiB?: number;
  /** The resident memory at which the child stops. @default 512 */
  memoryMiB?: number;
  /** @default 16_384 */
  logChars?: number;
  /** The largest return value and the largest result handed to the code, as JSON. @default 5 MiB */
  maxResultBytes?: number;
  /** @default 1_000 */
  maxCalls?: number;
  /** Runs at once across the process; the next one waits. @default SANDBOX_SLOTS */
  slots?: Semaphore;
  signal?: AbortSignal;
}

/** Two sandboxes at once by default: each may keep a core busy until its time is up. */
export const SANDBOX_SLOTS: Semaphore = new Semaphore(2);

/** Calls of one run in flight at once. */
const CALLS_AT_ONCE = 8;

/**
 * Any `import`: with code generation from strings off, a literal `import` is the only way to
 * load a module (`node:` built-ins cannot be mapped away by an import map), so none is allowed.
 */
const IMPORT = /\bimport\b/;

/**
 * The command that starts a sandbox: this Deno when the registry may run it (`deno run -A`),
 * else `deno` from the PATH: the scoped flags allow `--allow-run=deno` by name, and a compiled
 * binary cannot run other code itself.
 */
export function sandboxProgram(): string {
  if (Deno.build.standalone) return "deno";
  const self = Deno.execPath();
  const allowed = Deno.permissions.querySync({ name: "run", command: self }).state === "granted";
  return allowed ? self : "deno";
}

/** The child's arguments (data, tested): no `--allow-*` at all. */
export function sandboxArgs(mainUrl: string, heapMiB: number): string[] {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    "--cached-only",
    `--v8-flags=--max-old-space-size=${heapMiB},--disallow-code-generation-from-strings`,
    mainUrl,
  ];
}

/** Runs `options.code` in a fresh sandbox process and reports how it ended. */
export async function runSandboxed(options: SandboxOptions): Promise<SandboxOutcome> {
  const { code, slots = SANDBOX_SLOTS, signal } = options;
  const started = performance.now();
  const refused = (error: string): SandboxOutcome => ({
    ok: false,
    error,
    failure: "refused",
    logs: "",
    logsTruncated: false,
    calls: 0,
    ms: 0,
  });
  if (code.length > MAX_CODE_CHARS) {
    return refused(`The code is ${code.length} characters; at most ${MAX_CODE_CHARS} run.`);
  }
  if (IMPORT.test(code)) {
    return refused(
      "The code uses `import`; modules cannot be loaded in registry-code. Use mcp.call or " +
        "servers.<id>.<tool>() and plain TypeScript.",
    );
  }
  const release = await slots.acquire(signal);
  try {
    const run = new Run(options);
    const outcome = await run.finished();
    return { ...outcome, ms: Math.round(performance.now() - started) };
  } finally {
    release();
  }
}

type Ended = Omit<SandboxOutcome, "ms">;

/** One run: the child, its channel and its limits. */
class Run {
  readonly #options: SandboxOptions;
  readonly #limits: Required<
    Pick<SandboxOptions, "timeoutMs" | "logChars" | "maxResultBytes" | "maxCalls">
  >;
  #logs = "";
  #logsTruncated = false;
  #calls = 0;
  #ended: Ended | undefined;
  #resolve!: (ended: Ended) => void;
  readonly #done = new Promise<Ended>((resolve) => this.#resolve = resolve);
  readonly #callSlots = new Semaphore(CALLS_AT_ONCE);
  #firstLine = 1;

  constructor(options: SandboxOptions) {
    this.#options = options;
    this.#limits = {
      timeoutMs: options.timeoutMs ?? 30_000,
      logChars: options.logChars ?? 16_384,
      maxResultBytes: options.maxResultBytes ?? 5 * 1024 * 1024,
      maxCalls: options.maxCalls ?? 1_000,
    };
  }

  async finished(): Promise<Ended> {
    const { heapMiB = 256, memoryMiB = 512, signal } = this.#options;
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-code-" });
    let child: Deno.ChildProcess | undefined;
    const timer = setTimeout(
      () => this.#end({ failure: "timeout", error: this.#timeoutMessage() }),
      this.#limits.timeoutMs,
    );
    const onAbort = () => this.#end({ failure: "cancelled", error: "The call was cancelled." });
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const main = mainSource({ memoryBytes: memoryMiB * 1024 * 1024 });
      child = new Deno.Command(sandboxProgram(), {
        args: sandboxArgs(dataUrl("application/javascript", main), heapMiB),
        // A fresh DENO_DIR per run: nothing the code stores (localStorage, caches) outlives it.
        env: { DENO_DIR: `${dir}/deno`, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
        clearEnv: true,
        cwd: dir,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = new LineWriter(child.stdin);
      const { source, firstLine } = workerSource(this.#options.code, this.#options.servers);
      this.#firstLine = firstLine;
      writer.send({ source });
      const stderr = collect(child.stderr, 16_384);
      const reading = this.#read(child.stdout, writer);
      const exited = child.status.then((status) => status);
      const first = await Promise.race([this.#done, exited]);
      if (!("logs" in first)) {
        // The child ended without a last word: read what it wrote, then say why it ended.
        await reading;
        await stderr.done;
        this.#end(exitFailure(first, stderr.text()));
      }
      return await this.#done;
    } catch (error) {
      this.#end({ failure: "error", error: `The sandbox could not run: ${error}` });
      return await this.#done;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (child) {
        try {
          child.kill("SIGKILL");
        } catch { /* ended already */ }
        await child.status.catch(() => {});
        await Promise.allSettled([child.stdout.cancel(), child.stderr.cancel()]);
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }

  #timeoutMessage(): string {
    const seconds = this.#limits.timeoutMs / 1000;
    return `The code ran out of time (${seconds} s) and was stopped. Make it do less per call, ` +
      "or raise timeout_seconds.";
  }

  #end(ended: { failure?: SandboxFailure; error?: string; value?: unknown }) {
    if (this.#ended) return;
    this.#ended = {
      ok: ended.failure === undefined,
      ...ended,
      logs: this.#logs,
      logsTruncated: this.#logsTruncated,
      calls: this.#calls,
    };
    this.#resolve(this.#ended);
  }

  async #read(stdout: ReadableStream<Uint8Array>, writer: LineWriter) {
    // A line holds at most a value of maxResultBytes (as JSON in JSON: escapes may double it);
    // all lines together at most a few of those, so a flood costs the registry little.
    const maxLine = this.#limits.maxResultBytes * 2 + 4096;
    const maxTotal = maxLine * 4;
    for await (const line of jsonLines(stdout, maxLine, maxTotal)) {
      if (this.#ended) return;
      if (line === OVERFLOW) {
        this.#end({
          failure: "output",
          error: "The code wrote more than the sandbox passes on, and was stopped.",
        });
        return;
      }
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        continue; // not a message: the code wrote to stdout itself
      }
      if (!message || typeof message !== "object") continue;
      if (message.t === "log") this.#log(String(message.text));
      else if (message.t === "call") this.#call(message, writer);
      else if (message.t === "done") this.#finish(message);
    }
  }

  #log(text: string) {
    const room = this.#limits.logChars - this.#logs.length;
    if (room <= 0) {
      this.#logsTruncated = true;
      return;
    }
    const line = text.length + 1 > room ? text.slice(0, room - 1) : text;
    if (line.length < text.length) this.#logsTruncated = true;
    this.#logs += `${line}\n`;
  }

  #finish(message: Record<string, unknown>) {
    if (message.kind === "memory") {
      this.#end({ failure: "memory", error: this.#memoryMessage() });
    } else if (message.ok === true && typeof message.value === "string") {
      const size = new TextEncoder().encode(message.value).length;
      if (size > this.#limits.maxResultBytes) {
        this.#end({
          failure: "output",
          error:
            `The return value is ${size} bytes as JSON, over the ${this.#limits.maxResultBytes} ` +
            "registry-code answers with. Return less (a summary, a count, the first items).",
        });
      } else this.#end({ value: JSON.parse(message.value) });
    } else {
      this.#end({ failure: "error", error: this.#withLines(String(message.error ?? "failed")) });
    }
  }

  #memoryMessage(): string {
    return "The code used more memory than the sandbox allows and was stopped.";
  }

  /** Points at lines of the agent's code, not of the sandbox's source around it. */
  #withLines(text: string): string {
    return text
      .replace(
        /(?:data:application\/typescript;base64,|code)[A-Za-z0-9+/=]*\.{3,}[A-Za-z0-9+/=]*|data:application\/typescript;base64,[A-Za-z0-9+/=]*/g,
        "code",
      )
      .replace(/^\s*at code:1:\d+$/gm, "")
      .replace(
        /^(\s*)(\d+) \|/gm,
        (_, space, line) => `${space}${Number(line) - this.#firstLine + 1} |`,
      )
      .replace(
        /\bcode:(\d+):(\d+)/g,
        (_, line, column) => `code:${Math.max(1, Number(line) - this.#firstLine + 1)}:${column}`,
      )
      // Stack frames: the agent's own as "@ code:L:C (in f)", the sandbox's left out.
      .replace(
        /^\s*at (?:(\S+) \()?(.*?)\)?$/gm,
        (_, fn, where: string) =>
          where.startsWith("code:")
            ? `  @ ${where}${fn && fn !== "__agent" ? ` (in ${fn})` : ""}`
            : "",
      )
      .replace(/\n{2,}/g, "\n")
      .trim()
      .slice(0, 4000);
  }

  #call(message: Record<string, unknown>, writer: LineWriter) {
    const id = message.id;
    if (typeof id !== "number") return;
    const reply = (answer: { ok: boolean; value?: string; error?: string }) =>
      writer.send({ id, ...answer });
    if (++this.#calls > this.#limits.maxCalls) {
      reply({
        ok: false,
        error: `At most ${this.#limits.maxCalls} calls run in one registry-code.`,
      });
      return;
    }
    const { server, tool, args } = message;
    void (async () => {
      const release = await this.#callSlots.acquire();
      try {
        if (this.#ended) return;
        const value = await this.#options.call(String(server), String(tool), args);
        const json = JSON.stringify(value ?? null);
        const size = json.length * 3 <= this.#limits.maxResultBytes
          ? 0
          : new TextEncoder().encode(json).length;
        if (size > this.#limits.maxResultBytes) {
          reply({
            ok: false,
            error: `The result of ${String(tool)} is ${size} bytes as JSON, over the ` +
              `${this.#limits.maxResultBytes} a call passes on. Ask for less.`,
          });
        } else reply({ ok: true, value: json });
      } catch (error) {
        reply({ ok: false, error: (error as Error).message ?? String(error) });
      } finally {
        release();
      }
    })();
  }
}

/** Why a child that ended without a last word ended. */
function exitFailure(
  status: Deno.CommandStatus,
  stderr: string,
): { failure: SandboxFailure; error: string } {
  if (/out of memory|heap limit|allocation failed/i.test(stderr)) {
    return {
      failure: "memory",
      error: "The code used more memory than the sandbox allows and was stopped.",
    };
  }
  const tail = stderr.trim().split("\n").slice(-8).join("\n").slice(0, 2000);
  return {
    failure: "error",
    error: `The sandbox ended (exit code ${status.code}${
      status.signal ? `, ${status.signal}` : ""
    }) before the code returned${tail ? `: ${tail}` : ""}`,
  };
}

/** A `data:` URL holding `source` (UTF-8, base64). */
function dataUrl(type: string, source: string): string {
  const bytes = new TextEncoder().encode(source);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${type};base64,${btoa(binary)}`;
}

/** Writes JSON lines to a child's stdin, in order; a child gone away is not an error. */
class LineWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #queue: Promise<void> = Promise.resolve();

  constructor(stdin: WritableStream<Uint8Array>) {
    this.#writer = stdin.getWriter();
  }

  send(message: unknown) {
    const bytes = new TextEncoder().encode(`${JSON.stringify(message)}\n`);
    this.#queue = this.#queue.then(() => this.#writer.write(bytes)).catch(() => {});
  }
}

const OVERFLOW = Symbol("overflow");

/** The lines of `stream`; {@linkcode OVERFLOW} (then the end) when a line or the whole is too long. */
async function* jsonLines(
  stream: ReadableStream<Uint8Array>,
  maxLine: number,
  maxTotal: number,
): AsyncGenerator<string | typeof OVERFLOW> {
  let pending = "";
  let total = 0;
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    total += chunk.length;
    let from = pending.length;
    pending += chunk;
    let end;
    while ((end = pending.indexOf("\n", from)) >= 0) {
      yield pending.slice(0, end);
      pending = pending.slice(end + 1);
      from = 0;
    }
    if (pending.length > maxLine || total > maxTotal) {
      yield OVERFLOW;
      return;
    }
  }
}

/** Keeps the first `max` characters of a stream and drains the rest. */
function collect(
  stream: ReadableStream<Uint8Array>,
  max: number,
): { text(): string; done: Promise<void> } {
  let text = "";
  const done = (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      if (text.length < max) text += chunk.slice(0, max - text.length);
    }
  })().catch(() => {});
  return { text: () => text, done };
}
