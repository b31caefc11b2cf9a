/**
 * Every way a repository runs, for real (issue 15): a Node server with a `bin` and no
 * Containerfile built by the source recipe (the local test image as builder and runtime) and
 * started; a published npm package confirmed by a fake registry on loopback and run with npx
 * (from the npm cache volume the test images filled); a namesake package pointing elsewhere
 * (a hijack) and a private one never used; the plan kept across a restart of the registry,
 * with no clone and no registry asked; a new upstream commit only on `build: true`; MCP
 * elicitation asking the person.
 */
import { commitFiles as commit, helloServer } from "../_helpers/build_repos.ts";
import { deepEqual, equal, match, ok } from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { MCP_VERSION, NODE_RUNTIME, PACKAGE_SERVER } from "../../scripts/build_test_images.ts";
import { minimalEntry } from "../../src/catalog/entry.ts";
import { DEFAULT_BUILD_SETTINGS } from "../../src/config.ts";
import type { CallToolResult } from "../../src/mcp/sdk.ts";
import { prepareRun, type RunPlan } from "../../src/registry/build_flow.ts";
import type { ContainerRuntime } from "../../src/runtime/container_runtime.ts";
import { Client, InMemoryTransport } from "../../src/mcp/sdk_client.ts";
import { LocalCatalogsSource } from "../../src/sources/local_catalogs.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { eventually, openTestRegistry, type TestRegistry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const BASE = "localhost/mcp-registry-test/node:base";
const IDS = ["rw-recipe", "rw-memory", "rw-squat", "rw-private"];

const packageJson = (json: Record<string, unknown>) => JSON.stringify(json, null, 2);

/** The repositories, a catalog naming them (unpinned), and a fake npm registry. */
/**
 * A folder with the repositories, their catalog and a fake npm registry; disposing it stops the
 * fake, removes the images the tests built and the folder.
 */
