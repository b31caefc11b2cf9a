/**
 * Activation with real Podman containers running real MCP servers from npm (images built by
 * scripts/build_test_images.ts and tagged as the catalog names them), through a real client.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { CallToolResultSchema } from "../../src/mcp/sdk_client.ts";
import { HAS_PODMAN, ourContainers, podman } from "../_helpers/podman.ts";
import { eventually, openTestRegistry, stateOf, testEntry, textOf } from "../_helpers/registry.ts";

const EVERYTHING = "localhost/mcp-registry-test/everything:latest";
const ignore = !HAS_PODMAN;

// deno-lint-ignore no-explicit-any
type Json = any;

/** A test entry running server-everything, with a secret it ignores and a parameter. */
const everything = testEntry({
  id: "everything",
  container_image: EVERYTHING,
  run: { command: ["stdio"], env: {} } as Json,
  config: {
    secrets: [{ name: "everything.api_key", env: "EVERYTHING_API_KEY" }],
    env: [{ name: "EVERYTHING_MODE", value: "{{everything.mode}}" }],
    parameters: {
      type: "object",
      properties: { mode: { type: "string", enum: ["fast", "slow"] }, count: { type: "integer" } },
    },
  } as Json,
});

async function activeContainer(t: { call: (n: string) => Promise<Json> }, id: string) {
  const active = await t.call("registry-active");
  return active.structuredContent.servers.find((s: Json) => s.id === id)?.container as string;
}

Deno.test({
  name: "find → add memory → call its tool directly and through registry-exec → remove",
  ignore,
  async fn() {
    await using t = await openTestRegistry();
    const found = await t.call("registry-find", { query: "knowledge graph memory", limit: 3 });
    equal((found.structuredContent as Json).results[0].id, "memory");

    const before = t.listChanged();
    const added = await t.call("registry-add", { id: "memory" });
    equal(added.isError, undefined, textOf(added));
    const out = added.structuredContent as Json;
    equal(out.status, "started");
    ok(out.tools.some((tool: Json) => tool.name === "memory__create_entities"));
    ok(t.listChanged() > before, "tools/list_changed was sent");
    const container = out.container as string;
    match(container, /^mcp-registry-memory-[0-9a-f]{6}$/);
    ok((await ourContainers()).includes(container));

    const { tools } = await t.client.listTools();
    ok(tools.some((tool) => tool.name === "memory__read_graph"));
    for (const tool of tools) match(tool.name, /^[a-zA-Z0-9_-]{1,64}$/);

    const entity = `Entity-${crypto.randomUUID()}`;
    const created = await t.call("memory__create_entities", {
      entities: [{ name: entity, entityType: "test", observations: ["made by a test"] }],
    });
    equal(created.isError, undefined, textOf(created));
    const graph = await t.call("registry-exec", {
      id: "memory",
      tool: "search_nodes",
      arguments: { query: entity },
    });
    match(textOf(graph), new RegExp(entity));
    ok((graph.structuredContent as Json).entities.some((e: Json) => e.name === entity));

    const again = await t.call("registry-add", { id: "memory" });
    equal((again.structuredContent as Json).status, "already-running");
    match(textOf(again), /already running with these settings; nothing changed/);

    const removed = await t.call("registry-remove", { id: "memory" });
    equal(removed.isError, undefined, textOf(removed));
    ok(!(await t.client.listTools()).tools.some((tool) => tool.name.startsWith("memory__")));
    ok(!(await ourContainers()).includes(container), "the container is gone");
    const after = await t.call("memory__read_graph", {}).catch((e: Error) => e);
    ok(after instanceof Error, "the removed tool is unknown");
  },
});

