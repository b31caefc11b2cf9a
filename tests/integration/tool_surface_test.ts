/**
 * What the registry costs an agent, measured through the protocol with a real SDK `Client`:
 * the registry's own `tools/list` (every registry tool, any added later included) and a
 * 10-result `registry-find` answer, in tokens counted as JSON characters / 4.
 */
import { ok } from "node:assert/strict";
import { startRegistry } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/util/log.ts";
import { Client, InMemoryTransport } from "../../src/mcp/sdk_client.ts";

/** Tokens as the issue counts them: JSON characters / 4. */
export function tokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

/** The budgets of issue 17. */
const TOOLS_LIST_BUDGET = 1_500;
const FIND_ANSWER_BUDGET = 1_000;

async function openRegistry() {
  const dir = await Deno.makeTempDir({ prefix: "tool_surface_test_" });
  const config = readConfig({
    MCP_REGISTRY_CACHE_DIR: dir,
    MCP_REGISTRY_DOCKER_REPO: "/nonexistent",
    MCP_REGISTRY_SOURCES: "docker",
    HOME: dir,
  });
  const registry = await startRegistry({ config, refreshOnStart: false, log: silentLogger });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await registry.server.connect(serverSide);
  const client = new Client({ name: "t", version: "1" });
  await client.connect(clientSide);
  return {
    client,
    async [Symbol.asyncDispose]() {
      await client.close();
      await registry[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("tools/list of the registry alone fits in 1,500 tokens", async () => {
  await using r = await openRegistry();
  const { tools } = await r.client.listTools();
  const size = tokens(tools);
  console.log(
    `tools/list: ${tools.length} tools, ${size} tokens\n` +
      tools.map((t) => `  ${t.name}: ${tokens(t)}`).join("\n"),
  );
  ok(size <= TOOLS_LIST_BUDGET, `tools/list is ${size} tokens, over ${TOOLS_LIST_BUDGET}`);
});

Deno.test("a 10-result registry-find answer fits in 1,000 tokens", async () => {
  await using r = await openRegistry();
  await r.client.listTools();
  for (const query of ["database", "github", "send a slack message", "monitoring"]) {
    const result = await r.client.callTool({
      name: "registry-find",
      arguments: { query, limit: 10 },
    });
    const size = tokens({ content: result.content, structuredContent: result.structuredContent });
    console.log(`registry-find "${query}": ${size} tokens`);
    ok(
      size <= FIND_ANSWER_BUDGET,
      `"${query}" answer is ${size} tokens, over ${FIND_ANSWER_BUDGET}`,
    );
  }
});