async function setUp() {
  const dir = await Deno.makeTempDir({ prefix: "run_way_test_" });
  const recipe = `${dir}/recipe`;
  const v1 = await commit(recipe, {
    "package.json": packageJson({ name: "rw-hello", bin: { "rw-hello": "bin/server.js" } }),
    "bin/server.js": helloServer("v1"),
  });
  const memory = `${dir}/memory`;
  await commit(memory, {
    "package.json": packageJson({
      name: PACKAGE_SERVER.name,
      bin: { "mcp-server-memory": "dist/index.js" },
    }),
    "dist/index.js": "// built by the real project\n",
  });
  const squat = `${dir}/squat`;
  await commit(squat, {
    "package.json": packageJson({ name: "rw-squat", bin: "server.js" }),
    "server.js": helloServer("squat"),
  });
  const priv = `${dir}/private`;
  await commit(priv, {
    "package.json": packageJson({ name: "rw-private", private: true, bin: "server.js" }),
    "server.js": helloServer("private"),
  });
  const catalog = `${dir}/catalog.yaml`;
  await Deno.writeTextFile(
    catalog,
    [["rw-recipe", recipe], ["rw-memory", memory], ["rw-squat", squat], ["rw-private", priv]]
      .map(([id, repo]) => `name: ${id}\ntype: server\nsource:\n  project: ${repo}\n`)
      .join("---\n"),
  );
  const asked: string[] = [];
  const docs: Record<string, unknown> = {
    [`/${PACKAGE_SERVER.name.replace("/", "%2f")}/latest`]: {
      name: PACKAGE_SERVER.name,
      version: MCP_VERSION,
      repository: { type: "git", url: `git+file://${memory}.git` },
    },
    // A namesake: the same name as the repository's package, published from elsewhere.
    "/rw-squat/latest": {
      name: "rw-squat",
      version: "6.6.6",
      repository: "github:evil/rw-squat",
    },
    // Points back to the repository, but the repository says it is private: never asked.
    "/rw-private/latest": { name: "rw-private", version: "1.0.0", repository: priv },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    asked.push(path);
    const doc = docs[path];
    return doc ? Response.json(doc) : new Response("{}", { status: 404 });
  });
  return {
    dir,
    catalog,
    recipe,
    v1,
    asked,
    npm: `http://127.0.0.1:${server.addr.port}`,
    server,
    async [Symbol.asyncDispose]() {
      await server.shutdown().catch(() => {});
      await removeImages();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A registry over the catalog, with the local test images as recipe and package images. */
async function open(
  dir: string,
  catalog: string,
  npm: string,
  env: Record<string, string> = {},
): Promise<TestRegistry> {
  const t = await openTestRegistry({
    dir,
    sources: [new LocalCatalogsSource({ paths: [catalog] })],
    env: {
      MCP_REGISTRY_BUILD_NODE_IMAGE: BASE,
      MCP_REGISTRY_NODE_IMAGE: NODE_RUNTIME,
      MCP_REGISTRY_NPM_REGISTRY: npm,
      ...env,
    },
  });
  await t.registry.catalog.refresh("local");
  return t;
}

async function removeImages(): Promise<void> {
  for (const id of IDS) {
    const images = await podman(
      "images",
      "--quiet",
      "--filter",
      `label=io.mcp-registry.server=${id}`,
    );
    const unique = [...new Set(images.split("\n").filter(Boolean))];
    if (unique.length) await podman("rmi", "--force", ...unique).catch(() => "");
  }
}

const plan = (result: CallToolResult): Json => (result.structuredContent as Json).build;
const status = (result: CallToolResult): string => (result.structuredContent as Json).status;

Deno.test({
  name: "registry-add runs a Node recipe, a confirmed package, and keeps the plan over a restart",
  ignore: !HAS_PODMAN,
  async fn() {
    await using fake = await setUp();
    const { dir } = fake;
    {
      await using t = await open(dir, fake.catalog, fake.npm);

      // 1. The Node recipe: the namesake on npm is not it, so the repository is built.
      const asked = await t.call("registry-add", { id: "rw-recipe" });
      equal(status(asked), "needs-build", textOf(asked));
      deepEqual(
        { kind: plan(asked).kind, file: plan(asked).file, commit: plan(asked).commit },
        { kind: "recipe", file: "node", commit: fake.v1 },
      );
      match(textOf(asked), /recipe: Node: node bin\/server\.js/);
      const started = performance.now();
      const steps: string[] = [];
      const built = await t.client.callTool(
        { name: "registry-add", arguments: { id: "rw-recipe", build: true } },
        undefined,
        { onprogress: (p) => steps.push(p.message ?? "") },
      ) as CallToolResult;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`Node recipe: built and started in ${seconds} s`);
      equal(status(built), "started", textOf(built));
      equal(textOf(await t.call("rw-recipe__hello", { name: "ada" })), "hello ada from v1");
      const said = steps.join("\n");
      match(said, /^rw-recipe: cloning /m);
      match(said, /^rw-recipe: cloned [0-9a-f]{12}: \d+\.\d MB$/m);
      match(said, /^rw-recipe: checking npm rw-hello against /m);
      match(
        said,
        /^rw-recipe: \[1\/2\] STEP 1\/\d+: FROM localhost\/mcp-registry-test\/node:base AS builder/m,
      );
      match(
        said,
        /^rw-recipe: built localhost\/mcp-registry-build\/rw-recipe:[0-9a-f]{12} \(\d+ MB\) in /m,
      );
      equal(t.registry.context.runMarks!.get("rw-recipe")?.commit, fake.v1);

      // 2. A hijack and a private package: not used; each is built by its recipe instead.
      const squat = await t.call("registry-add", { id: "rw-squat" });
      equal(plan(squat).kind, "recipe", textOf(squat));
      const priv = await t.call("registry-add", { id: "rw-private" });
      equal(plan(priv).kind, "recipe", textOf(priv));
      ok(fake.asked.includes("/rw-squat/latest"));
      ok(!fake.asked.includes("/rw-private/latest"), "a private package is not looked up");

      // 3. The published package whose metadata points back: npx, pinned to its version.
      const pkg = await t.call("registry-add", { id: "rw-memory" });
      equal(status(pkg), "needs-build", textOf(pkg));
      deepEqual(plan(pkg).package, {
        registry: "npm",
        name: PACKAGE_SERVER.name,
        version: MCP_VERSION,
      });
      match(textOf(pkg), /points back to this repository/);
      const ran = await t.call("registry-add", { id: "rw-memory", build: true });
      equal(status(ran), "started", textOf(ran));
      ok(
        (ran.structuredContent as Json).tools.some((tool: Json) => tool.tool === "read_graph"),
        textOf(ran),
      );
      equal(
        await podman("images", "--quiet", "--filter", "label=io.mcp-registry.server=rw-memory"),
        "",
        "a package builds no image",
      );

      // 4. A new upstream commit is not taken by a plain start.
      await commit(fake.recipe, { "bin/server.js": helloServer("v2") });
      equal((await t.call("registry-remove", { id: "rw-recipe" })).isError, undefined);
      const again = await t.call("registry-add", { id: "rw-recipe" });
      equal(status(again), "started", textOf(again));
      equal(textOf(await t.call("rw-recipe__hello", {})), "hello world from v1");
    }

    // 5. A restart: both come back from their plans, with no clone and no registry asked.
    await fake.server.shutdown();
    const askedBefore = fake.asked.length;
    await Deno.rename(`${dir}/memory`, `${dir}/memory-gone`);
    {
      await using t = await open(dir, fake.catalog, fake.npm);
      const active = (await t.call("registry-active")).structuredContent as Json;
      deepEqual(
        active.servers.map((s: Json) => [s.id, s.state]).sort(),
        [["rw-memory", "running"], ["rw-recipe", "running"]],
        JSON.stringify(active.servers),
      );
      equal(textOf(await t.call("rw-recipe__hello", {})), "hello world from v1");
      const graph = await t.call("rw-memory__read_graph", {});
      equal(graph.isError, undefined, textOf(graph));
      equal(fake.asked.length, askedBefore);

      // 6. build: true takes the new commit.
      const rebuilt = await t.call("registry-add", { id: "rw-recipe", build: true });
      equal(status(rebuilt), "started", textOf(rebuilt));
      equal(textOf(await t.call("rw-recipe__hello", {})), "hello world from v2");
    }
  },
});

Deno.test({
  name: "registry-add asks the person by elicitation when the client can, and builds on yes",
  ignore: !HAS_PODMAN,
  async fn() {
    await using fake = await setUp();
    const { dir } = fake;
    await using t = await open(dir, fake.catalog, fake.npm);
    const answers: ("decline" | "yes")[] = ["decline", "yes"];
    const questions: string[] = [];
    const client = new Client(
      { name: "asks", version: "1" },
      { capabilities: { elicitation: {} } },
    );
    client.setRequestHandler(ElicitRequestSchema, (request: Json) => {
      questions.push(request.params.message);
      return answers.shift() === "yes"
        ? { action: "accept", content: { confirm: true } }
        : { action: "decline" };
    });
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await t.registry.newServer().connect(serverSide);
    await client.connect(clientSide);
    const call = async (args: Json) =>
      await client.callTool({ name: "registry-add", arguments: args }) as CallToolResult;

    const declined = await call({ id: "rw-squat" });
    equal(status(declined), "needs-build", textOf(declined));
    match(textOf(declined), /declined/);
    equal(
      await podman("images", "--quiet", "--filter", "label=io.mcp-registry.server=rw-squat"),
      "",
      "nothing built on a no",
    );
    const accepted = await call({ id: "rw-squat" });
    equal(status(accepted), "started", textOf(accepted));
    equal(questions.length, 2);
    match(
      questions[0]!,
      /^Build rw-squat from .*squat at commit [0-9a-f]{12} \(the node source recipe\)/,
    );
    const hello = await client.callTool({ name: "rw-squat__hello", arguments: {} });
    equal(textOf(hello as CallToolResult), "hello world from squat");
    await client.close();
  },
});

Deno.test({
  name: "a failed recipe build leaves no image, stage or container, and keeps its whole log",
  ignore: !HAS_PODMAN,
  async fn() {
    await using fake = await setUp();
    const { dir } = fake;
    const dangling = async () =>
      (await podman("images", "--all", "--quiet", "--filter", "dangling=true")).split("\n")
        .filter(Boolean).sort();
    const containers = async () =>
      (await podman("ps", "--all", "--external", "--format", "{{.Names}}")).split("\n")
        .filter((name) => name.includes("working-container")).sort();
    // npm is not in the local node image: the builder stage's `npm install` fails.
    await commit(fake.recipe, {
      "package.json": packageJson({
        name: "rw-hello",
        bin: { "rw-hello": "bin/server.js" },
        scripts: { build: "node -e 1" },
      }),
    });
    await using t = await open(dir, fake.catalog, fake.npm);
    const [danglingBefore, containersBefore] = [await dangling(), await containers()];
    const failed = await t.call("registry-add", { id: "rw-recipe", build: true });
    equal(failed.isError, true, textOf(failed));
    match(textOf(failed), /^Cannot run rw-recipe: the build of .* failed; its last lines:/);
    match(textOf(failed), /npm/);
    const log = /whole log: (\S+\.log)\)/.exec(textOf(failed))?.[1];
    ok(log, textOf(failed));
    match(
      await Deno.readTextFile(log),
      /STEP 1\/\d+: FROM localhost\/mcp-registry-test\/node:base AS builder/,
    );
    equal(
      await podman(
        "images",
        "--all",
        "--quiet",
        "--filter",
        "label=io.mcp-registry.server=rw-recipe",
      ),
      "",
    );
    // Other tests may leave dangling images meanwhile: only ours (its steps) count.
    for (const id of (await dangling()).filter((i) => !danglingBefore.includes(i))) {
      const history = await podman("image", "inspect", "--format", "{{json .History}}", id)
        .catch(() => "");
      ok(!history.includes("COPY . /app") && !history.includes("npm"), "no half image");
    }
    // Another test's build may hold a working container for a moment; ours would stay.
    ok(
      await eventually(
        async () => (await containers()).filter((c) => !containersBefore.includes(c)).length === 0,
        {
          timeoutMs: 15_000,
          everyMs: 500,
        },
      ),
      "no build container is left",
    );
    equal(t.registry.context.runMarks!.get("rw-recipe")?.state, "failed");
    deepEqual(
      await Array.fromAsync(Deno.readDir(`${dir}/cache/builds`), (e) => e.name),
      ["rw-recipe.log"],
      "the clone is gone, the log stays",
    );
  },
});