Deno.test({
  name: "a container killed from outside is started again by the next call",
  ignore,
  async fn() {
    await using t = await openTestRegistry();
    equal((await t.call("registry-add", { id: "memory" })).isError, undefined);
    const container = await activeContainer(t, "memory");
    await podman("kill", container);
    await eventually(async () => await stateOf(t, "memory") === "exited");
    const status = await t.call("registry-status");
    equal(status.isError, undefined, "the registry stays up");
    const result = await t.call("registry-exec", { id: "memory", tool: "read_graph" });
    equal(result.isError, undefined, textOf(result));
    const restarted = await activeContainer(t, "memory");
    ok(restarted && restarted !== container, "a new container runs");
    ok(t.logs.some((l) => l.includes("restarted server")));
    await t.call("registry-remove", { id: "memory" });
  },
});

Deno.test({
  name: "a container killed mid-call fails that call at once; the next call succeeds",
  ignore,
  async fn() {
    await using t = await openTestRegistry({ entries: [everything] });
    const added = await t.call("registry-add", {
      id: "everything",
      config: { "everything.api_key": "unused" },
    });
    equal(added.isError, undefined, textOf(added));
    const container = await activeContainer(t, "everything");
    const started = performance.now();
    const slow = t.call("registry-exec", {
      id: "everything",
      tool: "trigger-long-running-operation",
      arguments: { duration: 30, steps: 30 },
    });
    await new Promise((r) => setTimeout(r, 500));
    await podman("kill", container);
    const failed = await slow;
    ok(performance.now() - started < 10_000, "the call did not wait for its timeout");
    equal(failed.isError, true);
    match(textOf(failed), /stopped during the call.*next call starts it again/s);
    const next = await t.call("everything__echo", { message: "back" });
    equal(textOf(next), "Echo: back");
  },
});

Deno.test({
  name: "a server that cannot be started again says why and how to fix it",
  ignore,
  async fn() {
    // An image of its own, with an id of its own: `rmi -f` of a mere second tag would remove
    // the shared memory image and kill every memory container of the tests running beside.
    const image = `localhost/mcp-registry-test/vanishing-${crypto.randomUUID().slice(0, 8)}:1`;
    const context = await Deno.makeTempDir();
    await Deno.writeTextFile(
      `${context}/Containerfile`,
      `FROM docker.io/mcp/memory:latest\nLABEL io.mcp-registry.test.vanishing="${image}"\n`,
    );
    await podman("build", "--quiet", "--pull=never", "-t", image, context);
    await Deno.remove(context, { recursive: true });
    const vanishing = testEntry({
      id: "vanishing",
      container_image: image,
      run: { volumes: [] } as Json,
    });
    try {
      await using t = await openTestRegistry({ entries: [vanishing] });
      equal((await t.call("registry-add", { id: "vanishing" })).isError, undefined);
      const container = await activeContainer(t, "vanishing");
      await podman("rmi", "-f", image);
      await podman("kill", container).catch(() => {}); // rmi -f may have removed it already
      await eventually(async () => await stateOf(t, "vanishing") !== "running", {
        timeoutMs: 10_000,
      });
      const result = await t.call("registry-exec", { id: "vanishing", tool: "read_graph" });
      equal(result.isError, true);
      match(textOf(result), /vanishing is not running .* could not be started again/s);
      match(textOf(result), /Cannot pull the image localhost\/mcp-registry-test\/vanishing/);
      const active = (await t.call("registry-active")).structuredContent as Json;
      equal(active.servers[0].state, "failed");

      await podman("tag", "docker.io/mcp/memory:latest", image);
      const readded = await t.call("registry-add", { id: "vanishing" });
      equal((readded.structuredContent as Json).status, "started", textOf(readded));
      await t.call("registry-remove", { id: "vanishing" });
    } finally {
      await podman("rmi", "-f", image).catch(() => {});
    }
  },
});

Deno.test({
  name: "50 concurrent registry-exec calls to one server all get their own answers",
  ignore,
  async fn() {
    await using t = await openTestRegistry({ entries: [everything] });
    const added = await t.call("registry-add", {
      id: "everything",
      config: { "everything.api_key": "not-used" },
    });
    equal(added.isError, undefined, textOf(added));
    const calls = Array.from({ length: 50 }, (_, i) =>
      t.call("registry-exec", {
        id: "everything",
        tool: "echo",
        arguments: { message: `message ${i}` },
      }));
    const results = await Promise.all(calls);
    results.forEach((r, i) => equal(textOf(r), `Echo: message ${i}`));
    const direct = await t.call("everything__echo", { message: "direct" });
    equal(textOf(direct), "Echo: direct");
  },
});

