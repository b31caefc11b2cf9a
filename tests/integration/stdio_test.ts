/**
 * The real registry process over stdio, started the way the README starts it
 * (`deno task start`), with a real SDK client and a real git repository as its source.
 */
import { equal, ok } from "node:assert/strict";
import { Client, StdioClientTransport } from "../../src/mcp/sdk_client.ts";
import { createGitFixture } from "../_helpers/git_fixture.ts";
import { HAS_PODMAN, ourContainers } from "../_helpers/podman.ts";
import { initializeRequest, registryEnv, ROOT } from "../_helpers/processes.ts";

function registryTransport(env: Record<string, string>, direct = false) {
  return new StdioClientTransport({
    command: Deno.execPath(),
    // `direct` runs main.ts itself (no `deno task` in between), so its pid is the registry's.
    args: direct ? ["run", "--allow-all", "main.ts"] : ["task", "--quiet", "start"],
    cwd: ROOT,
    env: { ...Deno.env.toObject(), ...env },
    stderr: "pipe",
  });
}

// deno-lint-ignore no-explicit-any
type Json = any;

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<Json> {
  const result = await client.callTool({ name, arguments: args });
  ok(!result.isError, JSON.stringify(result.content));
  return result.structuredContent;
}

Deno.test("`deno task start` serves the snapshot at once, refreshes from git, then restarts from the cache", async () => {
  await using fixture = await createGitFixture();
  const env = {
    MCP_REGISTRY_CACHE_DIR: `${fixture.dir}/cache`,
    MCP_REGISTRY_DOCKER_REPO: fixture.repo,
    MCP_REGISTRY_SOURCES: "docker",
    MCP_REGISTRY_LOG_LEVEL: "warn",
  };
  const client = new Client({ name: "stdio-test", version: "1" });
  await client.connect(registryTransport(env));
  try {
    const { tools } = await client.listTools();
    ok(
      ["registry-find", "registry-list", "registry-add", "registry-exec"].every((n) =>
        tools.some((t) => t.name === n)
      ),
    );
    const found = await call(client, "registry-find", { query: "slak", limit: 3 });
    equal(found.results[0].id, "slack");

    // The first start had no cache: it served the snapshot and refreshed from git behind it.
    let status = await call(client, "registry-status");
    for (let i = 0; i < 100 && status.sources[0].serving !== "live"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await call(client, "registry-status");
    }
    equal(status.sources[0].serving, "live", JSON.stringify(status.sources[0]));
    equal(status.sources[0].entries, 328);
    equal(status.sources[0].last_error, null);
  } finally {
    await client.close();
  }

  // A restart serves the cache and does not touch git (the source is fresh for 24 h).
  await Deno.remove(fixture.repo, { recursive: true });
  const again = new Client({ name: "stdio-test", version: "1" });
  await again.connect(registryTransport(env));
  try {
    const status = await call(again, "registry-status");
    equal(status.sources[0].serving, "cache");
    equal(status.sources[0].entries, 328);
    equal(status.sources[0].last_error, null, "no refresh was attempted");
    const found = await call(again, "registry-find", { query: "github", limit: 1 });
    equal(found.results[0].id, "github");
  } finally {
    await again.close();
  }
});

