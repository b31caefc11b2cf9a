/**
 * The list answer of the official registry, per item: the `{server, _meta}` envelope (or an old
 * bare record) read into an {@linkcode OfficialRow}, and the ids a set of registry names gets.
 * Pure.
 *
 * @module
 */
import { assignIdsAround, slugify } from "../catalog/slug.ts";
import { isRecord, pick, text } from "./_official_fields.ts";

/** The key of the registry's own block in a list item's `_meta`. */
export const OFFICIAL_META = "io.modelcontextprotocol.registry/official";

/** One item of `GET /v0.1/servers`, read: the server document and the registry's facts on it. */
export interface OfficialRow {
  /** The full registry name, e.g. `io.github.user/weather`; "" for a blank record. */
  name: string;
  version: string;
  /** `active`, `deprecated` or `deleted`; `active` when the record does not say. */
  status: string;
  isLatest: boolean;
  /** When the registry last changed the row (ISO 8601), when it says. */
  updatedAt: string | null;
  /** The server document itself (`server` of the envelope, or the whole old record). */
  server: Record<string, unknown>;
}

/**
 * Reads one item of a list answer: the `{server, _meta}` envelope of today's API, the
 * transitional one (status on the server), or an old snake_case record with no envelope.
 * Returns null for an item that is not an object at all.
 */
export function readOfficialRow(item: unknown): OfficialRow | null {
  if (!isRecord(item)) return null;
  const server = isRecord(item.server) ? item.server : item;
  const metaBlock = isRecord(item._meta) ? item._meta[OFFICIAL_META] : undefined;
  const meta = isRecord(metaBlock) ? metaBlock : {};
  const detail = isRecord(server.version_detail) ? server.version_detail : {};
  const latest = pick(meta, "isLatest", "is_latest") ?? detail.is_latest;
  const updated = pick(meta, "updatedAt", "updated_at") ?? detail.release_date;
  return {
    name: text(server.name) ?? "",
    version: text(server.version) ?? text(detail.version) ?? "",
    status: text(meta.status) ?? text(server.status) ?? "active",
    // A record that does not say is taken as latest: a registry asked for `version=latest`
    // that knows no such flag answers with latest versions only.
    isLatest: typeof latest === "boolean" ? latest : true,
    updatedAt: text(updated) ?? null,
    server,
  };
}

/**
 * Ids for a set of registry names: the slug of the part after the last `/`
 * (`io.github.domdomegg/airtable-mcp-server` -> `airtable-mcp-server`), and the slug of the full
 * name for every name whose short slug another name shares. The same for the same set of names,
 * whatever their order.
 */
export function officialIds(names: readonly string[]): Map<string, string> {
  const sorted = [...new Set(names)].sort();
  const byShort = Map.groupBy(sorted, shortSlug);
  const unique = [...byShort].filter(([, group]) => group.length === 1);
  // Full-name slugs can still meet (`a.b/c` and `a/b-c`); sorted order settles who gets `-2`.
  return assignIdsAround(sorted, new Map(unique.map(([short, [name]]) => [name!, short])));
}

/** The slug of the part of a registry name after its last `/`. */
function shortSlug(name: string): string {
  return slugify(name.slice(name.lastIndexOf("/") + 1) || name);
}