Deno.test({
  name: "a clone over the size limit is refused with the setting to change, and removed",
  ignore: !HAS_PODMAN,
  async fn() {
    await using fake = await setUp();
    const { dir } = fake;
    const noise = crypto.getRandomValues(new Uint8Array(60_000));
    const big = Array.from({ length: 25 }, () => btoa(String.fromCharCode(...noise))).join("");
    await commit(`${dir}/private`, { "big.txt": big });
    await using t = await open(dir, fake.catalog, fake.npm, {
      MCP_REGISTRY_BUILD_MAX_CLONE_MB: "1",
    });
    const refused = await t.call("registry-add", { id: "rw-private", build: true });
    equal(refused.isError, true);
    match(
      textOf(refused),
      /^Cannot run rw-private: the clone of .*private at [0-9a-f]{12} is \d+ MB, over the 1 MB limit \(MCP_REGISTRY_BUILD_MAX_CLONE_MB\)$/,
    );
    deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/cache/builds`)), []);
  },
});

Deno.test("`prepareRun()` plans a PyPI package that points back, and Python and Go recipes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_way_test_" });
  const pyproject = (name: string) =>
    `[project]\nname = "${name}"\nversion = "0.1.0"\n[project.scripts]\n${name} = "app:main"\n`;
  const py = `${dir}/py`;
  const pyCommit = await commit(py, { "pyproject.toml": pyproject("rw-thing") });
  const other = `${dir}/other`;
  await commit(other, { "pyproject.toml": pyproject("rw-other") });
  const go = `${dir}/go`;
  await commit(go, {
    "go.mod": "module example.com/rw\n\ngo 1.23\n",
    "cmd/rw/main.go": "package main\n\nfunc main() {}\n",
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    const urls = path === "/pypi/rw-thing/json"
      ? { Source: `file://${py}` }
      : path === "/pypi/rw-other/json"
      ? { Source: "https://github.com/evil/rw-other" }
      : null;
    return urls
      ? Response.json({ info: { version: "0.1.0", home_page: "", project_urls: urls } })
      : new Response("{}", { status: 404 });
  });
  try {
    const settings = {
      ...DEFAULT_BUILD_SETTINGS,
      packageRegistries: {
        npm: "http://127.0.0.1:9",
        pypi: `http://127.0.0.1:${server.addr.port}`,
      },
    };
    const runtime = { imageExists: () => Promise.resolve(false) } as unknown as ContainerRuntime;
    const plan = async (id: string, repo: string) => {
      const answer = await prepareRun(
        minimalEntry({ id, launch_method: "build", build: { repo } }),
        { build: false, cacheDir: `${dir}/cache`, runtime, settings },
      );
      equal(answer.status, "needs-consent");
      return (answer as { plan: RunPlan }).plan;
    };
    const thing = await plan("rw-thing", py);
    deepEqual(
      { kind: thing.kind, commit: thing.commit, package: thing.package },
      {
        kind: "package",
        commit: pyCommit,
        package: { registry: "pypi", name: "rw-thing", version: "0.1.0" },
      },
    );
    const hijacked = await plan("rw-other", other);
    deepEqual([hijacked.kind, hijacked.recipe], ["recipe", "Python: pip install, then rw-other"]);
    const goPlan = await plan("rw-go", go);
    deepEqual([goPlan.kind, goPlan.file, goPlan.recipe], ["recipe", "go", "Go: go build ./cmd/rw"]);
    match(goPlan.image!, /^localhost\/mcp-registry-build\/rw-go:[0-9a-f]{12}$/);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