Deno.test("the registry process exits cleanly when its input ends or on SIGTERM", async () => {
  const cache = await Deno.makeTempDir();
  try {
    for (const how of ["stdin", "SIGTERM"] as const) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "main.ts"],
        cwd: ROOT,
        env: {
          MCP_REGISTRY_CACHE_DIR: cache,
          MCP_REGISTRY_DOCKER_REPO: "/nonexistent",
          MCP_REGISTRY_SOURCES: "docker",
        },
        clearEnv: false,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(
        initializeRequest() + "\n",
      ));
      const reader = child.stdout.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      ok(first.includes('"serverInfo"'), first);
      reader.releaseLock();
      if (how === "stdin") {
        // A last request sent right before the end of input is still answered.
        await writer.write(new TextEncoder().encode(
          '{"jsonrpc":"2.0","method":"notifications/initialized"}\n' +
            '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"registry-find",' +
            '"arguments":{"query":"slak","limit":1}}}\n',
        ));
        await writer.close();
      } else child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const { code, signal, stdout } = await child.output();
      if (how === "stdin") ok(new TextDecoder().decode(stdout).includes('"id":2'), "answered");
      clearTimeout(timer);
      equal(signal, null, `${how}: the registry had to be killed`);
      equal(code, 0, how);
    }
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test({
  name: "the registry process stops its containers on exit, and sweeps them after a SIGKILL",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir();
    const env = registryEnv(dir, { MCP_REGISTRY_LOG_LEVEL: "warn" });
    const start = async () => {
      const client = new Client({ name: "stdio-test", version: "1" });
      const transport = registryTransport(env, true);
      await client.connect(transport);
      const added = await call(client, "registry-add", { id: "memory" });
      return { client, transport, container: added.container as string };
    };
    try {
      // A clean exit (the client closes stdin) stops the container.
      const first = await start();
      ok((await ourContainers()).includes(first.container));
      await first.client.close();
      ok(!(await ourContainers()).includes(first.container), "stopped on a clean exit");

      // SIGKILL leaves the container behind; the next start removes it.
      const second = await start();
      const pid = second.transport.pid!;
      Deno.kill(pid, "SIGKILL");
      await second.client.close().catch(() => {});
      // SIGKILL leaves the container running with a dead owner. (Any registry that starts now,
      // such as one of a test running in parallel, may sweep it first: that is fine too.)
      const third = new Client({ name: "stdio-test", version: "1" });
      await third.connect(registryTransport(env));
      let left = true;
      for (let i = 0; i < 100 && left; i++) {
        left = (await ourContainers()).includes(second.container);
        if (left) await new Promise((r) => setTimeout(r, 100));
      }
      equal(left, false, "the next start swept the orphan");
      await third.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "after a SIGKILL the next start restores both servers, their tools and settings, with no orphans",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir();
    const shared = await Deno.makeTempDir({ dir, prefix: "shared-" });
    await Deno.writeTextFile(`${shared}/note.txt`, "kept across restarts");
    const env = registryEnv(dir, {
      MCP_REGISTRY_LOG_LEVEL: "warn",
      MCP_REGISTRY_ALLOWED_PATHS: shared,
    });
    try {
      const first = new Client({ name: "stdio-test", version: "1" });
      const transport = registryTransport(env, true);
      await first.connect(transport);
      const memory = await call(first, "registry-add", { id: "memory" });
      const filesystem = await call(first, "registry-add", {
        id: "filesystem",
        config: { paths: [shared] },
      });
      const before = [memory.container as string, filesystem.container as string];
      Deno.kill(transport.pid!, "SIGKILL");
      await first.close().catch(() => {});

      const restoreStarted = performance.now();
      const second = new Client({ name: "stdio-test", version: "1" });
      await second.connect(registryTransport(env, true));
      try {
        let servers: Json[] = [];
        for (let i = 0; i < 150; i++) {
          servers = (await call(second, "registry-active")).servers;
          if (servers.length === 2 && servers.every((s: Json) => s.state === "running")) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        console.log(`restored 2 servers in ${Math.round(performance.now() - restoreStarted)} ms`);
        equal(
          servers.map((s: Json) => `${s.id}:${s.state}`).sort().join(" "),
          "filesystem:running memory:running",
        );
        const containers = await ourContainers();
        for (const old of before) ok(!containers.includes(old), `orphan ${old} removed`);
        const read = await second.callTool({
          name: "filesystem__read_text_file",
          arguments: { path: `${shared}/note.txt` },
        });
        ok(JSON.stringify(read.content).includes("kept across restarts"), "settings intact");
        const graph = await second.callTool({ name: "memory__read_graph", arguments: {} });
        equal(graph.isError, undefined);
      } finally {
        await second.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
