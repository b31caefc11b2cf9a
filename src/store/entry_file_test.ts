import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { join } from "node:path";
import { MemoryLines } from "../search/entry_table.ts";
import { EntryFile, isEntryFileName, sweepEntryFiles, writeEntryFile } from "./entry_file.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const lines = ['{"id":"a"}', '{"id":"bé ✓"}', "{}"];
const bytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(""));
const offsets = MemoryLines.offsetsOf(bytes, lines.length)!;
const binary = new Uint8Array([1, 2, 3, 4, 5]);
const index = new TextEncoder().encode('{"terms":["a"]}');
const parts = { lines: bytes, offsets, binary, index };

Deno.test("a catalog file gives each line back, and still does once it is deleted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const name = await writeEntryFile(dir, parts);
    ok(isEntryFileName(name), name);
    equal((await Deno.stat(join(dir, name))).mode! & 0o777, 0o600);
    const read = EntryFile.read(join(dir, name), lines.length, true)!;
    deepEqual(read.binary, binary);
    equal(read.binary.byteOffset % 8, 0, "typed arrays can view the index bytes");
    equal(text(read.index), text(index));
    read.lines.close();
    const file = EntryFile.read(join(dir, name), lines.length, false)!;
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

Deno.test("a catalog file that is not whole, or not what it says, is not used", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const name = await writeEntryFile(dir, parts);
    const path = join(dir, name);
    const whole = await Deno.readFile(path);
    const read = (count = lines.length) => EntryFile.read(path, count, true);
    equal(EntryFile.read(join(dir, "missing.catalog"), 3, true), null);
    equal(read(2), null, "another count of entries");
    const write = (bytes: Uint8Array) => Deno.writeFileSync(path, bytes);
    write(whole.subarray(8)); // cut at the front: the sizes no longer add up
    equal(read(), null, "cut");
    write(new Uint8Array([...whole.subarray(0, whole.length - 32), ...new Uint8Array(32)]));
    equal(read(), null, "no footer");
    write(whole.map((b, i) => (i < bytes.length && b === 0x0a ? 0x20 : b)));
    equal(read(), null, "lines that do not end where the offsets say");
    const shifted = offsets.slice();
    shifted[1]! += 1;
    await Deno.remove(path);
    const other = await writeEntryFile(dir, { ...parts, offsets: shifted });
    equal(EntryFile.read(join(dir, other), lines.length, true), null, "a line ending off");
    write(new Uint8Array(0));
    equal(read(), null, "empty");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("names from the cache cannot lead out of the lines folder", () => {
  const older = `0mx9ieogx-${crypto.randomUUID()}.jsonl`;
  for (
    const name of ["../state.kv", "/etc/passwd", "a.catalog", "x/../y.catalog", "", 7, null, older]
  ) {
    equal(isEntryFileName(name), false, String(name));
  }
});

Deno.test("sweeping keeps the current file and young ones, and deletes old ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const current = await writeEntryFile(dir, parts);
    const young = await writeEntryFile(dir, parts);
    const hourAgo = (Date.now() - 3_600_000).toString(36).padStart(9, "0");
    const old = `${hourAgo}-${crypto.randomUUID()}.catalog`;
    const oldPartial = `.${old}.partial`;
    const olderLayout = `${hourAgo}-${crypto.randomUUID()}.jsonl`;
    for (const name of [old, oldPartial, olderLayout]) await Deno.writeFile(join(dir, name), bytes);
    await Deno.writeTextFile(join(dir, "notes.txt"), "not ours");
    await sweepEntryFiles(dir, current);
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    deepEqual(left, [current, young, "notes.txt"].sort());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
