/**
 * The catalog cache in Deno.Kv: each source's entries and refresh times, so that a restart
 * serves the catalog at once without touching the network.
 *
 * Entries are stored as UTF-8 JSON cut into chunks (a Kv value holds at most 64 KiB) under a
 * fresh generation key; a single atomic write of the source's meta then switches readers to
 * the new generation, so a crash mid-save leaves the previous catalog whole.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { retryLocked } from "../util/retry.ts";
import { type EntryLines, MemoryLines } from "../search/entry_table.ts";
import { join } from "node:path";
import { EntryFile, isEntryFileName, sweepEntryFiles, writeEntryFile } from "./entry_file.ts";
import { concat, parseList } from "./_stored_list.ts";

/** Bump when the stored shape of entries changes: older caches are then ignored. */
export const CATALOG_FORMAT = 2;
const CHUNK_BYTES = 60_000;

/** What is known about a source's last refreshes. */
export interface SourceState {
  /** When a refresh last succeeded (ISO 8601), or null. */
  refreshed_at: string | null;
  /** When a refresh was last tried, successful or not, automatic or asked for. */
  attempted_at: string | null;
  /**
   * When a person or an agent last asked for a refresh (`registry-refresh`, `mcp-registry
   * refresh`), successful or not: with `refreshed_at`, what the manual cooldown counts from.
   */
  asked_at?: string | null;
  /** Failed attempts since the last success and when to try again; null after a success. */
  backoff?: RetryBackoff | null;
  /** Why the last attempt failed; null when it succeeded. */
  last_error: string | null;
  /** The revision (e.g. git commit) of the stored entries. */
  revision: string | null;
  /** Where the stored entries came from; a change of location makes the source due. */
  location?: string | null;
  /** Files the last successful refresh could not read. */
  load_errors?: string[];
  /** The source's own note for its next incremental refresh (see `SourceSnapshot.cursor`). */
  cursor?: string | null;
}

/** How an automatic refresh of a failing source waits (see `Catalog`). */
export interface RetryBackoff {
  /** Failed attempts in a row, automatic or asked for. */
  failures: number;
  /** When an automatic refresh may try again (ISO 8601). */
  retry_at: string;
  /** The location that failed: a source moved elsewhere is not held back. */
  location: string;
}

/** The entries of one source as stored. */
export interface StoredCatalog {
  entries: CatalogEntry[];
  revision: string | null;
  saved_at: string;
}

/** Where the id memory is kept: a list stored like a source's entries, under a name no source has. */
const ID_MEMORY = "#ids";
/** Where the merged catalog and its built index are kept (see `saveMerged`). */
const MERGED = "#merged";
const MERGED_INDEX = "#index";
const MERGED_BINARY = "#index-bytes";

/** What the meta of a source's stored catalog tells without reading its entries. */
export interface StoredCatalogInfo {
  /** Changes with every save: what a merged catalog built from it is keyed by. */
  generation: string;
  revision: string | null;
  count: number;
  /** How many entries carry warnings; null when an older save did not count them. */
  withWarnings: number | null;
}

/**
 * The merged catalog as stored with its index, under the key of what it was made from: the
 * entries as JSON lines (`search/entry_table.ts`), in a file of the cache folder read a line
 * at a time (in Kv when the store has no folder), so a start neither reads nor parses them.
 */
export interface StoredMerged<I> {
  /** The entries, one line of JSON each. */
  lines: EntryLines;
  /** The index's JSON part. */
  index: I;
  /** The index's bytes (its postings), read back without parsing. */
  binary: Uint8Array;
}

interface StoredList<T> {
  list: T[];
  revision: string | null;
  saved_at: string;
}

interface CatalogMeta {
  format: number;
  generation: string;
  chunks: number;
  count: number;
  revision: string | null;
  saved_at: string;
  /** Entries with warnings (source catalogs only). */
  with_warnings?: number;
  /** The merged catalog's lines file, in the store's lines folder (the value holds offsets). */
  file?: string;
}

/** Reads and writes the catalog cache over an injected Kv. */
export class CatalogStore {
  readonly #kv: Deno.Kv;

