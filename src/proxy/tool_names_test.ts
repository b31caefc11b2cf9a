import { equal, match, notEqual, ok } from "node:assert/strict";
import { exposedToolNames, fingerprint, TOOL_NAME, toolPrefix } from "./tool_names.ts";

Deno.test("exposedToolNames() keeps short names readable", () => {
  const names = exposedToolNames("memory", ["create_entities", "read_graph"], new Set());
  equal(names.get("create_entities"), "memory__create_entities");
  equal(names.get("read_graph"), "memory__read_graph");
});

Deno.test("exposedToolNames() shortens and cleans names deterministically", () => {
  const long = "a".repeat(80);
  const odd = "files/read.v2 (beta)";
  const first = exposedToolNames("server", [long, odd], new Set());
  const again = exposedToolNames("server", [odd, long], new Set());
  for (const tool of [long, odd]) {
    const name = first.get(tool)!;
    match(name, TOOL_NAME);
    ok(name.length <= 64);
    equal(again.get(tool), name, "the same input gives the same name");
  }
  ok(first.get(odd)!.startsWith("server__files_read_v2"));
});

Deno.test("exposedToolNames() never collides, within a server or across servers", () => {
  const taken = new Set<string>();
  const a = exposedToolNames("x", ["a.b", "a_b", "a-b"], taken);
  const b = exposedToolNames("x", ["a_b"], taken);
  const all = [...a.values(), ...b.values()];
  equal(new Set(all).size, all.length);
  notEqual(b.get("a_b"), a.get("a_b"));
  ok(all.every((n) => TOOL_NAME.test(n)));
});

Deno.test("toolPrefix() keeps ids up to 32 characters and fingerprints longer ones", () => {
  equal(toolPrefix("github-official"), "github-official");
  const long = "a-very-long-catalog-identifier-for-a-server";
  const prefix = toolPrefix(long);
  ok(prefix.length <= 32);
  ok(prefix.endsWith(fingerprint(long)));
  notEqual(toolPrefix(`${long}-2`), prefix);
});
