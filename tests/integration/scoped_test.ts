/**
 * `deno task start:scoped`: the source run with exactly the permissions of the compiled binary
 * (scripts/permissions.ts), no `--allow-all`, driven end to end by a real SDK client over stdio.
 * Any permission the registry lacks shows up as a failed call or a denial on its stderr (logged at
 * debug level, so denials the registry catches and logs are seen too).
 */
import { LEAN_FLAGS, V8_FLAGS } from "../../src/cli/client_config.ts";
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { Client, StdioClientTransport } from "../../src/mcp/sdk_client.ts";
import { createGitFixture } from "../_helpers/git_fixture.ts";
import { HAS_PODMAN, ourContainers } from "../_helpers/podman.ts";
import { registryEnv, ROOT } from "../_helpers/processes.ts";
import { PERMISSION_FLAGS } from "../../scripts/permissions.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const DENIED = /NotCapable|PermissionDenied|Requires \S+ access|run again with the --allow-/;

/** A client connected to `deno task start:scoped`, and everything the registry wrote to stderr. */
async function connectScoped(env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["task", "--quiet", "start:scoped"],
    cwd: ROOT,
    env: { ...Deno.env.toObject(), ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => stderr += new TextDecoder().decode(chunk));
  const client = new Client({ name: "scoped-test", version: "1" });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await client.callTool({ name, arguments: args });
  ok(!result.isError, `${name}: ${JSON.stringify(result.content)}`);
  return result as Json;
}

/** Polls `registry-status` until the first source's refresh has been attempted and ended. */
async function settledStatus(client: Client): Promise<Json> {
  let status = (await call(client, "registry-status")).structuredContent;
  for (
    let i = 0;
    i < 150 && (!status.sources[0].last_attempt || status.sources[0].refreshing);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 100));
    status = (await call(client, "registry-status")).structuredContent;
  }
  return status;
}

function assertNoDenial(stderr: string) {
  const line = stderr.split("\n").find((l) => DENIED.test(l));
  equal(line, undefined, `a permission was missing:\n${stderr}`);
}

