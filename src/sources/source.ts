/**
 * The interface every catalog source implements.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";

/** What one refresh of a source produced. */
export interface SourceSnapshot {
  entries: CatalogEntry[];
  /** Where the data came from, e.g. a git commit; shown in status. */
  revision: string | null;
  /** Problems that cost data (a file that could not be read at all). */
  errors: string[];
  /** Problems the source worked around; each affected entry also carries its own. */
  warnings: string[];
}

/** A place catalog entries come from. */
export interface CatalogSource {
  /** Short, stable name used in entries (`source`), filters and status, e.g. `docker`. */
  readonly name: string;
  /** Where it reads from, for status (a URL or path; never a secret). */
  readonly location: string;
  /** Fetches the source anew. Throws when nothing could be fetched or `signal` aborts. */
  refresh(signal?: AbortSignal): Promise<SourceSnapshot>;
}
