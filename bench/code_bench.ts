/**
 * registry-code's cost: one `mcp.call` from the sandbox against one direct proxied call (the
 * pool's `call`), on a local fake server so the container is not measured; and a whole run
 * (process start included) of one call.
 *
 *   deno bench --allow-all bench/code_bench.ts
 */
import { minimalEntry } from "../src/catalog/entry.ts";
import { callFromSandbox } from "../src/code/mcp_bridge.ts";
import { runSandboxed } from "../src/code/sandbox.ts";
import { ActiveServers } from "../src/proxy/active_servers.ts";
import { ownerTag } from "../src/runtime/container_runtime.ts";
import { DEFAULT_LIMITS } from "../src/runtime/podman_args.ts";
import { createLogger } from "../src/util/log.ts";
import { FakeRuntime } from "../tests/_helpers/fake_runtime.ts";

const runtime = new FakeRuntime();
const settings = { params: {}, env: { FAKE_MODE: "ok" }, secrets: {} };
const pool = new ActiveServers({
  runtime,
  limits: DEFAULT_LIMITS,
  owner: ownerTag(),
  log: createLogger("silent"),
  loadConfig: () => Promise.resolve(settings),
  onToolsChanged: () => {},
});
await pool.add(minimalEntry({ id: "echo", title: "Echo", container_image: "fake/echo" }), settings);
const servers = { echo: pool.toolsOf("echo") };
const call = (server: string, tool: string, args: unknown) =>
  callFromSandbox(pool, { server, tool, args });

Deno.bench(
  "direct proxied call (ActiveServers.call)",
  { group: "call", baseline: true },
  async () => {
    await pool.call("echo", "echo", { text: "hi" });
  },
);

Deno.bench(
  "100 calls in one registry-code run (the whole run)",
  { group: "call", n: 20 },
  async (b) => {
    b.start();
    await runSandboxed({
      code: `for (let i = 0; i < 100; i++) await servers.echo.echo({ text: "hi" });`,
      servers,
      call,
    });
    b.end();
  },
);

Deno.bench("a registry-code run with one call (sandbox start included)", { n: 20 }, async () => {
  await runSandboxed({ code: `return await servers.echo.echo({ text: "hi" });`, servers, call });
});

globalThis.addEventListener("unload", () => {
  void pool.closeAll().then(() => runtime[Symbol.asyncDispose]());
});