Deno.test("`deno task start:scoped` runs main.ts with the flags of scripts/permissions.ts, no more", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks;
  // No permission beside the script's: only the memory settings clients launch with too.
  equal(
    tasks["start:scoped"],
    `deno run $(deno run scripts/permissions.ts) ${LEAN_FLAGS.join(" ")} main.ts`,
  );
  equal(tasks.start, `deno run --allow-all ${LEAN_FLAGS.join(" ")} main.ts`);
  match(
    tasks.compile,
    /^deno compile \$\(deno run scripts\/permissions\.ts --compile\) .*main\.ts$/,
  );
  ok(tasks.compile.includes(` ${V8_FLAGS} `), "the binary runs with the same V8 settings");
  const printed = await new Deno.Command(Deno.execPath(), {
    args: ["run", "scripts/permissions.ts"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  deepEqual(new TextDecoder().decode(printed.stdout).trim().split(" "), PERMISSION_FLAGS);
  ok(!PERMISSION_FLAGS.some((f) => f === "-A" || f === "--allow-all"));
});

Deno.test({
  name: "`deno task start:scoped`: find → add memory → call its tool → remove → status, no denial",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-scoped-" });
    const { client, stderr } = await connectScoped(
      registryEnv(dir, { MCP_REGISTRY_LOG_LEVEL: "debug" }),
    );
    let container = "";
    try {
      const { tools } = await client.listTools();
      for (const name of ["registry-find", "registry-add", "registry-remove", "registry-status"]) {
        ok(tools.some((t) => t.name === name), `${name} is listed`);
      }
      const found = await call(client, "registry-find", {
        query: "knowledge graph memory",
        limit: 3,
      });
      equal(found.structuredContent.results[0].id, "memory");

      const added = await call(client, "registry-add", { id: "memory" });
      equal(added.structuredContent.status, "started");
      container = added.structuredContent.container;
      match(container, /^mcp-registry-memory-[0-9a-f]{6}$/);
      ok((await ourContainers()).includes(container));

      const entity = `Entity-${crypto.randomUUID()}`;
      await call(client, "memory__create_entities", {
        entities: [{ name: entity, entityType: "test", observations: ["made by a scoped run"] }],
      });
      const graph = await call(client, "memory__search_nodes", { query: entity });
      ok(graph.structuredContent.entities.some((e: Json) => e.name === entity));

      // registry-code: its sandbox (`deno` with no permissions) starts under the scoped flags,
      // reaches the memory server through mcp.call, and still cannot read a file.
      const code = await call(client, "registry-code", {
        code: `const g = await servers.memory.search_nodes({ query: ${JSON.stringify(entity)} });
          let read = "denied"; try { read = Deno.readTextFileSync("/etc/hostname"); } catch { /* no */ }
          return { found: g.entities.length, read };`,
      });
      deepEqual(code.structuredContent.result, { found: 1, read: "denied" });

      await call(client, "registry-remove", { id: "memory" });
      ok(!(await client.listTools()).tools.some((t) => t.name.startsWith("memory__")));
      ok(!(await ourContainers()).includes(container), "the container is gone");

      const status = await settledStatus(client);
      deepEqual(status.servers, []);
      equal(status.sources[0].name, "docker");
      equal(status.sources[0].serving, "snapshot");
      ok(status.sources[0].entries > 300);
      // /nonexistent cannot be cloned: git ran and said so, which took run and write access.
      match(status.sources[0].last_error ?? "", /git|nonexistent|not exist/i);
      ok(!DENIED.test(status.sources[0].last_error ?? ""), status.sources[0].last_error);
    } finally {
      await client.close();
      if (container && (await ourContainers()).includes(container)) {
        await new Deno.Command("podman", { args: ["rm", "-f", container] }).output();
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
    assertNoDenial(stderr());
  },
});

Deno.test("`deno task start:scoped` refreshes from a real git repository, then restarts from the cache", async () => {
  await using fixture = await createGitFixture();
  const env = registryEnv(fixture.dir, {
    MCP_REGISTRY_DOCKER_REPO: fixture.repo,
    MCP_REGISTRY_LOG_LEVEL: "debug",
  });
  const first = await connectScoped(env);
  try {
    const status = await settledStatus(first.client);
    equal(status.sources[0].last_error, null);
    equal(status.sources[0].serving, "live");
    equal(status.sources[0].entries, 328);
    const found = await call(first.client, "registry-find", { query: "slak", limit: 3 });
    equal(found.structuredContent.results[0].id, "slack");
  } finally {
    await first.client.close();
  }
  assertNoDenial(first.stderr());

  const again = await connectScoped(env);
  try {
    const status = (await call(again.client, "registry-status")).structuredContent;
    equal(status.sources[0].serving, "cache");
    equal(status.sources[0].entries, 328);
  } finally {
    await again.client.close();
  }
  assertNoDenial(again.stderr());
});

Deno.test({
  name: "`deno task start:scoped` labels its containers with its own start time (from ps)",
  ignore: !HAS_PODMAN || Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-scoped-" });
    const { client, stderr } = await connectScoped(registryEnv(dir));
    let container = "";
    try {
      container =
        (await call(client, "registry-add", { id: "memory" })).structuredContent.container;
      const inspected = await new Deno.Command("podman", {
        args: [
          "inspect",
          "--format",
          '{{index .Config.Labels "io.mcp-registry.owner"}}',
          container,
        ],
        stdout: "piped",
      }).output();
      const owner = new TextDecoder().decode(inspected.stdout).trim();
      // Deno lets only --allow-all read /proc: the scoped registry asks ps instead.
      match(owner, /^\d+:ps:\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$/);
      await call(client, "registry-remove", { id: "memory" });
    } finally {
      await client.close();
      if (container && (await ourContainers()).includes(container)) {
        await new Deno.Command("podman", { args: ["rm", "-f", container] }).output();
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
    assertNoDenial(stderr());
  },
});
