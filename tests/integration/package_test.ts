/**
 * A package server (`launch_method: stdio-proxy`) for real: `npx -y <package>@<version>` in a
 * Podman container of the runtime image, with the registry's npm cache volume, through a real
 * client. No network: the container runs with `--network none`, and npm finds the package and
 * its dependencies in the cache volume that scripts/build_test_images.ts filled, as a user's
 * cache is after a first start.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { NODE_RUNTIME, NPM_CACHE, PACKAGE_SERVER } from "../../scripts/build_test_images.ts";
import { HAS_PODMAN, ourContainers, podman } from "../_helpers/podman.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

const ignore = !HAS_PODMAN;
const ID = "memory-npm";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The memory server as the official registry lists it: an npm package, pinned. */
const memoryPackage = testEntry({
  id: ID,
  launch_method: "stdio-proxy",
  run: {
    package: { registry: "npm", ...PACKAGE_SERVER },
    // Proof that nothing is downloaded: the container has no network at all.
    disable_network: true,
    // The graph goes to the container's own /tmp, not into the package in the cache volume.
    env: { MEMORY_FILE_PATH: "/tmp/memory.jsonl" },
  } as Json,
});

/** Containers of this server, running or not. */
async function containersOf(id: string): Promise<string[]> {
  const out = await podman(
    "ps",
    "--all",
    "--filter",
    `label=io.mcp-registry.server=${id}`,
    "--format",
    "{{.Names}}",
  );
  return out ? out.split("\n") : [];
}

async function inspect(container: string, format: string): Promise<Json> {
  return JSON.parse(await podman("inspect", "--format", `{{json ${format}}}`, container));
}

Deno.test({
  name: "an npm package server runs with npx in a hardened container, offline from the cache",
  ignore,
  async fn() {
    for (const [what, exists] of [["image", NODE_RUNTIME], ["volume", NPM_CACHE]]) {
      await podman(what!, "exists", exists!).catch(() => {
        throw new Error(
          `the ${what} ${exists} is missing: deno run -A scripts/build_test_images.ts`,
        );
      });
    }
    await using t = await openTestRegistry({
      entries: [memoryPackage],
      env: { MCP_REGISTRY_NODE_IMAGE: NODE_RUNTIME },
    });

    const added = await t.call("registry-add", { id: ID });
    equal(added.isError, undefined, textOf(added));
    const out = added.structuredContent as Json;
    equal(out.status, "started");
    const container = out.container as string;
    match(container, new RegExp(`^mcp-registry-${ID}-[0-9a-f]{6}$`));
    const exposed = (tool: string) => out.tools.find((x: Json) => x.tool === tool)?.name as string;
    equal(exposed("create_entities"), `${ID}__create_entities`);
    const { tools } = await t.client.listTools();
    for (const tool of ["create_entities", "search_nodes", "read_graph"]) {
      ok(tools.some((x) => x.name === `${ID}__${tool}`), `${ID}__${tool} is listed`);
    }

    // What runs: npx, pinned and cache first, in the runtime image, hardened, no network.
    const argv = [await inspect(container, ".Path"), ...await inspect(container, ".Args")];
    match(
      argv.join(" "),
      new RegExp(`npx -y --prefer-offline ${PACKAGE_SERVER.name}@${PACKAGE_SERVER.version}$`),
    );
    equal(await inspect(container, ".ImageName"), NODE_RUNTIME);
    equal(await inspect(container, ".HostConfig.NetworkMode"), "none");
    const caps = await inspect(container, ".EffectiveCaps");
    ok(caps === null || caps.length === 0, `no capabilities: ${JSON.stringify(caps)}`);
    ok(
      (await inspect(container, ".HostConfig.SecurityOpt")).includes("no-new-privileges"),
      "no new privileges",
    );
    const mounts = await inspect(container, ".Mounts") as Json[];
    ok(
      mounts.some((m) => m.Name === NPM_CACHE && m.Destination === "/root/.npm"),
      `the npm cache volume is mounted: ${JSON.stringify(mounts)}`,
    );

    const entity = `Entity-${crypto.randomUUID()}`;
    const created = await t.call(`${ID}__create_entities`, {
      entities: [{ name: entity, entityType: "test", observations: ["made by a test"] }],
    });
    equal(created.isError, undefined, textOf(created));
    const found = await t.call("registry-exec", {
      id: ID,
      tool: "search_nodes",
      arguments: { query: entity },
    });
    equal(found.isError, undefined, textOf(found));
    ok((found.structuredContent as Json).entities.some((e: Json) => e.name === entity));

    const removed = await t.call("registry-remove", { id: ID });
    equal(removed.isError, undefined, textOf(removed));
    ok(!(await t.client.listTools()).tools.some((x) => x.name.startsWith(`${ID}__`)));
    deepEqual(await containersOf(ID), [], "no container is left");
    ok(!(await ourContainers()).includes(container));

    // The second start: npx finds its install of the first in the cache volume.
    const again = await t.call("registry-add", { id: ID });
    equal(again.isError, undefined, textOf(again));
    const second = again.structuredContent as Json;
    equal(second.status, "started");
    const graph = await t.call("registry-exec", { id: ID, tool: "read_graph" });
    equal(graph.isError, undefined, textOf(graph));
    deepEqual((graph.structuredContent as Json).entities, [], "a new container, a new graph");
    console.log(`started in ${out.ms} ms, again in ${second.ms} ms`);
    equal((await t.call("registry-remove", { id: ID })).isError, undefined);
    deepEqual(await containersOf(ID), [], "no container is left");
  },
});
