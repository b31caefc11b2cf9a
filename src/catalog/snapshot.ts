/**
 * The embedded default catalog: a snapshot of the Docker MCP registry shipped inside the
 * program, so the first start is useful at once and offline. `scripts/build_snapshot.ts`
 * writes it; `snapshot/docker.json` records its upstream commit, date and license.
 *
 * @module
 */
import type { CatalogEntry } from "./entry.ts";

export const SNAPSHOT_FORMAT = 2;

/** The file's shape. */
export interface Snapshot {
  format: number;
  source: string;
  upstream: string;
  revision: string;
  revision_date: string;
  license: string;
  entries: CatalogEntry[];
}

/** The embedded snapshot of `source`, or null when none ships for it. */
export async function loadSnapshot(source: string): Promise<Snapshot | null> {
  if (source !== "docker") return null;
  const module = await import("./snapshot/docker.json", { with: { type: "json" } });
  const snapshot = module.default as unknown as Snapshot;
  return snapshot.format === SNAPSHOT_FORMAT ? snapshot : null;
}
