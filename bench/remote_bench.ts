/**
 * Remote servers and the HTTP transport:
 * - a proxied call to a remote (Streamable HTTP, 127.0.0.1) server against a direct SDK client
 *   of the same server (goal: ≤ 0.5 ms added at p50);
 * - `serve --http` from spawning the process to the first answered request.
 */
import { Client, StreamableHTTPClientTransport } from "../src/mcp/sdk_client.ts";
import { registryEnv, spawnHttpRegistry } from "../tests/_helpers/processes.ts";
import { streamableServer } from "../tests/_helpers/remote_server.ts";
import { openTestRegistry, testEntry } from "../tests/_helpers/registry.ts";

const upstream = streamableServer(null);
const entry = testEntry({
  id: "remote-echo",
  launch_method: "remote-http",
  // deno-lint-ignore no-explicit-any
  remote: { url: upstream.url, transport: "streamable-http", headers: {} } as any,
});
const t = await openTestRegistry({ entries: [entry] });
await t.call("registry-add", { id: "remote-echo" });
const direct = new Client({ name: "bench", version: "1" });
await direct.connect(new StreamableHTTPClientTransport(new URL(upstream.url)));

Deno.bench(
  "direct SDK client → remote server: echo",
  { group: "remote", baseline: true },
  async () => {
    await direct.callTool({ name: "echo", arguments: { message: "hi" } });
  },
);
Deno.bench(
  "client → registry → remote server: remote-echo__echo",
  { group: "remote" },
  async () => {
    await t.call("remote-echo__echo", { message: "hi" });
  },
);

const dir = await Deno.makeTempDir();
Deno.bench(
  "serve --http: spawn to first answered request",
  { group: "http", n: 10, warmup: 1 },
  async (b) => {
    b.start();
    const registry = await spawnHttpRegistry(
      registryEnv(dir, { MCP_REGISTRY_TOKEN: "bench-token" }),
    );
    const client = new Client({ name: "bench", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(registry.url), {
        requestInit: { headers: { Authorization: `Bearer ${registry.token}` } },
      }),
    );
    await client.listTools();
    b.end();
    await client.close();
    await registry.stop();
  },
);
