/**
 * The interface every catalog source implements.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";

/** The names sources go by in `MCP_REGISTRY_SOURCES`, filters, `registry-refresh` and status. */
export const SOURCE_NAMES = ["local", "docker", "official", "mcpservers", "awesome"] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Where each source reads from unless the settings say otherwise. */
export const DOCKER_REGISTRY_URL = "https://github.com/docker/mcp-registry.git";
export const OFFICIAL_REGISTRY_URL = "https://registry.modelcontextprotocol.io";
export const MCPSERVERS_URL = "https://mcpservers.org";
export const AWESOME_REPO_URL = "https://github.com/wong2/awesome-mcp-servers.git";

/** What one refresh of a source produced. */
export interface SourceSnapshot {
  entries: CatalogEntry[];
  /** Where the data came from, e.g. a git commit; shown in status. */
  revision: string | null;
  /** Problems that cost data (a file or page that could not be read at all). */
  errors: string[];
  /** Problems the source worked around; each affected entry also carries its own. */
  warnings: string[];
  /**
   * Opaque state for the next incremental refresh (e.g. the newest `updatedAt` seen); handed
   * back as `previous.cursor`. Null or absent: the next refresh is a full one.
   */
  cursor?: string | null;
}

/** A step of a refresh, for progress notifications and progress bars. */
export interface RefreshProgress {
  /** What is happening, e.g. "page 3 of 40". */
  message: string;
  /** Work done so far, in any unit; increases. */
  done?: number;
  /** The total of that unit, when known. */
  total?: number;
}

/** What a refresh is given. */
export interface RefreshContext {
  /** Aborts the refresh (shutdown); the source then throws. */
  signal?: AbortSignal;
  /**
   * The last good refresh of this source from the same location, for an incremental refresh;
   * null when there is none (the source then does a full refresh).
   */
  previous?: PreviousRefresh | null;
  /** Called as the refresh goes; must not throw. */
  progress?: (step: RefreshProgress) => void;
}

/** The last good refresh, as handed to the next one. */
export interface PreviousRefresh {
  entries: readonly CatalogEntry[];
  revision: string | null;
  cursor: string | null;
  /** When it was made (ISO 8601). */
  refreshedAt: string;
}

/** A place catalog entries come from. */
export interface CatalogSource {
  /** Short, stable name used in entries (`source`), filters and status, e.g. `docker`. */
  readonly name: string;
  /** Where it reads from, for status (a URL or path; never a secret). */
  readonly location: string;
  /**
   * True for a source that only reads local files: it is read again at every check, whatever
   * the refresh interval, and `registry-refresh` never rate-limits it.
   */
  readonly cheap?: boolean;
  /**
   * Fetches the source anew. Throws when nothing could be fetched or the signal aborts (even at
   * its last step: a refresh whose signal aborted never resolves); a partial result (some pages
   * failed) is returned with the failures in `errors`. The contract every source keeps is
   * tested by `tests/source_contract.ts`.
   */
  refresh(context?: RefreshContext): Promise<SourceSnapshot>;
}
