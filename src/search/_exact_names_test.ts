import { deepEqual, equal } from "node:assert/strict";
import { minimalEntry } from "../catalog/entry.ts";
import { indexedOf } from "./_indexed_entry.ts";
import { ExactNames } from "./_exact_names.ts";

const entries = [
  minimalEntry({ id: "github", name: "GitHub", title: "GitHub Official" }),
  minimalEntry({ id: "github-lite", name: "github", title: "GitHub (lite)" }),
  minimalEntry({ id: "slack", title: "Slack" }),
].map(indexedOf);

Deno.test("exact names find every entry a normalized name names, and survive storing", () => {
  const names = ExactNames.of(entries);
  const again = ExactNames.fromStored(JSON.parse(JSON.stringify(names.toStored())), entries)!;
  for (const found of [names, again]) {
    deepEqual(found.of("github"), [0, 1]);
    deepEqual(found.of("github lite"), [1]);
    deepEqual(found.of("github official"), [0]);
    deepEqual(found.of("slack"), [2]);
    deepEqual(found.of("gitlab"), []);
    deepEqual(found.of(""), []);
  }
});

Deno.test("stored exact names that are torn, out of range or of an older layout are refused", () => {
  const stored = ExactNames.of(entries).toStored();
  const read = (value: unknown) => ExactNames.fromStored(value, entries);
  equal(read({ ...stored, starts: stored.starts.slice(1) }), null);
  equal(read({ ...stored, entries: stored.entries.map(() => 7) }), null, "entry 7 of 3");
  equal(read({ ...stored, entries: stored.entries.slice(1) }), null);
  equal(read({ ...stored, refs: stored.refs.map(() => 9) }), null, "field of entry 3 of 3");
  equal(read({ ...stored, refs: stored.refs.map(() => "0") }), null);
  equal(read(null), null);
  equal(read({ names: ["github"], starts: [0, 1], entries: [0] }), null, "names as strings");
});

Deno.test("exact names keep no name as a string: each is read from its entry's field", () => {
  const stored = ExactNames.of(entries).toStored();
  equal(JSON.stringify(stored).includes("github"), false);
  // Each name once, sorted, and each points at a field that normalizes to it.
  const fields = (i: number) => [entries[i]!.id, entries[i]!.name, entries[i]!.title];
  const names = stored.refs.map((ref) => fields(Math.floor(ref / 3))[ref % 3]!);
  const normalized = names.map((n) => n.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim());
  deepEqual(normalized, [...new Set(normalized)].sort());
  deepEqual(normalized, ["github", "github lite", "github official", "slack"]);
});
