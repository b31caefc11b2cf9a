/**
 * The first start of the real registry process (stdio, as a client starts it) on a machine
 * without network: every fetched source points at nothing on loopback (a git path that does
 * not exist, a closed port on 127.0.0.1). The user's own catalog answers the first call, and the
 * failed start-up refresh holds back neither `registry-refresh` nor `mcp-registry refresh`.
 */
import { equal, ok } from "node:assert/strict";
import { Client, StdioClientTransport } from "../../src/mcp/sdk_client.ts";
import { runMain } from "../_helpers/cli.ts";
import { registryEnv, ROOT } from "../_helpers/processes.ts";

const TEAM_NOTES = `name: team-notes
image: ghcr.io/example/team-notes:1.0
type: server
about:
  title: Team notes
  description: Our own notes server, from the user's catalog.
source:
  project: https://github.com/example/team-notes
`;

/** A port on 127.0.0.1 that nothing listens on (taken, then given back). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

// deno-lint-ignore no-explicit-any
type Json = any;

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool({ name, arguments: args });
  ok(!result.isError, JSON.stringify(result.content));
  return result.structuredContent as Json;
}

Deno.test("an offline first start finds the user's catalog at once and does not hold back a refresh", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-offline-" });
  try {
    await Deno.writeTextFile(`${dir}/team-notes.yaml`, TEAM_NOTES);
    const env = registryEnv(dir, {
      HOME: dir,
      MCP_REGISTRY_SOURCES: "local,docker,official",
      MCP_REGISTRY_CATALOGS: `${dir}/team-notes.yaml`,
      MCP_REGISTRY_OFFICIAL_URL: `http://127.0.0.1:${closedPort()}`,
    });
    const client = new Client({ name: "offline-test", version: "1" });
    await client.connect(
      new StdioClientTransport({
        command: Deno.execPath(),
        args: ["run", "--allow-all", "main.ts"],
        cwd: ROOT,
        env: { ...Deno.env.toObject(), ...env },
        stderr: "pipe",
      }),
    );
    try {
      // The very first call of the first start: the user's file is already read.
      const found = await call(client, "registry-find", { query: "team notes", limit: 3 });
      equal(found.results[0]?.id, "team-notes", JSON.stringify(found.results));

      // The start-up refresh of the fetched sources fails (no network).
      const failed = (row: Json) => row.last_error !== null && !row.refreshing;
      let status = await call(client, "registry-status");
      for (let i = 0; i < 300 && !status.sources.slice(1).every(failed); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await call(client, "registry-status");
      }
      for (const row of status.sources.slice(1)) {
        ok(failed(row), JSON.stringify(row));
        equal(row.failed_attempts, 1, row.name);
        ok(row.retry_at > row.last_attempt, `${row.name} waits before its automatic retry`);
        equal(row.next_refresh, row.retry_at, `${row.name}: next_refresh is the retry`);
        equal(row.next_manual_refresh, null, `${row.name}: no cooldown from a failed start`);
      }

      // An agent asks at once: tried (and failed again), not rate-limited.
      const asked = await call(client, "registry-refresh", { source: "docker" });
      equal(asked.results[0].status, "failed", JSON.stringify(asked.results[0]));
      const again = await call(client, "registry-refresh", { source: "docker" });
      equal(again.results[0].status, "rate_limited", "a refresh asked for starts the cooldown");
    } finally {
      await client.close();
    }

    // The CLI shares the cache: the agent's refresh of docker counts for it; the official
    // registry's failed automatic attempts do not make it wait.
    const cli = await runMain(["refresh", "--json"], { env });
    const results = JSON.parse(cli.stdout).results as { source: string; status: string }[];
    equal(
      JSON.stringify(results.map((r) => [r.source, r.status])),
      JSON.stringify([["local", "refreshed"], ["docker", "rate_limited"], ["official", "failed"]]),
      cli.stderr,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
