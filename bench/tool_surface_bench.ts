/**
 * What the registry costs an agent before it does anything: the size of its own `tools/list`
 * and of a 10-result `registry-find` answer (tokens = JSON characters / 4; goals 1,500 and
 * 1,000), printed once, and the time of each through a real client over an in-memory transport.
 * `tests/integration/tool_surface_test.ts` fails past the budgets; this prints the figures.
 */
import { startRegistry } from "../src/app.ts";
import { readConfig } from "../src/config.ts";
import { Client, InMemoryTransport } from "../src/mcp/sdk_client.ts";
import { silentLogger } from "../src/util/log.ts";

const dir = await Deno.makeTempDir({ prefix: "mcp-registry-bench-" });
const registry = await startRegistry({
  config: readConfig({
    ...Deno.env.toObject(),
    MCP_REGISTRY_CACHE_DIR: `${dir}/cache`,
    MCP_REGISTRY_DATA_DIR: `${dir}/data`,
    MCP_REGISTRY_SOURCES: "docker",
    MCP_REGISTRY_DOCKER_REPO: "/nonexistent",
  }),
  log: silentLogger,
  refreshOnStart: false,
  sweepOnStart: false,
});
await registry.ready;
const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
await registry.server.connect(serverSide);
const client = new Client({ name: "bench", version: "1" });
await client.connect(clientSide);

const tokens = (value: unknown) => Math.round(JSON.stringify(value).length / 4);
const find = () =>
  client.callTool({ name: "registry-find", arguments: { query: "database", limit: 10 } });
console.log(
  `tools/list: ${tokens((await client.listTools()).tools)} tokens (goal 1,500); ` +
    `registry-find "database", 10 results: ${tokens(await find())} tokens (goal 1,000)`,
);

Deno.bench("tools/list of the registry alone", { group: "surface" }, async () => {
  await client.listTools();
});
Deno.bench("registry-find, 10 results", { group: "surface" }, async () => {
  await find();
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(dir, { recursive: true });
});
