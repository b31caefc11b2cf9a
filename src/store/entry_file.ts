/**
 * The merged catalog as one file in the cache folder: its entries as JSON lines, read a line at
 * a time when an entry is asked for (`search/entry_table.ts`), and after them what a start reads
 * whole: where each line starts, the built index's bytes and its JSON part. Kv keeps only the
 * file's name beside the key of what the catalog was merged from.
 *
 * Why a file and not Kv: reading a few MB of values out of Kv leaves SQLite's page cache and
 * its thread's freed buffers in the process for good (about 4 MB at 10,000 servers); one read
 * of a file leaves nothing but the bytes kept.
 *
 * The registry keeps the file open, so a newer registry that replaces and deletes it, or a
 * person who clears the cache, does not take the entries from under a running one. Files are
 * written once, to a fresh name, and made visible by a rename; they are never changed
 * afterwards.
 *
 *     lines, pad, offsets (u32 x count+1), pad, index bytes, pad, index JSON, footer
 *     footer: magic, layout, count, lines, index bytes, index JSON (u32 each), 0, 0
 *
 * @module
 */
import { join } from "node:path";
import type { EntryLines } from "../search/entry_table.ts";

/** The file's name pattern: a time (base 36, for aging) and a random part. */
const NAME = /^[0-9a-z]{9}-[0-9a-f-]{36}\.catalog$/;
/** Names this folder held before (lines only, index in Kv): swept like current ones. */
const OLDER_NAME = /^[0-9a-z]{9}-[0-9a-f-]{36}\.jsonl$/;
const MAGIC = 0x4d435247; // "GRCM" little-endian: mcp-registry catalog
const LAYOUT = 1;
const FOOTER_BYTES = 32;

/** What a merged catalog file holds. */
export interface MergedParts {
  /** The entries, one line of JSON each. */
  lines: Uint8Array;
  /** Where each line starts, and the end of the last. */
  offsets: Uint32Array;
  /** The built index's bytes. */
  binary: Uint8Array;
  /** The built index's JSON part, encoded. */
  index: Uint8Array;
}

/** A merged catalog file read back: its lines stay in the open file. */
export interface MergedFile {
  lines: EntryFile;
  binary: Uint8Array;
  index: Uint8Array;
}

/** Lines of an open merged catalog file. */
export class EntryFile implements EntryLines {
  readonly #file: Deno.FsFile;
  readonly #offsets: Uint32Array;

  private constructor(file: Deno.FsFile, offsets: Uint32Array) {
    this.#file = file;
    this.#offsets = offsets;
  }

  /**
   * Opens the merged catalog file at `path` made for `count` entries; with `index`, its index
   * parts are read too. Null when it is missing or not such a file: another layout, another
   * count, sizes that do not add up to its own, offsets out of order or a line that does not
   * end where they say.
   */
  static read(path: string, count: number, index: true): MergedFile | null;
  static read(path: string, count: number, index: false): EntryFile | null;
  static read(path: string, count: number, index: boolean): MergedFile | EntryFile | null {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true });
    } catch {
      return null;
    }
    try {
      const read = EntryFile.#readParts(file, count, index);
      if (read) return read;
    } catch {
      // shorter than its footer says, or unreadable
    }
    file.close();
    return null;
  }

  get size(): number {
    return this.#offsets.length - 1;
  }

  line(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new RangeError(`no line ${i} in a file of ${this.size}`);
    }
    const start = this.#offsets[i]!;
    const bytes = readAt(this.#file, start, this.#offsets[i + 1]! - start);
    if (bytes[bytes.length - 1] !== 0x0a) {
      throw new Error("the catalog cache file changed under the registry; restart it");
    }
    return bytes.subarray(0, bytes.length - 1);
  }

  /** Closes the file. */
  close(): void {
    try {
      this.#file.close();
    } catch {
      // closed already
    }
  }

  static #readParts(file: Deno.FsFile, count: number, index: boolean) {
    const total = file.statSync().size;
    if (total < FOOTER_BYTES) return null;
    const footer = new Uint32Array(readAt(file, total - FOOTER_BYTES, FOOTER_BYTES).buffer);
    const [magic, layout, stored, linesBytes, binaryBytes, indexBytes] =
      footer as unknown as number[];
    if (magic !== MAGIC || layout !== LAYOUT || stored !== count) return null;
    const at = positions(linesBytes!, count, binaryBytes!, indexBytes!);
    if (at.end !== total) return null;
    const offsets = new Uint32Array(readAt(file, at.offsets, (count + 1) * 4).buffer);
    if (offsets[count] !== linesBytes) return null;
    const lines = EntryFile.#over(file, offsets);
    if (!lines || !index) return lines;
    return {
      lines,
      binary: readAt(file, at.binary, binaryBytes!),
      index: readAt(file, at.index, indexBytes!),
    };
  }

  /** The lines of an open file at `offsets`; null when a line does not end where they say. */
  static #over(file: Deno.FsFile, offsets: Uint32Array): EntryFile | null {
    const size = offsets.length - 1;
    if (offsets[0] !== 0 || !offsets.every((at, i) => i === 0 || at > offsets[i - 1]!)) {
      return null;
    }
    const endsLine = (i: number) => readAt(file, offsets[i + 1]! - 1, 1)[0] === 0x0a;
    return size === 0 || (endsLine(0) && endsLine(size - 1)) ? new EntryFile(file, offsets) : null;
  }
}