Deno.test({
  name: "config: only declared keys, schema-checked, secrets never in ps, logs or results",
  ignore,
  async fn() {
    await using t = await openTestRegistry({ entries: [everything] });
    const secret = `s3cr3t-${crypto.randomUUID()}`;

    const undeclared = await t.call("registry-config-set", {
      id: "everything",
      values: { "everything.api_key": secret, OTHER_KEY: "x" },
    });
    equal(undeclared.isError, true);
    match(textOf(undeclared), /"OTHER_KEY" is not a setting of everything/);
    match(textOf(undeclared), /accepts: everything\.api_key \(secret\), mode \(parameter\)/);

    const invalid = await t.call("registry-config-set", {
      id: "everything",
      values: { mode: "turbo", count: "three" },
    });
    equal(invalid.isError, true);
    match(textOf(invalid), /mode: .*allowed values/);
    match(textOf(invalid), /count: .*integer/);

    const set = await t.call("registry-config-set", {
      id: "everything",
      values: { EVERYTHING_API_KEY: secret, mode: "fast" },
    });
    equal(set.isError, undefined, textOf(set));
    const view = (set.structuredContent as Json).config;
    deepEqual(view.find((c: Json) => c.key === "everything.api_key").value, "********");
    equal(view.find((c: Json) => c.key === "mode").value, "fast");

    const secretsFile = `${t.dir}/data/secrets.json`;
    equal((await Deno.stat(secretsFile)).mode! & 0o777, 0o600);
    equal((await Deno.stat(`${t.dir}/data`)).mode! & 0o777, 0o700);

    const results = [set];
    results.push(await t.call("registry-add", { id: "everything" }));
    equal(results[1]!.isError, undefined, textOf(results[1]!));
    const container = await activeContainer(t, "everything");
    // The secret reached the container, through the environment.
    const inside = await podman(
      "exec",
      container,
      "node",
      "-e",
      "process.stdout.write(String(process.env.EVERYTHING_API_KEY) + ' ' + process.env.EVERYTHING_MODE)",
    );
    equal(inside, `${secret} fast`);
    // ...and nowhere a local user can see it.
    const ps = new TextDecoder().decode(
      (await new Deno.Command("ps", { args: ["-eo", "args"], stdout: "piped" }).output()).stdout,
    );
    ok(ps.includes(container), "ps sees the podman process");
    ok(!ps.includes(secret), "ps shows no secret");
    const inspect = await podman(
      "inspect",
      "--format",
      "{{json .Config.Cmd}} {{json .Args}}",
      container,
    );
    ok(!inspect.includes(secret), "the container's argv holds no secret");

    for (const name of ["registry-active", "registry-status"]) results.push(await t.call(name));
    results.push(await t.call("registry-find", { query: "everything" }));
    results.push(
      await t.call("registry-config-set", { id: "everything", values: { mode: "slow" } }),
    );
    equal((results.at(-1)!.structuredContent as Json).restarted, true);
    for (const result of results) {
      ok(!JSON.stringify(result).includes(secret), "no result shows it");
    }
    ok(t.logs.length > 0);
    ok(!t.logs.join("\n").includes(secret), "no log line shows it");
  },
});

