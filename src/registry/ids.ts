/**
 * The `id` argument of the activation tools, and the message for an id that does not exist.
 *
 * @module
 */
import { z } from "zod";
import type { CatalogEntry } from "../catalog/entry.ts";
import type { CatalogIndex } from "../search/catalog_index.ts";
import { withoutControls } from "../util/text.ts";
import { closest } from "./suggest.ts";

/** A catalog id as agents send it; the real check is against the catalog. */
export const idArgument = z.string().trim().min(1).max(200).refine(
  (id) => !/\p{Cc}/u.test(id),
  "must not contain control characters (ids are letters, digits and dashes)",
).describe('A catalog id from registry-find, e.g. "memory"');

/** The entry with this id, or the error text that suggests the closest ids. */
export function lookupEntry(index: CatalogIndex, id: string): CatalogEntry | string {
  const entry = index.get(id) ?? index.get(id.toLowerCase());
  if (entry) return entry;
  const near = closest(id.toLowerCase(), index.ids(), 5);
  // Search hits only when they share a word with what was typed: fuzzy matches of a made-up
  // id ("nosuch") would suggest servers that have nothing to do with it.
  const words = id.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3);
  const viaSearch = index.search(id, { limit: 3 }).hits
    .filter((h) => words.some((w) => `${h.entry.id} ${h.entry.title}`.toLowerCase().includes(w)))
    .map((h) => h.entry.id);
  const suggestions = [...new Set([...near, ...viaSearch])].slice(0, 5);
  return `No server has the id "${withoutControls(id.slice(0, 80))}". ${
    suggestions.length ? `Did you mean: ${suggestions.join(", ")}? ` : ""
  }Find ids with registry-find.`;
}
