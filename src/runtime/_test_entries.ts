/**
 * Entries and settings for the runtime tests: real entries of the embedded Docker catalog, and
 * settings with nothing set unless a test says so.
 *
 * @module
 */
import { ok } from "node:assert/strict";
import type { CatalogEntry } from "../catalog/entry.ts";
import { loadSnapshot } from "../catalog/snapshot.ts";
import type { ServerConfig } from "../catalog/settings.ts";

/** The embedded snapshot of the Docker MCP registry. */
export const snapshot = (await loadSnapshot("docker"))!;

/** A real entry of the Docker MCP registry snapshot. */
export function entry(id: string): CatalogEntry {
  const found = snapshot.entries.find((e) => e.id === id);
  ok(found, `the Docker snapshot has no entry "${id}"`);
  return found;
}

/** A server configuration with nothing set unless `values` says so. */
export function config(values: Partial<ServerConfig> = {}): ServerConfig {
  return { params: {}, env: {}, secrets: {}, ...values };
}