  readonly #linesDir: string | undefined;

  /**
   * @param linesDir Where the merged catalog's lines files go (a folder of the cache); without
   * one they are kept in Kv and read whole at start.
   */
  constructor(kv: Deno.Kv, linesDir?: string) {
    this.#kv = kv;
    this.#linesDir = linesDir;
  }

  /** The stored entries of `source`, or null when none (or only an older format) is stored. */
  async loadEntries(source: string): Promise<StoredCatalog | null> {
    const stored = await this.#loadList<CatalogEntry>(source);
    return stored && { entries: stored.list, revision: stored.revision, saved_at: stored.saved_at };
  }

  /** What is stored for `source`, without reading its entries; null as for `loadEntries`. */
  async loadInfo(source: string): Promise<StoredCatalogInfo | null> {
    const meta = (await this.#kv.get<CatalogMeta>(["catalog", source, "meta"])).value;
    if (!meta || meta.format !== CATALOG_FORMAT) return null;
    return {
      generation: meta.generation,
      revision: meta.revision,
      count: meta.count,
      withWarnings: meta.with_warnings ?? null,
    };
  }

  /**
   * The merged catalog and its index stored under `key`, or null when what is stored was made
   * from something else (or is missing, older, or torn).
   */
  async loadMerged<I>(key: string): Promise<StoredMerged<I> | null> {
    const stored = await this.#loadParts(MERGED, key);
    if (!stored) return null;
    if (stored.meta.file !== undefined) return this.#readMergedFile<I>(stored.meta);
    const [index, binary] = await Promise.all([
      this.#loadList<I>(MERGED_INDEX, key),
      this.#loadParts(MERGED_BINARY, key),
    ]);
    if (!index || !binary || index.list.length !== 1) return null;
    const bytes = concat(stored.parts);
    const offsets = MemoryLines.offsetsOf(bytes, stored.meta.count);
    const lines = offsets && new MemoryLines(bytes, offsets);
    return lines && { lines, index: index.list[0]!, binary: concat(binary.parts) };
  }

  /** The merged catalog in the file `meta` names; null when it is not that file. */
  #readMergedFile<I>(meta: CatalogMeta): StoredMerged<I> | null {
    if (!this.#linesDir || !isEntryFileName(meta.file)) return null;
    const read = EntryFile.read(join(this.#linesDir, meta.file), meta.count, true);
    if (!read) return null;
    try {
      const index = JSON.parse(new TextDecoder().decode(read.index)) as I;
      if (index !== null && typeof index === "object") {
        return { lines: read.lines, index, binary: read.binary };
      }
    } catch {
      // not JSON: a foreign file under our name
    }
    read.lines.close();
    return null;
  }

  /**
   * Stores the merged catalog and its built index under `key` (what they were made from: the
   * generations of the source catalogs, the id memory and the index settings). Returns the
   * stored lines read from their file (for the caller to read from instead of memory), or null
   * when they went to Kv.
   */
  async saveMerged<I>(
    key: string,
    merged: { lines: MemoryLines; index: I; binary: Uint8Array },
  ): Promise<EntryLines | null> {
    const { lines } = merged;
    if (!this.#linesDir) {
      await this.#saveList(MERGED_INDEX, [merged.index], key);
      await this.#saveBytes(MERGED_BINARY, merged.binary, 1, key);
      await this.#saveBytes(MERGED, lines.bytes, lines.size, key);
      return null;
    }
    // One file holds lines, offsets and index; Kv keeps its name under the key.
    const file = await writeEntryFile(this.#linesDir, {
      lines: lines.bytes,
      offsets: lines.offsets,
      binary: merged.binary,
      index: new TextEncoder().encode(JSON.stringify(merged.index)),
    });
    const path = join(this.#linesDir, file);
    const stored = await this.#saveBytes(
      MERGED,
      new Uint8Array(0),
      lines.size,
      key,
      undefined,
      file,
    );
    const opened = EntryFile.read(path, lines.size, false);
    if (stored === null) {
      // Another process switched the catalog meanwhile: nothing names our file, so it goes
      // now (the lines stay readable through the open file until the registry lets them go).
      await Deno.remove(path).catch(() => {});
      return opened;
    }
    // What an older version kept in Kv beside its lines file.
    for (const older of [MERGED_INDEX, MERGED_BINARY]) await this.#forget(older);
    await sweepEntryFiles(this.#linesDir, file);
    return opened;
  }

  /** Deletes all that is stored under `source`: its meta and every generation. */
  async #forget(source: string) {
    await this.#deleteAll(["catalog", source]);
  }

  async #loadList<T>(source: string, revision?: string): Promise<StoredList<T> | null> {
    const stored = await this.#loadParts(source, revision);
    if (!stored) return null;
    const list = parseList<T>(stored.parts, stored.meta.count);
    return list && { list, revision: stored.meta.revision, saved_at: stored.meta.saved_at };
  }

  /**
   * The chunks of the current generation of `source` (of `revision`, when given), in order:
   * never joined unless the reader needs them whole.
   */
  async #loadParts(
    source: string,
    revision?: string,
  ): Promise<{ parts: Uint8Array[]; meta: CatalogMeta } | null> {
    // A reader can lose a race with a writer that switches generations and sweeps the old one:
    // the meta it read then points at deleted chunks. Reading again sees the new meta.
    for (let attempt = 0; attempt < 3; attempt++) {
      const meta = (await this.#kv.get<CatalogMeta>(["catalog", source, "meta"])).value;
      if (!meta || meta.format !== CATALOG_FORMAT) return null;
      if (revision !== undefined && meta.revision !== revision) return null;
      const parts = await this.#readGeneration(source, meta);
      if (parts) return { parts, meta };
    }
    return null;
  }

  /** The chunks of `meta`'s generation; null when one is missing (swept meanwhile). */
  async #readGeneration(source: string, meta: CatalogMeta): Promise<Uint8Array[] | null> {
    const keys = Array.from(
      { length: meta.chunks },
      (_, i) => ["catalog", source, meta.generation, i],
    );
    const parts: Uint8Array[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      const got = await this.#kv.getMany<Uint8Array[]>(keys.slice(i, i + 10));
      for (const item of got) {
        if (!(item.value instanceof Uint8Array)) return null; // torn: chunks swept meanwhile
        parts.push(item.value);
      }
    }
    return parts;
  }

