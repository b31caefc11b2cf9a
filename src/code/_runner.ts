/**
 * The two programs of a sandbox run, as source text: the child's main module (JavaScript, run as
 * a `data:` URL) and the worker that runs the agent's code (TypeScript, also a `data:` URL).
 *
 * The main thread relays JSON lines between the registry (stdin/stdout) and the worker, and
 * watches the process's resident memory: ArrayBuffers live outside the V8 heap that
 * `--max-old-space-size` limits, and the main thread stays free while the worker loops.
 *
 * @module
 */

/** What the main thread needs to know. */
export interface RunnerSettings {
  /** The resident set size at which the process ends itself. */
  memoryBytes: number;
}

/**
 * The child's main module. Its first stdin line is `{source}`, the worker's TypeScript; later
 * lines are replies to the worker's calls.
 */
export function mainSource(settings: RunnerSettings): string {
  return `
const LIMIT = ${JSON.stringify(settings.memoryBytes)};
const encoder = new TextEncoder();
function send(message) {
  const bytes = encoder.encode(JSON.stringify(message) + "\\n");
  for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
}
setInterval(() => {
  if (Deno.memoryUsage().rss > LIMIT) {
    send({ t: "done", ok: false, kind: "memory" });
    Deno.exit(3);
  }
}, 20);
function toBase64(text) {
  const bytes = encoder.encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
let worker;
let url = "";
const clean = (text) => String(text).split(url).join("code");
function start(source) {
  url = "data:application/typescript;base64," + toBase64(source);
  worker = new Worker(url, { type: "module" });
  worker.onmessage = (event) => {
    const message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.t === "done" && message.error !== undefined) message.error = clean(message.error);
    send(message);
    if (message.t === "done") Deno.exit(0);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    send({ t: "done", ok: false, error: clean(event.message ?? "the code failed") });
    Deno.exit(0);
  };
}
let pending = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  pending += chunk;
  let end;
  while ((end = pending.indexOf("\\n")) >= 0) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    let message;
    try { message = JSON.parse(line); } catch { continue; }
    if (!worker) start(String(message.source));
    else worker.postMessage(message);
  }
}
`;
}

/**
 * The worker: `mcp`, `servers` and a captured `console` around the agent's function body;
 * `firstLine` is the line of the source where the agent's code starts.
 */
export function workerSource(
  code: string,
  servers: Record<string, string[]>,
): { source: string; firstLine: number } {
  const prelude = `const __post = globalThis.postMessage.bind(globalThis);
const __pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let __next = 0;
for (const name of ["Worker", "localStorage", "sessionStorage", "caches", "importScripts"]) {
  try { delete (globalThis as Record<string, unknown>)[name]; } catch { /* gone already */ }
}
globalThis.onmessage = (event: MessageEvent) => {
  const reply = event.data as { id: number; ok: boolean; value?: string; error?: string };
  const waiter = __pending.get(reply?.id);
  if (!waiter) return;
  __pending.delete(reply.id);
  if (reply.ok) waiter.resolve(reply.value === undefined ? undefined : JSON.parse(reply.value));
  else waiter.reject(new Error(String(reply.error)));
};
const mcp = Object.freeze({
  call(server: string, tool: string, args: Record<string, unknown> = {}): Promise<any> {
    const id = __next++;
    return new Promise((resolve, reject) => {
      __pending.set(id, { resolve, reject });
      __post({ t: "call", id, server: String(server), tool: String(tool), args });
    });
  },
});
const servers: Record<string, Record<string, (args?: Record<string, unknown>) => Promise<any>>> = {};
for (const [id, tools] of Object.entries(${JSON.stringify(servers)} as Record<string, string[]>)) {
  servers[id] = Object.freeze(Object.fromEntries(
    tools.map((tool) => [tool, (args: Record<string, unknown> = {}) => mcp.call(id, tool, args)]),
  ));
}
Object.freeze(servers);
let __logged = 0;
const __text = (values: unknown[]) => values.map((v) => typeof v === "string" ? v : Deno.inspect(v, { depth: 6 })).join(" ");
const __console = Object.freeze(Object.fromEntries(
  ["log", "info", "warn", "error", "debug"].map((level) => [level, (...values: unknown[]) => {
    if (__logged > 65_536) return;
    const text = __text(values);
    __logged += text.length;
    __post({ t: "log", text });
  }]),
)) as unknown as Console;
globalThis.console = __console;
const __finish = (value: unknown) => {
  let json: string | undefined;
  try { json = JSON.stringify(value === undefined ? null : value); } catch (error) {
    __post({ t: "done", ok: false, error: "the return value is not JSON: " + (error as Error).message });
    return;
  }
  __post({ t: "done", ok: true, value: json });
};
const __fail = (error: unknown) => __post({ t: "done", ok: false, error: error instanceof Error ? (error.stack ?? String(error)) : String(error) });
(async () => await __agent(mcp, servers, __console))().then(__finish, __fail);
async function __agent(mcp: any, servers: any, console: Console): Promise<unknown> {
`;
  return { source: `${prelude}${code}\n}\n`, firstLine: prelude.split("\n").length };
}
