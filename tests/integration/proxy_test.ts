/**
 * Proxying with real containers: results pass through unchanged, calls time out cleanly, and a
 * child's tool-list changes reach the client.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { HAS_PODMAN } from "../_helpers/podman.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

const ignore = !HAS_PODMAN;
// deno-lint-ignore no-explicit-any
type Json = any;

const everything = testEntry({
  id: "everything",
  container_image: "localhost/mcp-registry-test/everything:latest",
  run: { command: ["stdio"] } as Json,
});
const dynamic = testEntry({
  id: "dynamic",
  container_image: "localhost/mcp-registry-test/dynamic:latest",
});

Deno.test({
  name:
    "proxied results are the child's, unchanged: every content item, isError, structuredContent",
  ignore,
  async fn() {
    await using t = await openTestRegistry({ entries: [everything, dynamic] });
    for (const id of ["everything", "dynamic"]) {
      const added = await t.call("registry-add", { id });
      equal(added.isError, undefined, textOf(added));
    }
    const direct = t.registry.active.upstreamOf("everything")!;
    const cases: [string, Record<string, unknown>][] = [
      ["get-tiny-image", {}],
      ["get-structured-content", { location: "New York" }],
      ["get-annotated-message", { messageType: "error", includeImage: true }],
      ["get-sum", { a: 2, b: 3 }],
    ];
    for (const [tool, args] of cases) {
      const expected = await direct.callTool(tool, args);
      const viaExec = await t.call("registry-exec", { id: "everything", tool, arguments: args });
      const viaName = await t.call(`everything__${tool}`, args);
      deepEqual(viaExec, expected, `registry-exec ${tool}`);
      deepEqual(viaName, expected, `direct ${tool}`);
    }
    ok((await direct.callTool("get-tiny-image", {})).content.some((c) => c.type === "image"));

    const failed = await t.call("dynamic__fail", {});
    equal(failed.isError, true);
    equal(textOf(failed), "this tool always fails");
  },
});

Deno.test({
  name: "a call that outlives its timeout fails clearly and the server keeps serving",
  ignore,
  async fn() {
    await using t = await openTestRegistry({
      entries: [everything],
      env: { MCP_REGISTRY_CALL_TIMEOUT: "1" },
    });
    equal((await t.call("registry-add", { id: "everything" })).isError, undefined);
    const started = performance.now();
    const slow = await t.call("registry-exec", {
      id: "everything",
      tool: "trigger-long-running-operation",
      arguments: { duration: 5, steps: 5 },
    });
    ok(performance.now() - started < 4000, "the call gave up at its timeout");
    equal(slow.isError, true);
    match(textOf(slow), /timed out/i);
    const next = await t.call("everything__echo", { message: "still here" });
    equal(textOf(next), "Echo: still here");
  },
});

Deno.test({
  name: "a child's tools/list_changed is followed: new tools appear and the client is told",
  ignore,
  async fn() {
    await using t = await openTestRegistry({ entries: [dynamic] });
    equal((await t.call("registry-add", { id: "dynamic" })).isError, undefined);
    const before = t.listChanged();
    const added = await t.call("dynamic__add_tool", {});
    equal(textOf(added), "added extra_1");
    let tools: string[] = [];
    for (let i = 0; i < 50 && !tools.includes("dynamic__extra_1"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      tools = (await t.client.listTools()).tools.map((tool) => tool.name);
    }
    ok(tools.includes("dynamic__extra_1"), tools.join(", "));
    ok(t.listChanged() > before, "the client got tools/list_changed");
    const extra = await t.call("dynamic__extra_1", { text: "hi" });
    equal(textOf(extra), "extra_1: hi");
    const active = (await t.call("registry-active")).structuredContent as Json;
    equal(active.servers[0].tool_count, 3);
  },
});