/** Where each part starts; parts that are read as typed arrays start at a multiple of 8. */
function positions(lines: number, count: number, binary: number, index: number) {
  const pad = (n: number) => Math.ceil(n / 8) * 8;
  const offsets = pad(lines);
  const binaryAt = pad(offsets + (count + 1) * 4);
  const indexAt = pad(binaryAt + binary);
  return { offsets, binary: binaryAt, index: indexAt, end: indexAt + index + FOOTER_BYTES };
}

/** `length` bytes of `file` from `start`, in a buffer of their own. */
function readAt(file: Deno.FsFile, start: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  file.seekSync(start, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = file.readSync(bytes.subarray(got));
    if (n === null || n === 0) break;
    got += n;
  }
  if (got !== length) throw new Error("the catalog cache file is shorter than recorded");
  return bytes;
}

/**
 * Writes `parts` as a new merged catalog file in `dir` (mode 0600, whole or not at all) and
 * returns its name. The parts are written one after another: never joined in memory.
 */
export async function writeEntryFile(dir: string, parts: MergedParts): Promise<string> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `${Date.now().toString(36).padStart(9, "0")}-${crypto.randomUUID()}.catalog`;
  const partial = join(dir, `.${name}.partial`);
  const count = parts.offsets.length - 1;
  const at = positions(parts.lines.length, count, parts.binary.length, parts.index.length);
  const footer = new Uint32Array(FOOTER_BYTES / 4);
  footer.set([MAGIC, LAYOUT, count, parts.lines.length, parts.binary.length, parts.index.length]);
  const offsetBytes = new Uint8Array(
    parts.offsets.buffer,
    parts.offsets.byteOffset,
    (count + 1) * 4,
  );
  const file = await Deno.open(partial, { write: true, createNew: true, mode: 0o600 });
  try {
    let written = 0;
    const put = async (bytes: Uint8Array, start = written) => {
      if (start > written) await writeAll(file, new Uint8Array(start - written));
      await writeAll(file, bytes);
      written = start + bytes.length;
    };
    await put(parts.lines);
    await put(offsetBytes, at.offsets);
    await put(parts.binary, at.binary);
    await put(parts.index, at.index);
    await put(new Uint8Array(footer.buffer));
    // On disk before it is named: a crash must not leave a whole-looking file with holes.
    await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(partial, join(dir, name));
  return name;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array) {
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

/**
 * Deletes the catalog files of `dir` but `keep` that are older than 10 minutes (a save under
 * way in another process is younger), half-written ones as old, and those of the older layout.
 * A registry that still reads a deleted file keeps reading it: it holds it open.
 */
export async function sweepEntryFiles(dir: string, keep: string): Promise<void> {
  const cutoff = Date.now() - 10 * 60_000;
  let names: string[];
  try {
    names = (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.isFile).map((e) => e.name);
  } catch {
    return;
  }
  for (const name of names) {
    const plain = name.replace(/^\.(.*)\.partial$/, "$1");
    if (name === keep || !(NAME.test(plain) || OLDER_NAME.test(plain))) continue;
    const born = parseInt(plain.split("-")[0]!, 36);
    if (born > cutoff) continue;
    await Deno.remove(join(dir, name)).catch(() => {});
  }
}

/** True when `name` is a catalog file's name (never a path: no folder can be named). */
export function isEntryFileName(name: unknown): name is string {
  return typeof name === "string" && NAME.test(name);
}
