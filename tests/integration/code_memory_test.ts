/**
 * registry-code against the real memory server in a podman container, through a real MCP
 * client: twenty entities made and read back in one call, a tool error, the typed bindings.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { HAS_PODMAN } from "../_helpers/podman.ts";
import { openTestRegistry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The workflow of the README: 20 entities made one by one, then the graph read back. */
export const WORKFLOW = `
const names = [];
for (let i = 1; i <= 20; i++) {
  const name = "Person " + i;
  await servers.memory.create_entities({
    entities: [{ name, entityType: "person", observations: ["number " + i] }],
  });
  names.push(name);
}
const graph = await servers.memory.read_graph({});
const found = graph.entities.filter((e: { name: string }) => names.includes(e.name));
return { created: names.length, read_back: found.length };
`;

Deno.test({
  name: "registry-code runs a 21-call workflow against the real memory server in one call",
  ignore: !HAS_PODMAN,
  async fn() {
    await using t = await openTestRegistry();
    equal((await t.call("registry-add", { id: "memory" })).isError, undefined);

    const types = await t.call("registry-code", { types: true });
    const declarations = (types.structuredContent as Json).declarations as string;
    match(declarations, /memory: \{/);
    match(declarations, /create_entities\(args: \{\n\s+entities: Array<\{/);
    match(declarations, /read_graph\(args\?: /);

    const result = await t.call("registry-code", { code: WORKFLOW });
    equal(result.isError, undefined, textOf(result));
    deepEqual((result.structuredContent as Json).result, { created: 20, read_back: 20 });
    equal(textOf(result), '{"created":20,"read_back":20}');

    // The same graph read directly agrees.
    const direct = await t.call("memory__read_graph", {});
    equal((direct.structuredContent as Json).entities.length >= 20, true);

    // A tool error (arguments the server's schema refuses) is an Error in the code.
    const failed = await t.call("registry-code", {
      code: `try { await servers.memory.create_entities({ entities: "none" }); return "no error"; }
        catch (e) { return (e as Error).message; }`,
    });
    match(String((failed.structuredContent as Json).result), /entities|invalid|expected/i);

    // An error the code does not catch is the call's error, with its console output.
    const thrown = await t.call("registry-code", {
      code: `console.log("before"); await mcp.call("github", "list_issues", {});`,
    });
    equal(thrown.isError, true);
    match(textOf(thrown), /github is not active; active: memory/);
    match(textOf(thrown), /--- console ---\nbefore/);

    // The registry keeps answering while a runaway run is stopped.
    const loop = t.call("registry-code", { code: "for (;;) {}", timeout_seconds: 2 });
    ok(!(await t.call("registry-active")).isError);
    match(textOf(await loop), /ran out of time \(2 s\)/);
    await t.call("registry-remove", { id: "memory" });
  },
});
