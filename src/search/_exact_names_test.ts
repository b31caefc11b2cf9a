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
  const again = ExactNames.fromStored(JSON.parse(JSON.stringify(names.toStored())), 3)!;
  for (const found of [names, again]) {
    deepEqual(found.of("github"), [0, 1]);
    deepEqual(found.of("github lite"), [1]);
    deepEqual(found.of("github official"), [0]);
    deepEqual(found.of("slack"), [2]);
    deepEqual(found.of("gitlab"), []);
    deepEqual(found.of(""), []);
  }
});

Deno.test("stored exact names that are unsorted, torn or out of range are refused", () => {
  const stored = ExactNames.of(entries).toStored();
  equal(ExactNames.fromStored({ ...stored, names: [...stored.names].reverse() }, 3), null);
  equal(ExactNames.fromStored({ ...stored, starts: stored.starts.slice(1) }, 3), null);
  equal(ExactNames.fromStored({ ...stored, entries: stored.entries.map(() => 7) }, 3), null);
  equal(ExactNames.fromStored({ ...stored, entries: stored.entries.slice(1) }, 3), null);
  equal(ExactNames.fromStored(null, 3), null);
  equal(ExactNames.fromStored({ names: [1], starts: [0, 1], entries: [0] }, 3), null);
});
