import { deepEqual as assertEquals } from "node:assert/strict";
import { assignIds, assignIdsAround, slugify } from "./slug.ts";

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
  assertEquals(a.get("my-server"), "my-server", "the name that is its own slug keeps it");
  assertEquals(a.get("My Server"), "my-server-2");
  assertEquals(a.get("my_server"), "my-server-3");
});

Deno.test("assignIds() keeps a name's own slug when a clashing name is added", () => {
  const before = assignIds(["my-db", "sqlite"]);
  const after = assignIds(["My_DB", "my-db", "sqlite", "My DB"]);
  assertEquals(before.get("my-db"), "my-db");
  assertEquals(after.get("my-db"), "my-db", "the bare slug stays with the name that is it");
  assertEquals(after.get("sqlite"), "sqlite");
  assertEquals(after.get("My DB"), "my-db-2");
  assertEquals(after.get("My_DB"), "my-db-3");
});

Deno.test("assignIds() gives a slug to a name that only needs it, and skips taken bare slugs", () => {
  const ids = assignIds(["SQLite", "my-db-2", "My_DB", "my-db"]);
  assertEquals(ids.get("SQLite"), "sqlite", "no clash, no suffix");
  assertEquals(ids.get("my-db-2"), "my-db-2");
  assertEquals(ids.get("My_DB"), "my-db-3", "-2 belongs to the folder named my-db-2");
  assertEquals(new Set(ids.values()).size, 4);
});

Deno.test("assignIdsAround() keeps the fixed ids and gives the other names free slugs around them", () => {
  const fixed = new Map([["io.github.a/weather", "weather"], ["x/y", "x-y-2"]]);
  const ids = assignIdsAround(["Weather", "x/y", "io.github.a/weather", "x.y", "X Y"], fixed);
  assertEquals(Object.fromEntries(ids), {
    "io.github.a/weather": "weather",
    "x/y": "x-y-2",
    "Weather": "weather-2",
    "X Y": "x-y",
    "x.y": "x-y-3",
  });
  const reversed = assignIdsAround(["X Y", "x.y", "io.github.a/weather", "x/y", "Weather"], fixed);
  assertEquals([...reversed].sort(), [...ids].sort(), "whatever the order of the names");
});
