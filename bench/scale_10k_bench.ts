/**
 * The registry at 10,000 servers with the catalog already cached (issue 18), beside a bare MCP
 * SDK server (`_bare_server.ts`) as the reference:
 * - spawn → first `registry-find` answer (goal ≤ 300 ms; the bare server's first call beside it);
 * - spawn → first `tools/list` answer (the bare server's beside it);
 * - RSS of the real process: peak in the first 30 s (goal ≤ 150 MB) and settled at 30 s (goal
 *   ≤ 80 MB), printed before the benchmarks (`MCP_REGISTRY_BENCH_MEMORY=0` skips it);
 * - search p50 and p99 in process over the same catalog (goals ≤ 1 ms and ≤ 5 ms), printed.
 */
import { Client, StdioClientTransport } from "../src/mcp/sdk_client.ts";
import { readConfig } from "../src/config.ts";
import { silentLogger } from "../src/util/log.ts";
import { newCatalog, openStores } from "../src/registry/stores.ts";
import { cached10k } from "./_cached_10k.ts";
import { QUERIES } from "./_queries.ts";
import { LEAN_FLAGS } from "../src/cli/client_config.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const cache = await cached10k();
console.log(`cached catalog: ${cache.entries} entries`);

interface Spawned {
  client: Client;
  pid: number;
}

async function spawn(args: string[]): Promise<Spawned> {
  const client = new Client({ name: "bench", version: "1" });
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "--allow-all", ...args],
    cwd: ROOT,
    env: cache.env,
    stderr: "ignore",
  });
  await client.connect(transport);
  return { client, pid: transport.pid! };
}

// As a client launches it (client-config, the README): with its lean flags.
const registry = () => spawn([...LEAN_FLAGS, "main.ts"]);
const bare = () => spawn(["bench/_bare_server.ts"]);
const echo = (c: Client) => c.callTool({ name: "echo", arguments: {} });
const find = (client: Client) =>
  client.callTool({ name: "registry-find", arguments: { query: "github issues" } });

/** kB of a `/proc/<pid>/status` line (VmRSS, VmHWM). */
function procKb(pid: number, field: string): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(new RegExp(`^${field}:\\s+(\\d+)`, "m"))?.[1] ?? NaN);
}

/** Peak (VmHWM) over the first `seconds` and RSS at the end, in MB, after one call. */
async function memory(
  start: () => Promise<Spawned>,
  call: (c: Client) => Promise<unknown>,
  seconds = 30,
) {
  const { client, pid } = await start();
  await call(client);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const result = { peak: procKb(pid, "VmHWM") / 1024, settled: procKb(pid, "VmRSS") / 1024 };
  await client.close();
  return result;
}

if (Deno.env.get("MCP_REGISTRY_BENCH_MEMORY") !== "0") {
  const [mine, reference] = [
    await memory(registry, find),
    await memory(bare, echo),
  ];
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  console.log(
    `RSS, 10k cached catalog, first 30 s: peak ${mb(mine.peak)} (goal ≤ 150 MB), settled ` +
      `${mb(mine.settled)} (goal ≤ 80 MB); bare SDK server: peak ${mb(reference.peak)}, settled ` +
      `${mb(reference.settled)}`,
  );
}

// Search in process over the same catalog, read back from the cache as a start does.
{
  const config = readConfig(cache.env);
  const stores = await openStores(config, silentLogger);
  const catalog = newCatalog(config, stores, { log: silentLogger });
  await catalog.load();
  const index = catalog.index;
  const lines: string[] = [];
  for (const [label, query] of Object.entries(QUERIES)) {
    for (let i = 0; i < 20; i++) index.search(query); // warm up
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      index.search(query, { limit: 10 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    lines.push(
      `  ${label} "${query}": p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`,
    );
  }
  console.log(
    `search over the cached ${index.size} (goals p50 ≤ 1 ms, p99 ≤ 5 ms):\n${lines.join("\n")}`,
  );
  await catalog.close();
  stores.close();
}

/** A bench of spawning `start` until `call` is answered, in `group`. */
function spawnBench(
  name: string,
  group: string,
  baseline: boolean,
  start: () => Promise<Spawned>,
  call: (client: Client) => Promise<unknown>,
) {
  Deno.bench(name, { group, baseline, n: 10, warmup: 1 }, async (b) => {
    b.start();
    const { client } = await start();
    await call(client);
    b.end();
    await client.close();
  });
}

const list = (c: Client) => c.listTools();
spawnBench("10k cached: spawn → first registry-find answer", "first-find", false, registry, find);
spawnBench(
  "reference: bare SDK server, spawn → first tools/call answer",
  "first-find",
  true,
  bare,
  echo,
);
spawnBench("10k cached: spawn → first tools/list answer", "first-list", false, registry, list);
spawnBench(
  "reference: bare SDK server, spawn → first tools/list answer",
  "first-list",
  true,
  bare,
  list,
);

globalThis.addEventListener("unload", () => {
  Promise.resolve(cache[Symbol.asyncDispose]()).catch(() => {});
});
