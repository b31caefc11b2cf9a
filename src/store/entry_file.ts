/**
 * The merged catalog's entries as a file of JSON lines in the cache folder, read a line at a
 * time when an entry is asked for (`search/entry_table.ts`). The registry keeps the file open,
 * so a newer registry that replaces and deletes it, or a person who clears the cache, does not
 * take the entries from under a running one.
 *
 * Files are written once, to a fresh name, and made visible by a rename; they are never
 * changed afterwards.
 *
 * @module
 */
import { join } from "node:path";
import type { EntryLines } from "../search/entry_table.ts";

/** The file's name pattern: a time (base 36, for aging) and a random part. */
const NAME = /^[0-9a-z]{9}-[0-9a-f-]{36}\.jsonl$/;

/** Lines of an open file, by the offsets stored beside it. */
export class EntryFile implements EntryLines {
  readonly #file: Deno.FsFile;
  readonly #offsets: Uint32Array;

  private constructor(file: Deno.FsFile, offsets: Uint32Array) {
    this.#file = file;
    this.#offsets = offsets;
  }

  /**
   * Opens `path` for lines starting at `offsets`; null when it is missing or not the file the
   * offsets were made for (its size differs, or a line does not end where they say).
   */
  static open(path: string, offsets: Uint32Array): EntryFile | null {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true });
    } catch {
      return null;
    }
    const lines = new EntryFile(file, offsets);
    const size = offsets.length - 1;
    const fits = file.statSync().size === offsets[size] && offsets[0] === 0 &&
      offsets.every((at, i) => i === 0 || at > offsets[i - 1]!) &&
      (size === 0 || (lines.#endsLine(0) && lines.#endsLine(size - 1)));
    if (!fits) {
      file.close();
      return null;
    }
    return lines;
  }

  get size(): number {
    return this.#offsets.length - 1;
  }

  line(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new RangeError(`no line ${i} in a file of ${this.size}`);
    }
    const start = this.#offsets[i]!;
    const bytes = this.#read(start, this.#offsets[i + 1]! - start);
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

  #endsLine(i: number): boolean {
    const end = this.#offsets[i + 1]!;
    return this.#read(end - 1, 1)[0] === 0x0a;
  }

  #read(start: number, length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    this.#file.seekSync(start, Deno.SeekMode.Start);
    let got = 0;
    while (got < length) {
      const n = this.#file.readSync(bytes.subarray(got));
      if (n === null || n === 0) break;
      got += n;
    }
    if (got !== length) throw new Error("the catalog cache file is shorter than recorded");
    return bytes;
  }
}

/**
 * Writes `bytes` as a new lines file in `dir` (mode 0600, whole or not at all) and returns its
 * name.
 */
export async function writeEntryFile(dir: string, bytes: Uint8Array): Promise<string> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `${Date.now().toString(36).padStart(9, "0")}-${crypto.randomUUID()}.jsonl`;
  const partial = join(dir, `.${name}.partial`);
  await Deno.writeFile(partial, bytes, { mode: 0o600 });
  await Deno.rename(partial, join(dir, name));
  return name;
}

/**
 * Deletes the lines files of `dir` but `keep` that are older than 10 minutes (a save under
 * way in another process is younger), and half-written ones as old. A registry that still
 * reads a deleted file keeps reading it: it holds it open.
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
    if (name === keep || !NAME.test(plain)) continue;
    const born = parseInt(plain.split("-")[0]!, 36);
    if (born > cutoff) continue;
    await Deno.remove(join(dir, name)).catch(() => {});
  }
}

/** True when `name` is a lines file's name (never a path: no folder can be named). */
export function isEntryFileName(name: unknown): name is string {
  return typeof name === "string" && NAME.test(name);
}
