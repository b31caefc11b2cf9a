/**
 * The catalog filters shared by `registry-find` and `registry-list`, and their checks against
 * what the catalog actually holds (so a misspelt category is an error, not an empty page).
 *
 * @module
 */
import { z } from "zod";
import { LAUNCH_METHODS } from "../catalog/entry.ts";
import { type MarkLookup, type SearchFilters, STARTABLE } from "../search/catalog_index.ts";
import type { RunMark } from "../store/run_marks.ts";
import type { CatalogIndex } from "../search/catalog_index.ts";
import { closest } from "./suggest.ts";

const label = z.string().trim().min(1).max(100);

/**
 * The filter arguments, as zod shape entries, described once (in `registry-find`); other tools
 * take {@linkcode bareFilterShape} and say "filters as in registry-find".
 */
export const filterShape = {
  source: label.optional().describe("docker, official, mcpservers, awesome or local"),
  category: label.optional().describe('e.g. "database"'),
  tag: label.optional(),
  official: z.boolean().optional().describe("made by the product's vendor"),
  featured: z.boolean().optional(),
  requires_api_key: z.boolean().optional().describe("false: works without a key"),
  launch_method: z.enum(LAUNCH_METHODS).optional().describe(
    "stdio-proxy: package; build: from source",
  ),
  startable: z.enum(STARTABLE).optional().describe("skips what failed here"),
};

/** The same filters without descriptions. */
export const bareFilterShape = {
  source: label.optional(),
  category: label.optional(),
  tag: label.optional(),
  official: z.boolean().optional(),
  featured: z.boolean().optional(),
  requires_api_key: z.boolean().optional(),
  launch_method: z.enum(LAUNCH_METHODS).optional(),
  startable: z.enum(STARTABLE).optional(),
};

/**
 * The marks as search reads them (run state by id); undefined when there are none, so a search
 * spends nothing on them then.
 */
export function markLookupOf(
  marks: { all(): ReadonlyMap<string, RunMark> } | undefined,
): MarkLookup | undefined {
  const all = marks?.all();
  return all && all.size > 0 ? (id) => all.get(id)?.state : undefined;
}

/** Picks the filters out of parsed arguments. */
export function pickFilters(args: SearchFilters): SearchFilters {
  const filters: SearchFilters = {};
  for (const key of Object.keys(filterShape) as (keyof SearchFilters)[]) {
    if (args[key] !== undefined) (filters as Record<string, unknown>)[key] = args[key];
  }
  return filters;
}

/** Null when every label filter names something the catalog has, else the error to return. */
export function checkFilterValues(filters: SearchFilters, index: CatalogIndex): string | null {
  const known = index.labels;
  for (const key of ["source", "category", "tag"] as const) {
    const value = filters[key];
    if (value === undefined || known[key].has(value.toLowerCase())) {
      continue;
    }
    const values = [...known[key]].sort();
    const near = closest(value.toLowerCase(), values, 5);
    const hint = key === "tag"
      ? (near.length ? `closest tags: ${near.join(", ")}` : "no similar tag exists")
      : `known ${key === "category" ? "categories" : "sources"}: ${values.join(", ")}`;
    return `No entry has ${key} "${value}"; ${hint}. Change the "${key}" filter or leave it out.`;
  }
  return null;
}
