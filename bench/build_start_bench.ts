/**
 * Build-and-start of servers that run from their repository, offline with real git and Podman
 * (needs podman and the test images from scripts/build_test_images.ts; set
 * CONTAINERS_CONF=tests/podman/containers.conf here). Local repositories, the local node image
 * as base (and as the Node recipe's builder and runtime):
 *
 * - `registry-add {build: true}` of a repository with a Containerfile, until its tool answers
 *   (a fresh clone, resolution, `podman build`, start);
 * - the same for a Node server with a `bin` and no Containerfile (the source recipe);
 * - `registry-add` again once built: the kept plan and image, no clone.
 */
import { LocalCatalogsSource } from "../src/sources/local_catalogs.ts";
import { HAS_PODMAN } from "../tests/_helpers/podman.ts";
import { openTestRegistry } from "../tests/_helpers/registry.ts";
import { commitFiles, helloServer } from "../tests/_helpers/build_repos.ts";

const BASE = "localhost/mcp-registry-test/node:base";

const SERVER = helloServer();

if (HAS_PODMAN) {
  const dir = await Deno.makeTempDir({ prefix: "build_start_bench_" });
  await commitFiles(`${dir}/cf`, {
    "Containerfile": `FROM ${BASE}\nCOPY server.js /app/server.js\n` +
      `ENTRYPOINT ["/usr/bin/node", "/app/server.js"]\n`,
    "server.js": SERVER,
  });
  await commitFiles(`${dir}/node`, {
    "package.json": JSON.stringify({ name: "bench-hello", private: true, bin: "server.js" }),
    "server.js": SERVER,
  });
  await Deno.writeTextFile(
    `${dir}/catalog.yaml`,
    `name: bench-cf\ntype: server\nsource:\n  project: ${dir}/cf\n---\n` +
      `name: bench-node\ntype: server\nsource:\n  project: ${dir}/node\n`,
  );
  const t = await openTestRegistry({
    dir,
    sources: [new LocalCatalogsSource({ paths: [`${dir}/catalog.yaml`] })],
    env: { MCP_REGISTRY_BUILD_NODE_IMAGE: BASE },
  });
  await t.registry.catalog.refresh("local");

  const addUntilAnswer = async (id: string, build: boolean) => {
    const added = await t.call("registry-add", { id, build });
    if (added.isError) throw new Error(JSON.stringify(added.content));
    const answer = await t.call(`${id}__hello`, {});
    if (answer.isError) throw new Error(JSON.stringify(answer.content));
  };

  for (const [id, name] of [["bench-cf", "Containerfile"], ["bench-node", "Node recipe"]]) {
    Deno.bench(`${name}: clone, build and start until the tool answers`, {
      group: "build",
      n: 5,
      warmup: 1,
    }, async (b) => {
      b.start();
      await addUntilAnswer(id!, true);
      b.end();
      await t.call("registry-remove", { id });
    });
  }
  Deno.bench("built before: start from the kept plan until the tool answers", {
    group: "reuse",
    n: 8,
    warmup: 1,
  }, async (b) => {
    b.start();
    await addUntilAnswer("bench-cf", false);
    b.end();
    await t.call("registry-remove", { id: "bench-cf" });
  });

  globalThis.addEventListener("unload", () => {
    // Benchmarks end without a hook to await: remove containers and images synchronously.
    const run = (args: string[]) =>
      new Deno.Command("podman", { args, stdout: "null", stderr: "null" }).outputSync();
    const containers = t.registry.active.list().map((a) => a.container);
    if (containers.length) run(["rm", "-f", "-t", "0", ...containers]);
    for (const id of ["bench-cf", "bench-node"]) {
      const listed = new Deno.Command("podman", {
        args: ["images", "-q", "--filter", `label=io.mcp-registry.server=${id}`],
        stdout: "piped",
        stderr: "null",
      }).outputSync();
      const images = [...new Set(new TextDecoder().decode(listed.stdout).split("\n"))]
        .filter(Boolean);
      if (images.length) run(["rmi", "-f", ...images]);
    }
    Deno.removeSync(dir, { recursive: true });
  });
}
