import { deepEqual, equal, throws } from "node:assert/strict";
import { minimalEntry } from "../catalog/entry.ts";
import { EntryTable, type MemoryLines } from "./entry_table.ts";

const entries = [
  minimalEntry({ id: "memory", description: 'line one\nline two, "quoted", ünïcödé ✓' }),
  minimalEntry({ id: "github", tags: ["git"], tools: [{ name: "a", description: "" }] }),
  minimalEntry({ id: "empty" }),
];

Deno.test("an entry table gives back each entry as it was, and the same object while kept", () => {
  const table = EntryTable.of(entries);
  equal(table.size, 3);
  entries.forEach((entry, i) => deepEqual(table.at(i), entry));
  equal(table.at(1), table.at(1));
  deepEqual([...table].map((e) => e.id), ["memory", "github", "empty"]);
  throws(() => table.at(3), RangeError);
  throws(() => table.at(-1), RangeError);
});

Deno.test("an entry table read back from its bytes equals the one stored", () => {
  const stored = (EntryTable.of(entries).lines as MemoryLines).bytes.slice();
  const table = EntryTable.fromBytes(stored, 3)!;
  deepEqual([...table], entries);
  deepEqual([...EntryTable.fromBytes(new Uint8Array(), 0)!], []);
});

Deno.test("bytes that do not hold exactly the lines counted are refused, not half served", () => {
  const bytes = (EntryTable.of(entries).lines as MemoryLines).bytes;
  equal(EntryTable.fromBytes(bytes, 2), null, "more lines than counted");
  equal(EntryTable.fromBytes(bytes, 4), null, "fewer lines than counted");
  equal(EntryTable.fromBytes(bytes.subarray(0, bytes.length - 1), 3), null, "torn last line");
  equal(EntryTable.fromBytes(new TextEncoder().encode("{}"), 0), null);
});

Deno.test("entries handed out are frozen: no caller can change one for the others", () => {
  const table = EntryTable.of(entries);
  const entry = table.at(1);
  throws(() => {
    (entry.tags as string[]).push("changed");
  }, TypeError);
  throws(() => {
    (entry as { id: string }).id = "other";
  }, TypeError);
  deepEqual(table.at(1).tags, ["git"]);
});

Deno.test("a table switches to other lines only when they hold as many", () => {
  const table = EntryTable.of(entries);
  const fewer = EntryTable.of(entries.slice(1)).lines;
  equal(table.switchTo(fewer), false);
  equal(table.size, 3);
  const same = EntryTable.of(entries).lines;
  equal(table.switchTo(same), true);
  equal(table.lines, same);
  deepEqual([...table], entries);
});
