/**
 * Start-up: from spawning `deno run main.ts` to the answer of the first `tools/list` (and of the
 * first `registry-find`), with a warm catalog cache. Goal: ≤ 250 ms to tools/list.
 */
import { Client, StdioClientTransport } from "../src/mcp/sdk_client.ts";
import { createGitFixture } from "../tests/_helpers/git_fixture.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const fixture = await createGitFixture();
const env = {
  ...Deno.env.toObject(),
  MCP_REGISTRY_CACHE_DIR: `${fixture.dir}/cache`,
  MCP_REGISTRY_DOCKER_REPO: fixture.repo,
  MCP_REGISTRY_SOURCES: "docker",
  MCP_REGISTRY_LOG_LEVEL: "error",
};

async function start(): Promise<Client> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(
    new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", "--allow-all", "main.ts"],
      cwd: ROOT,
      env,
      stderr: "ignore",
    }),
  );
  return client;
}

// Warm the cache: the first start refreshes from the git fixture into the Kv cache; later
// starts find it fresh and read it back without touching git.
const warm = await start();
for (let i = 0; i < 200; i++) {
  const status = await warm.callTool({ name: "registry-status", arguments: {} });
  // deno-lint-ignore no-explicit-any
  if ((status.structuredContent as any).sources[0].serving === "live") break;
  await new Promise((r) => setTimeout(r, 50));
}
await warm.close();

Deno.bench("start-up to first tools/list (warm cache)", { n: 15, warmup: 2 }, async (b) => {
  b.start();
  const client = await start();
  await client.listTools();
  b.end();
  await client.close();
});

Deno.bench(
  "start-up to first registry-find answer (warm cache)",
  { n: 15, warmup: 2 },
  async (b) => {
    b.start();
    const client = await start();
    await client.callTool({ name: "registry-find", arguments: { query: "github issues" } });
    b.end();
    await client.close();
  },
);

globalThis.addEventListener("unload", () => Deno.removeSync(fixture.dir, { recursive: true }));
