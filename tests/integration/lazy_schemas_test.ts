/**
 * `MCP_REGISTRY_TOOL_SCHEMAS=lazy`: active servers' tools are listed by name and one line, and
 * a call whose arguments do not fit gets the schema back (the "first use"); with two real
 * servers active (memory and everything, in podman) the listing costs a fraction of the full one.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { HAS_PODMAN } from "../_helpers/podman.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const everything = testEntry({
  id: "everything",
  container_image: "localhost/mcp-registry-test/everything:latest",
  run: { command: ["stdio"], env: {} } as Json,
});

/** The tokens (JSON characters / 4) of the active servers' tools in `tools/list`. */
async function exposedTokens(schemas: "full" | "lazy") {
  await using t = await openTestRegistry({
    entries: [everything],
    env: { MCP_REGISTRY_TOOL_SCHEMAS: schemas },
  });
  for (const id of ["memory", "everything"]) {
    const added = await t.call("registry-add", { id });
    equal(added.isError, undefined, textOf(added));
  }
  const { tools } = await t.client.listTools();
  const exposed = tools.filter((tool) => tool.name.includes("__"));
  return { count: exposed.length, tokens: JSON.stringify(exposed).length / 4, exposed };
}

Deno.test({
  name:
    "lazy tool schemas: one line per tool, the schema on a call that does not fit, a fraction of the tokens",
  ignore: !HAS_PODMAN,
  async fn() {
    const full = await exposedTokens("full");
    const lazy = await exposedTokens("lazy");
    equal(lazy.count, full.count, "the same tools are listed");
    ok(lazy.tokens < full.tokens / 2, `lazy ${lazy.tokens} against full ${full.tokens} tokens`);
    for (const tool of lazy.exposed) {
      deepEqual(tool.inputSchema, { type: "object" });
      ok(!/[.!?]\s\S/.test(tool.description ?? ""), `one sentence: ${tool.description}`);
    }

    await using t = await openTestRegistry({
      entries: [everything],
      env: { MCP_REGISTRY_TOOL_SCHEMAS: "lazy" },
    });
    equal((await t.call("registry-add", { id: "everything" })).isError, undefined);
    const misfit = await t.call("everything__echo", { text: "hi" });
    equal(misfit.isError, true);
    match(textOf(misfit), /The arguments do not fit echo of everything/);
    match(textOf(misfit), /Its input schema: \{.*"message"/);
    const viaExec = await t.call("registry-exec", { id: "everything", tool: "echo" });
    equal(viaExec.isError, true);
    match(textOf(viaExec), /"required":\["message"\]/);
    const fits = await t.call("everything__echo", { message: "hi" });
    equal(fits.isError, undefined, textOf(fits));
    match(textOf(fits), /hi/);
  },
});
