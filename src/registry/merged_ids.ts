/**
 * The ids the live catalog's merge gave (member key -> id), kept across refreshes and restarts in
 * the cache, so that an entry keeps its id while the sources around it change.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { CatalogStore } from "../store/catalog_store.ts";
import type { Logger } from "../util/log.ts";

/** One source's entries for the merge, in priority order. */
export interface MergedSource {
  name: string;
  entries: readonly CatalogEntry[];
}

/**
 * The id memory over a store; saves run one after another, in the background. It is read only
 * when a merge needs it and let go after each merge: a start that serves the stored merged
 * catalog never reads it (about 10,000 pairs at 10k entries, issue 18).
 */
export class MergedIds {
  readonly #store: CatalogStore;
  readonly #log: Logger;
  #saving: Promise<void> = Promise.resolve();

  constructor(store: CatalogStore, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  /** The ids the last merge stored (after its save); unreadable, ids are chosen afresh. */
  async #load(): Promise<Map<string, string>> {
    await this.#saving;
    try {
      return await this.#store.loadIdMemory();
    } catch (error) {
      this.#log.warn("id memory unreadable; ids are chosen afresh", { error: String(error) });
      return new Map();
    }
  }

  /** Merges the sources with the remembered ids, and remembers (and stores) the ids it gave. */
  async merge(sources: readonly MergedSource[]): Promise<CatalogEntry[]> {
    const before = await this.#load();
    const saved = JSON.stringify([...before]);
    // The merge loads with the first one: a start that reads the merged catalog back never does.
    const { mergeSources } = await import("../catalog/merge.ts");
    const merged = mergeSources(sources.map((s) => s.entries), before);
    // Ids of entries that left their source are forgotten; those of sources serving nothing
    // now (not fetched yet, or switched off for a while) are kept for their return.
    const serving = new Set(sources.filter((s) => s.entries.length > 0).map((s) => s.name));
    for (const [key, id] of before) {
      if (!serving.has(key.split("\u0000")[0]!) && !merged.ids.has(key)) merged.ids.set(key, id);
    }
    if (JSON.stringify([...merged.ids]) !== saved) {
      this.#saving = this.#saving
        .then(() => this.#store.saveIdMemory(merged.ids))
        .catch((error) => this.#log.warn("cannot store the id memory", { error: String(error) }));
    }
    return merged.entries;
  }

  /** Waits for the saves under way. */
  settled(): Promise<void> {
    return this.#saving;
  }
}