Deno.test({
  name: "registry-add names what is missing before starting anything",
  ignore,
  async fn() {
    await using t = await openTestRegistry();
    const result = await t.call("registry-add", { id: "github-official" });
    equal(result.isError, true);
    match(
      textOf(result),
      /github\.personal_access_token: secret \(becomes GITHUB_PERSONAL_ACCESS_TOKEN\)/,
    );
    match(textOf(result), /registry-config-set \{"id":"github-official"/);
    equal(((await t.call("registry-active")).structuredContent as Json).servers.length, 0);

    const unknown = await t.call("registry-add", { id: "memroy" });
    equal(unknown.isError, true);
    match(textOf(unknown), /No server has the id "memroy"\. Did you mean: memory/);
  },
});

Deno.test({
  name: "the filesystem entry mounts the configured folder and reads from it, without network",
  ignore,
  async fn() {
    const approved = await Deno.makeTempDir({ prefix: "approved-" });
    await using t = await openTestRegistry({ env: { MCP_REGISTRY_ALLOWED_PATHS: approved } });
    const folder = await Deno.makeTempDir({ dir: approved, prefix: "shared-" });
    await Deno.writeTextFile(`${folder}/hello.txt`, "hello from the host");
    const outside = await Deno.makeTempDir({ dir: t.dir, prefix: "not-approved-" });
    // `paths` is required but has a default in the catalog (/Users/local-test).
    const missing = await t.call("registry-add", { id: "filesystem" });
    match(textOf(missing), /host path \/Users\/local-test does not exist/);

    const refused = await t.call("registry-config-set", {
      id: "filesystem",
      values: { paths: "/not/a/list" },
    });
    match(textOf(refused), /paths: .*array/);

    const etc = await t.call("registry-add", { id: "filesystem", config: { paths: ["/etc"] } });
    equal(etc.isError, true);
    match(textOf(etc), /\/etc is never mounted into a container: \/etc belongs to the system/);
    // A folder of its own, but not one a person approved: refused, with the command to approve.
    const notApproved = await t.call("registry-add", {
      id: "filesystem",
      config: { paths: [outside] },
    });
    equal(notApproved.isError, true);
    match(textOf(notApproved), new RegExp(`mcp-registry config allow-path ${outside}`));

    const added = await t.call("registry-add", {
      id: "filesystem",
      config: { paths: [folder] },
    });
    equal(added.isError, undefined, textOf(added));
    const read = await t.call("registry-exec", {
      id: "filesystem",
      tool: "read_text_file",
      arguments: { path: `${folder}/hello.txt` },
    });
    match(textOf(read), /hello from the host/);
    const container = await activeContainer(t, "filesystem");
    const network = await podman("inspect", "--format", "{{.HostConfig.NetworkMode}}", container);
    equal(network, "none");
    const caps = await podman("inspect", "--format", "{{json .EffectiveCaps}}", container);
    ok(caps === "null" || caps === "[]", `no capabilities: ${caps}`);
    await Deno.remove(approved, { recursive: true });
  },
});

Deno.test({
  name: "without podman, activation says how to install it and search keeps working",
  ignore,
  async fn() {
    await using t = await openTestRegistry({ env: { MCP_REGISTRY_PODMAN: "/nonexistent/podman" } });
    const result = await t.call("registry-add", { id: "memory" });
    equal(result.isError, true);
    match(textOf(result), /podman is not installed or not on PATH/);
    match(textOf(result), /dnf install podman/);
    const found = await t.call("registry-find", { query: "memory" });
    equal(found.isError, undefined);
  },
});

Deno.test({
  name: "an image that cannot be pulled is a clear error naming the image",
  ignore,
  async fn() {
    const entry = testEntry({
      id: "unpullable",
      container_image: "localhost:1/mcp-registry-test/does-not-exist:1",
    });
    await using t = await openTestRegistry({ entries: [entry] });
    const result = await t.call("registry-add", { id: "unpullable" });
    equal(result.isError, true);
    match(textOf(result), /Cannot pull the image localhost:1\/mcp-registry-test\/does-not-exist:1/);
    equal(((await t.call("registry-active")).structuredContent as Json).servers.length, 0);
  },
});

Deno.test({
  name: "a start sweeps containers left by a dead registry; disposing stops what it started",
  ignore,
  async fn() {
    const orphan = `mcp-registry-orphan-${crypto.randomUUID().slice(0, 6)}`;
    await podman(
      "run",
      "-d",
      "--rm",
      "--name",
      orphan,
      "--label",
      "io.mcp-registry.managed=true",
      "--label",
      "io.mcp-registry.owner=999999999:1",
      "--entrypoint",
      "node",
      EVERYTHING,
      "-e",
      "setTimeout(() => {}, 600000)",
    );
    ok((await ourContainers()).includes(orphan));
    let started = "";
    {
      await using t = await openTestRegistry();
      ok(
        await eventually(async () => !(await ourContainers()).includes(orphan), {
          timeoutMs: 10_000,
        }),
        "the orphan was removed",
      );
      equal((await t.call("registry-add", { id: "memory" })).isError, undefined);
      started = await activeContainer(t, "memory");
      ok((await ourContainers()).includes(started));
    }
    ok(!(await ourContainers()).includes(started), "disposing the registry stopped its container");
  },
});

Deno.test({
  name: "other settings restart a running server; a failed restart keeps it listed and remembered",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const folder = await Deno.makeTempDir({ dir, prefix: "shared-" });
      {
        await using t = await openTestRegistry({
          dir: `${dir}/registry`,
          env: { MCP_REGISTRY_ALLOWED_PATHS: dir },
        });
        const first = await t.call("registry-add", {
          id: "filesystem",
          config: { paths: [folder] },
        });
        equal((first.structuredContent as Json).status, "started", textOf(first));
        const before = await activeContainer(t, "filesystem");

        const other = await Deno.makeTempDir({ dir, prefix: "other-" });
        const changed = await t.call("registry-add", {
          id: "filesystem",
          config: { paths: [other] },
        });
        equal((changed.structuredContent as Json).status, "restarted", textOf(changed));
        const after = await activeContainer(t, "filesystem");
        ok(after !== before, "a new container runs with the new settings");

        const broken = await t.call("registry-config-set", {
          id: "filesystem",
          values: { paths: [`${dir}/does-not-exist`] },
        });
        equal(broken.isError, true, "a failed restart is an error");
        match(textOf(broken), /Restarting filesystem with them failed: .*does not exist/s);
        // The container with the replaced settings does not run on unseen.
        match(textOf(broken), /filesystem that ran with the earlier settings was stopped/);
        ok(!(await ourContainers()).includes(after), "the old container was stopped");
        const listed = ((await t.call("registry-active")).structuredContent as Json).servers[0];
        equal(listed.state, "failed");
        match(listed.last_error, /does not exist/);
      }
      {
        // Still remembered: the next start lists it (and fails again, for the same reason).
        await using t = await openTestRegistry({ dir: `${dir}/registry` });
        const servers = ((await t.call("registry-active")).structuredContent as Json).servers;
        equal(servers.map((x: Json) => `${x.id}:${x.state}`).join(" "), "filesystem:failed");
        const status = (await t.call("registry-status")).structuredContent as Json;
        equal(status.servers[0].id, "filesystem");
        // registry-remove forgets a failed server too.
        equal((await t.call("registry-remove", { id: "filesystem" })).isError, undefined);
        equal(((await t.call("registry-active")).structuredContent as Json).servers.length, 0);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "registry-add sends progress notifications for each step of a start",
  ignore,
  async fn() {
    await using t = await openTestRegistry();
    const steps: string[] = [];
    const added = await t.client.callTool(
      { name: "registry-add", arguments: { id: "memory" } },
      CallToolResultSchema,
      { onprogress: (p) => steps.push(p.message ?? "") },
    );
    equal(added.isError, undefined, JSON.stringify(added.content));
    deepEqual(steps.slice(0, 2), ["memory: starting", "memory: checking podman and the image"]);
    ok(
      steps.some((s) => /^memory: starting the container mcp-registry-memory-/.test(s)),
      steps.join("\n"),
    );
    ok(steps.includes("memory: waiting for the server's MCP handshake and tool list"));
    match(steps.at(-1)!, /^memory: running with \d+ tools$/);
    equal((await t.call("registry-remove", { id: "memory" })).isError, undefined);
  },
});
