import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { loadIndexed, storeIndexed } from "./_indexed_entry.ts";
import type { IndexedEntry } from "./_indexed_entry.ts";

const entry = (id: string, categories: string[], name = id): IndexedEntry => ({
  id,
  name,
  title: id.toUpperCase(),
  aliases: [],
  sources: ["docker"],
  categories,
  tags: [],
  official: true,
  featured: false,
  requires_api_key: true,
  launch_method: "podman",
});

Deno.test("indexed entries read back share each distinct label list, frozen", () => {
  const stored = storeIndexed([
    entry("a", ["db"]),
    entry("b", ["db"]),
    entry("c", ["db", "search"], "c-name"),
  ]);
  // As the catalog file gives it back: parsed JSON.
  const read = loadIndexed(JSON.parse(JSON.stringify(stored)))!;
  equal(read[2]!.name, "c-name");
  deepEqual(read[2]!.categories, ["db", "search"]);
  equal(read[0]!.categories, read[1]!.categories, "one array for the same list");
  equal(read[0]!.sources, read[2]!.sources);
  equal(read[0]!.tags, read[0]!.aliases, "the empty list, once");
  ok(Object.isFrozen(read[0]!.categories));
  throws(() => (read[0]!.categories as string[]).push("x"), TypeError);
  equal(read[0]!.name, read[0]!.id, "a name equal to the id is the id's string");
  deepEqual([read[0]!.official, read[1]!.featured, read[2]!.requires_api_key], [true, false, true]);
});

Deno.test("indexed entries naming labels that are not there are refused, not half read", () => {
  const stored = storeIndexed([entry("a", ["db"])]);
  for (const bad of [99, -1, "__proto__", "0", 0.5, null]) {
    const edited = JSON.parse(JSON.stringify(stored));
    edited.rows[0][5] = [bad]; // the categories
    equal(loadIndexed(edited), null, String(bad));
  }
  // A good row first, so its single label is known, then the same position misspelled.
  const two = JSON.parse(JSON.stringify(storeIndexed([entry("a", ["db"]), entry("b", ["db"])])));
  two.rows[1][5] = [String(two.rows[0][5][0])];
  equal(loadIndexed(two), null);
});
