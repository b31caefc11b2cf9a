import { deepEqual as assertEquals } from "node:assert/strict";
import { assignIds, slugify } from "./slug.ts";

Deno.test("slugify() lowercases and joins words with single dashes", () => {
  assertEquals(slugify("SQLite"), "sqlite");
  assertEquals(slugify("osp_marketing_tools"), "osp-marketing-tools");
  assertEquals(slugify("  Café  Über__MCP!! "), "cafe-uber-mcp");
});

Deno.test("slugify() never returns an empty id", () => {
  assertEquals(slugify("!!!"), "server");
  assertEquals(slugify(""), "server");
});

Deno.test("assignIds() resolves clashes the same way whatever the input order", () => {
  const a = assignIds(["My Server", "my-server", "my_server"]);
  const b = assignIds(["my_server", "my-server", "My Server"]);
  assertEquals([...a.entries()].sort(), [...b.entries()].sort());
  assertEquals(new Set(a.values()).size, 3);
  assertEquals(a.get("My Server"), "my-server");
});
