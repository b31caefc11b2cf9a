/**
 * The ids the live catalog's merge gave (member key → id), kept across refreshes and restarts in
 * the cache, so that an entry keeps its id while the sources around it change.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { mergeSources } from "../catalog/merge.ts";
import type { CatalogStore } from "../store/catalog_store.ts";
import type { Logger } from "../util/log.ts";

/** One source's entries for the merge, in priority order. */
export interface MergedSource {
  name: string;
  entries: readonly CatalogEntry[];
}

/** The id memory over a store; saves run one after another, in the background. */
export class MergedIds {
  readonly #store: CatalogStore;
  readonly #log: Logger;
  #ids = new Map<string, string>();
  #saved = "";
  #saving: Promise<void> = Promise.resolve();

  constructor(store: CatalogStore, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  /** Reads the ids the last merge stored; unreadable, ids are chosen afresh. */
  async load(): Promise<void> {
    try {
      this.#ids = await this.#store.loadIdMemory();
      this.#saved = JSON.stringify([...this.#ids]);
    } catch (error) {
      this.#log.warn("id memory unreadable; ids are chosen afresh", { error: String(error) });
    }
  }

  /** Merges the sources with the remembered ids, and remembers (and stores) the ids it gave. */
  merge(sources: readonly MergedSource[]): CatalogEntry[] {
    const merged = mergeSources(sources.map((s) => s.entries), this.#ids);
    // Ids of entries that left their source are forgotten; those of sources serving nothing
    // now (not fetched yet, or switched off for a while) are kept for their return.
    const serving = new Set(sources.filter((s) => s.entries.length > 0).map((s) => s.name));
    for (const [key, id] of this.#ids) {
      if (!serving.has(key.split("\u0000")[0]!) && !merged.ids.has(key)) merged.ids.set(key, id);
    }
    this.#ids = merged.ids;
    const serialized = JSON.stringify([...merged.ids]);
    if (serialized !== this.#saved) {
      this.#saved = serialized;
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
