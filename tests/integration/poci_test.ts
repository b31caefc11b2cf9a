/**
 * Docker's `poci` entries (one container per tool call) with real podman: the tools are listed
 * from the catalog, each call runs its own hardened container with the call's arguments, the
 * output comes back, failures are `isError`, and no container is left.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { HAS_PODMAN, ourContainers } from "../_helpers/podman.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const IMAGE = "localhost/mcp-registry-test/node:base";
const PRINT_ARGS = "process.stdout.write(process.argv.slice(1).join('|'))";

/** A poci entry as the Docker catalog writes one (see servers/curl/server.yaml). */
const echo = testEntry({
  id: "echo-poci",
  container_image: IMAGE,
  tools: [
    {
      name: "echo",
      description: "Print the arguments.",
      input_schema: {
        type: "object",
        properties: { args: { type: "array", items: { type: "string" } } },
        required: ["args"],
      },
      container: {
        image: IMAGE,
        command: ["node", "-e", PRINT_ARGS, "{{args|into}}"],
        volumes: [],
      },
    },
    {
      name: "fail",
      description: "Exit 3 after a line on stderr.",
      input_schema: { type: "object", properties: {} },
      container: {
        image: IMAGE,
        command: ["node", "-e", "console.error('broken on purpose'); process.exit(3)"],
        volumes: [],
      },
    },
    {
      name: "exists",
      description: "Check a host path.",
      input_schema: {
        type: "object",
        properties: { path: { type: "string" } },
        required: ["path"],
      },
      container: {
        image: IMAGE,
        command: [
          "node",
          "-e",
          "process.stdout.write(String(require('fs').existsSync(process.argv[1])))",
          "{{path}}",
        ],
        volumes: ["{{path}}:{{path}}:ro"],
      },
    },
  ],
} as Json);

Deno.test({
  name: "a poci entry: listed tools, one container per call, output and failures, nothing left",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "poci-" });
    await using t = await openTestRegistry({
      entries: [echo],
      env: { MCP_REGISTRY_ALLOWED_PATHS: dir },
    });
    const added = await t.call("registry-add", { id: "echo-poci" });
    equal(added.isError, undefined, textOf(added));
    deepEqual(
      (added.structuredContent as Json).tools.map((tool: Json) => tool.name).sort(),
      ["echo-poci__echo", "echo-poci__exists", "echo-poci__fail"],
    );

    const echoed = await t.call("echo-poci__echo", { args: ["hello", "two words", "--flag"] });
    equal(echoed.isError, undefined, textOf(echoed));
    equal(textOf(echoed), "hello|two words|--flag");
    const viaExec = await t.call("registry-exec", {
      id: "echo-poci",
      tool: "echo",
      arguments: { args: ["again"] },
    });
    equal(textOf(viaExec), "again");

    const failed = await t.call("echo-poci__fail", {});
    equal(failed.isError, true);
    match(textOf(failed), /fail exited 3/);
    match(textOf(failed), /broken on purpose/);

    const missing = await t.call("echo-poci__echo", {});
    equal(missing.isError, true);
    match(textOf(missing), /missing "args"/);

    // Host paths from the call's arguments go through the same checks as any mount.
    const here = await t.call("echo-poci__exists", { path: dir });
    equal(textOf(here), "true", textOf(here));
    const refused = await t.call("echo-poci__exists", { path: "/etc" });
    equal(refused.isError, true);
    match(textOf(refused), /\/etc/);
    await Deno.remove(dir);

    equal((await t.call("registry-remove", { id: "echo-poci" })).isError, undefined);
    const left = (await ourContainers()).filter((name) =>
      name.startsWith("mcp-registry-echo-poci")
    );
    deepEqual(left, [], "every call's container is gone");
    ok(t.listChanged() > 0);
  },
});