  /**
   * Stores `entries` as the catalog of `source`, replacing the previous one atomically. When
   * another process switched the catalog meanwhile, its newer catalog stays and ours is dropped.
   * Returns the generation stored, or null when ours was dropped.
   */
  async saveEntries(
    source: string,
    entries: CatalogEntry[],
    revision: string | null,
  ): Promise<string | null> {
    const withWarnings = entries.filter((e) => e.warnings.length > 0).length;
    return await this.#saveList(source, entries, revision, withWarnings);
  }

  async #saveList(
    source: string,
    entries: readonly unknown[],
    revision: string | null,
    withWarnings?: number,
  ): Promise<string | null> {
    const { bytes } = MemoryLines.of(entries);
    return await this.#saveBytes(source, bytes, entries.length, revision, withWarnings);
  }

  async #saveBytes(
    source: string,
    bytes: Uint8Array,
    count: number,
    revision: string | null,
    withWarnings?: number,
    file?: string,
  ): Promise<string | null> {
    const previous = await this.#kv.get<CatalogMeta>(["catalog", source, "meta"]);
    // Generations start with their creation time, so leftovers of a crashed save can be aged.
    const generation = `${Date.now().toString(36).padStart(9, "0")}-${crypto.randomUUID()}`;
    const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
    for (let i = 0; i < chunks; i += 8) {
      const op = this.#kv.atomic();
      for (let j = i; j < Math.min(chunks, i + 8); j++) {
        op.set(
          ["catalog", source, generation, j],
          bytes.subarray(j * CHUNK_BYTES, (j + 1) * CHUNK_BYTES),
        );
      }
      await retryLocked(() => commitOrThrow(op, `storing the ${source} catalog`));
    }
    const meta: CatalogMeta = {
      format: CATALOG_FORMAT,
      generation,
      chunks,
      count,
      revision,
      saved_at: new Date().toISOString(),
      ...(withWarnings === undefined ? {} : { with_warnings: withWarnings }),
      ...(file === undefined ? {} : { file }),
    };
    const switched = await retryLocked(() =>
      this.#kv.atomic().check(previous).set(["catalog", source, "meta"], meta).commit()
    );
    if (!switched.ok) {
      await this.#deleteGeneration(source, generation); // lost the race: keep theirs
      return null;
    }
    if (previous.value?.generation) {
      await this.#deleteGeneration(source, previous.value.generation);
    }
    await this.#sweepAbandoned(source, generation);
    return generation;
  }

  /** The ids given to source entries by the last merge (member key -> id); empty when none. */
  async loadIdMemory(): Promise<Map<string, string>> {
    const stored = await this.#loadList<[string, string]>(ID_MEMORY);
    return new Map(stored?.list ?? []);
  }

  /** Stores the ids given by a merge, so a restart or refresh keeps every id. */
  async saveIdMemory(ids: ReadonlyMap<string, string>): Promise<void> {
    await this.#saveList(ID_MEMORY, [...ids], null);
  }

  /** The refresh history of `source`. */
  async getState(source: string): Promise<SourceState> {
    const stored = (await this.#kv.get<SourceState>(["source_state", source])).value;
    return stored ?? neverRefreshed();
  }

  /**
   * Updates part of the refresh history of `source`. A function `patch` gets the stored state
   * and is applied atomically: when another process wrote meanwhile, it runs again on theirs.
   */
  async updateState(
    source: string,
    patch: Partial<SourceState> | ((current: SourceState) => Partial<SourceState>),
  ): Promise<SourceState> {
    const key = ["source_state", source];
    for (let attempt = 0;; attempt++) {
      const stored = await this.#kv.get<SourceState>(key);
      const current = stored.value ?? neverRefreshed();
      const next = { ...current, ...(typeof patch === "function" ? patch(current) : patch) };
      const written = await retryLocked(() =>
        this.#kv.atomic().check(stored).set(key, next).commit()
      );
      if (written.ok) return next;
      if (attempt >= 20) throw new Error(`Cache write conflict while updating the ${source} state`);
    }
  }

  async #deleteGeneration(source: string, generation: string) {
    await this.#deleteAll(["catalog", source, generation]);
  }

  async #deleteAll(prefix: Deno.KvKey) {
    const keys: Deno.KvKey[] = [];
    for await (const item of this.#kv.list({ prefix })) keys.push(item.key);
    for (let i = 0; i < keys.length; i += 100) {
      const op = this.#kv.atomic();
      for (const key of keys.slice(i, i + 100)) op.delete(key);
      await retryLocked(() => op.commit());
    }
  }

  /**
   * Deletes generations left by saves that died before switching: those older than 10 minutes
   * (a save in progress in another process is younger) that are not `current`.
   */
  async #sweepAbandoned(source: string, current: string) {
    const cutoff = Date.now() - 10 * 60_000;
    const seen = new Set<string>();
    for await (const item of this.#kv.list({ prefix: ["catalog", source] })) {
      const generation = item.key[2];
      if (typeof generation !== "string" || generation === "meta") continue;
      if (generation === current || seen.has(generation)) continue;
      seen.add(generation);
    }
    for (const generation of seen) {
      const born = parseInt(generation.split("-")[0] ?? "", 36);
      // Generations without a time prefix come from older versions: abandoned too.
      if (!(born > cutoff)) await this.#deleteGeneration(source, generation);
    }
  }
}

function neverRefreshed(): SourceState {
  return { refreshed_at: null, attempted_at: null, last_error: null, revision: null };
}

async function commitOrThrow(op: Deno.AtomicOperation, what: string) {
  const result = await op.commit();
  if (!result.ok) throw new Error(`Cache write conflict while ${what}; try again`);
}
