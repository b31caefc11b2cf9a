import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { join } from "node:path";
import { MemoryLines } from "../search/entry_table.ts";
import { EntryFile, isEntryFileName, sweepEntryFiles, writeEntryFile } from "./entry_file.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const lines = ['{"id":"a"}', '{"id":"bé ✓"}', "{}"];
const bytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(""));
const offsets = MemoryLines.offsetsOf(bytes, lines.length)!;

Deno.test("a lines file gives each line back, and still does once it is deleted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const name = await writeEntryFile(dir, bytes);
    ok(isEntryFileName(name), name);
    equal((await Deno.stat(join(dir, name))).mode! & 0o777, 0o600);
    const file = EntryFile.open(join(dir, name), offsets)!;
    try {
      deepEqual([0, 1, 2].map((i) => text(file.line(i))), lines);
      throws(() => file.line(3), RangeError);
      await Deno.remove(join(dir, name)); // a newer registry swept it, or a person cleared it
      equal(text(file.line(1)), lines[1]);
    } finally {
      file.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a lines file that does not fit its offsets is not used", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const name = await writeEntryFile(dir, bytes);
    const path = join(dir, name);
    equal(EntryFile.open(join(dir, "missing.jsonl"), offsets), null);
    equal(EntryFile.open(path, MemoryLines.offsetsOf(bytes.subarray(0, 11), 1)!), null, "size");
    const shifted = offsets.slice();
    shifted[1]! += 1; // a line that does not end where the offsets say
    equal(EntryFile.open(path, shifted), null, "a first line ending off its newline");
    await Deno.writeFile(path, bytes.map((b) => (b === 0x0a ? 0x20 : b)));
    equal(EntryFile.open(path, offsets), null, "same size, no newlines");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("names from the cache cannot lead out of the lines folder", () => {
  for (const name of ["../state.kv", "/etc/passwd", "a.jsonl", "x/../y.jsonl", "", 7, null]) {
    equal(isEntryFileName(name), false, String(name));
  }
});

Deno.test("sweeping keeps the current file and young ones, and deletes old ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const current = await writeEntryFile(dir, bytes);
    const young = await writeEntryFile(dir, bytes);
    const old = `${
      (Date.now() - 3_600_000).toString(36).padStart(9, "0")
    }-${crypto.randomUUID()}.jsonl`;
    const oldPartial = `.${old}.partial`;
    await Deno.writeFile(join(dir, old), bytes);
    await Deno.writeFile(join(dir, oldPartial), bytes);
    await Deno.writeTextFile(join(dir, "notes.txt"), "not ours");
    await sweepEntryFiles(dir, current);
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    deepEqual(left, [current, young, "notes.txt"].sort());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
