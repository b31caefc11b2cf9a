/**
 * Servers built from source (issue 15, first slice): a local catalog entry naming a local git
 * repository with a Containerfile is resolved but not built by `registry-add {id}`, built and
 * started by `registry-add {id, build: true}` with real git and real podman (offline: the base
 * image is the local test image), and reused on the next start; a repository with nothing to
 * build gets a clear error and leaves nothing behind.
 */
import { helloServer } from "../_helpers/build_repos.ts";
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { minimalEntry } from "../../src/catalog/entry.ts";
import { readConfig } from "../../src/config.ts";
import { prepareRun } from "../../src/registry/build_flow.ts";
import { Podman } from "../../src/runtime/podman.ts";
import { loadLocalCatalogs, LocalCatalogsSource } from "../../src/sources/local_catalogs.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { eventually, openTestRegistry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const BASE = "localhost/mcp-registry-test/node:base";

const CONTAINERFILE = `FROM ${BASE}
COPY server.js /app/server.js
RUN ["/usr/bin/node", "--check", "/app/server.js"]
ENTRYPOINT ["/usr/bin/node", "/app/server.js"]
`;

/** The ids of images and containers (running or not) labelled with server `id`. */
async function labelled(id: string): Promise<string> {
  const filter = `label=io.mcp-registry.server=${id}`;
  const images = await podman("images", "--all", "--quiet", "--filter", filter);
  return images + await podman("ps", "--all", "--quiet", "--filter", filter);
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`git ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

/** Writes `files` into `dir` and commits them; returns the commit. */
async function commit(dir: string, files: Record<string, string>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
  await git(dir, "add", "-A");
  await git(dir, "commit", "--quiet", "-m", "change");
  return await git(dir, "rev-parse", "HEAD");
}

/**
 * A monorepo with the server in `servers/hello` (two commits: v1, v2), a repository with
 * nothing to build, and a catalog naming both; `hello-build` is pinned to v1.
 */
async function makeRepos(dir: string) {
  const mono = `${dir}/mono`;
  const empty = `${dir}/empty`;
  for (const repo of [mono, empty]) {
    await Deno.mkdir(repo, { recursive: true });
    await git(repo, "init", "--quiet");
  }
  const v1 = await commit(mono, {
    "README.md": "servers\n",
    "servers/hello/Containerfile": CONTAINERFILE,
    "servers/hello/server.js": helloServer("v1"),
    "servers/broken/Containerfile": `FROM ${BASE}\nRUN ["/usr/bin/node", "-e", ` +
      `"console.log('boom at step 2'); process.exit(3)"]\n`,
  });
  await commit(mono, { "servers/hello/server.js": helloServer("v2") });
  await commit(empty, { "README.md": "a server with no Containerfile\n", "index.js": "" });
  const catalog = `${dir}/catalog.yaml`;
  await Deno.writeTextFile(
    catalog,
    `name: hello-build
type: server
about:
  title: Hello from source
  description: A tiny server built from its repository
source:
  project: file://${mono}
  commit: ${v1}
  directory: servers/hello
---
name: broken-build
type: server
source:
  project: ${mono}
  directory: servers/broken/
---
name: nothing-build
type: server
source:
  project: ./empty
`,
  );
  return { catalog, v1 };
}

Deno.test("a local catalog entry with source.project and no image is a build entry", async () => {
  const dir = await Deno.makeTempDir({ prefix: "build_test_" });
  try {
    const { catalog, v1 } = await makeRepos(dir);
    const { entries, warnings } = await loadLocalCatalogs([catalog]);
    const hello = entries.find((e) => e.id === "hello-build")!;
    equal(hello.launch_method, "build");
    deepEqual(hello.build, { repo: `file://${dir}/mono`, commit: v1, directory: "servers/hello" });
    const nothing = entries.find((e) => e.id === "nothing-build")!;
    deepEqual(
      nothing.build,
      { repo: `${dir}/empty` },
      "a relative path is the catalog's neighbour",
    );
    deepEqual(warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "registry-add builds a repository's Containerfile only when asked, then reuses the image",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "build_test_" });
    const image = (commit: string) => `localhost/mcp-registry-build/hello-build:${commit}`;
    let v1 = "";
    try {
      const repos = await makeRepos(dir);
      v1 = repos.v1;
      await using t = await openTestRegistry({
        dir,
        sources: [new LocalCatalogsSource({ paths: [repos.catalog] })],
      });
      await t.registry.catalog.refresh("local");
      const builds = `${dir}/cache/builds`;
      const leftovers = async () =>
        await Array.fromAsync(Deno.readDir(builds), (e) => e.name).catch(() => []);

      // 1. Asked without build: resolved at the pinned commit, nothing built or started.
      const asked = await t.call("registry-add", { id: "hello-build" });
      equal(asked.isError, undefined, textOf(asked));
      const plan = (asked.structuredContent as Json).build;
      equal((asked.structuredContent as Json).status, "needs-build");
      deepEqual(
        { commit: plan.commit, file: plan.file, directory: plan.directory, image: plan.image },
        {
          commit: v1,
          file: "Containerfile",
          directory: "servers/hello",
          image: image(v1.slice(0, 12)),
        },
      );
      match(textOf(asked), /build: true/);
      ok(!(await podman("images", "--quiet", image(v1.slice(0, 12)))), "nothing was built");
      equal(((await t.call("registry-active")).structuredContent as Json).servers.length, 0);
      deepEqual(await leftovers(), [], "the clone is removed");

      // 2. build: true builds at the pinned commit and starts it; its tool answers.
      const started = performance.now();
      const added = await t.call("registry-add", { id: "hello-build", build: true });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`Containerfile: cloned, built and started in ${seconds} s`);
      equal(added.isError, undefined, textOf(added));
      equal((added.structuredContent as Json).status, "started");
      const answer = await t.call("hello-build__hello", { name: "ada" });
      equal(textOf(answer), "hello ada from v1");
      const labels = JSON.parse(
        await podman("image", "inspect", "--format", "{{json .Labels}}", image(v1.slice(0, 12))),
      );
      equal(labels["io.mcp-registry.build.commit"], v1);
      equal(labels["io.mcp-registry.build.repo"], `file://${dir}/mono`);
      const builtId = await podman("images", "--quiet", image(v1.slice(0, 12)));
      const marks = t.registry.context.runMarks!;
      deepEqual(
        { state: marks.get("hello-build")?.state, commit: marks.get("hello-build")?.commit },
        { state: "verified", commit: v1 },
        "a build that started is marked verified with its commit",
      );

      // 3. A second start reuses the image: no clone, no build.
      equal((await t.call("registry-remove", { id: "hello-build" })).isError, undefined);
      const again = await t.call("registry-add", { id: "hello-build" });
      equal((again.structuredContent as Json).status, "started", textOf(again));
      equal(textOf(await t.call("hello-build__hello", {})), "hello world from v1");
      equal(await podman("images", "--quiet", image(v1.slice(0, 12))), builtId, "not rebuilt");
      deepEqual(await leftovers(), ["hello-build.log"], "only the build log stays");

      // 4. Nothing to build: a clear error, and nothing left behind.
      for (const args of [{ id: "nothing-build" }, { id: "nothing-build", build: true }]) {
        const refused = await t.call("registry-add", args);
        equal(refused.isError, true);
        match(
          textOf(refused),
          /^Cannot run nothing-build: nothing to run in .*empty at [0-9a-f]{12}/,
        );
        match(textOf(refused), /looked for .*a Containerfile or Dockerfile at the top.*found none/);
        match(textOf(refused), /MCP_REGISTRY_CATALOGS.*with an image/);
      }
      deepEqual(await leftovers(), ["hello-build.log"]);
      equal(await podman("images", "--quiet", "localhost/mcp-registry-build/nothing-build"), "");

      // 5. A failed build: its last lines in the error, its log kept, no image or container.
      const working = async () =>
        (await podman("ps", "--all", "--external", "--format", "{{.Names}}")).split("\n")
          .filter((n) => n.includes("working-container")).length;
      const workingBefore = await working();
      const failed = await t.call("registry-add", { id: "broken-build", build: true });
      equal(failed.isError, true);
      match(textOf(failed), /failed; its last lines:[^]*boom at step 2/);
      match(textOf(failed), /whole log: .*broken-build\.log/);
      match(await Deno.readTextFile(`${builds}/broken-build.log`), /boom at step 2/);
      deepEqual((await leftovers()).sort(), ["broken-build.log", "hello-build.log"]);
      equal(await labelled("broken-build"), "", "no image or container of the failed build");
      // Builds of tests running beside this one hold working containers for a moment; a
      // container left by this build would stay.
      ok(
        await eventually(async () => await working() <= workingBefore, {
          timeoutMs: 15_000,
          everyMs: 500,
        }),
        "no build container is left",
      );
      equal(await labelled("nothing-build"), "");
      equal(marks.get("broken-build")?.state, "failed");
      match(marks.get("broken-build")?.reason ?? "", /build of .* failed/);
      match(marks.get("nothing-build")?.reason ?? "", /nothing to run/);
    } finally {
      if (v1) {
        await podman("rmi", "--force", "--ignore", image(v1.slice(0, 12)), image("latest"))
          .catch(() => {});
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "`prepareRun()` removes an image over the size limit and says which setting to change",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "build_test_" });
    const image = "localhost/mcp-registry-build/size-build";
    try {
      const { catalog } = await makeRepos(dir);
      const { entries } = await loadLocalCatalogs([catalog]);
      const entry = { ...entries.find((e) => e.id === "hello-build")!, id: "size-build" };
      const runtime = new Podman({ binary: "podman" });
      // The size as podman reports it, read apart from the product's way of reading it.
      const size = Number(
        await podman(
          "image",
          "inspect",
          "--format",
          "{{.Size}}",
          "localhost/mcp-registry-test/node:base",
        ),
      );
      equal(await runtime.imageSize("localhost/mcp-registry-test/node:base"), size);
      equal(await runtime.imageSize("localhost/mcp-registry-test/no-such-image:1"), null);
      const settings = { ...readConfig({ HOME: "/home/u" }).build, maxImageMb: 1 };
      const steps: string[] = [];
      await rejects(
        () =>
          prepareRun(entry, {
            build: true,
            cacheDir: `${dir}/cache`,
            runtime,
            settings,
            progress: (step) => steps.push(step),
          }),
        (error: Error) => {
          equal(error.name, "BuildError");
          match(
            error.message,
            /^size-build: the image built from .* is \d+ MB, over the 1 MB limit \(MCP_REGISTRY_BUILD_MAX_IMAGE_MB\); it was removed$/,
          );
          return true;
        },
      );
      equal(await podman("images", "--quiet", image), "", "no image of it is left");
      equal(await labelled("size-build"), "");
    } finally {
      await podman("rmi", "--force", "--ignore", `${image}:latest`).catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a hostile repository's symlinks and manifest names are not followed or built", async () => {
  const dir = await Deno.makeTempDir({ prefix: "build_test_" });
  try {
    const evil = `${dir}/evil`;
    await Deno.mkdir(`${evil}/servers`, { recursive: true });
    await git(evil, "init", "--quiet");
    await Deno.symlink("/etc/passwd", `${evil}/Containerfile`);
    await Deno.symlink("/etc", `${evil}/servers/link`);
    await commit(evil, {
      "package.json": JSON.stringify({
        name: "evil",
        bin: { 'x"]\nRUN ["/bin/sh': "a.js", up: "../../../etc/passwd", sub: "$(id).js" },
      }),
    });
    const entry = (id: string, directory?: string) => ({
      ...minimalEntry({ id, launch_method: "build" }),
      build: { repo: evil, ...(directory ? { directory } : {}) },
    });
    const runtime = new Podman({ binary: "podman" });
    const options = { build: true, cacheDir: `${dir}/cache`, runtime };
    await rejects(() => prepareRun(entry("evil-top"), options), (error: Error) => {
      match(error.message, /^evil-top: nothing to run in .* looked for .*found none/);
      return true;
    });
    await rejects(() => prepareRun(entry("evil-link", "servers/link"), options), (error: Error) => {
      match(error.message, /^evil-link: .* has no folder servers\/link$/);
      return true;
    });
    await rejects(() => prepareRun(entry("evil-up", "../.."), options), /leaves the repository/);
    deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/cache/builds`)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
