/**
 * `registry-list`: the whole catalog, page by page, in a stable order.
 *
 * @module
 */
import { z } from "zod";
import {
  bareFilterShape,
  checkFilterValues,
  markLookupOf,
  pickFilters,
} from "../registry/filters.ts";
import {
  EntryBriefSchema,
  markedBrief,
  renderBrief,
  renderLine,
  summarize,
} from "../registry/entry_summary.ts";
import { lookupEntry } from "../registry/ids.ts";
import type { CatalogIndex, SearchFilters } from "../search/catalog_index.ts";
import type { CallToolResult } from "../mcp/sdk.ts";
import type { RunMark } from "../store/run_marks.ts";
import { truncate } from "../util/text.ts";
import { fingerprint } from "../util/fingerprint.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";

const MAX_OFFSET = 1_000_000;

/**
 * Cursors are opaque to agents: the offset, the catalog generation and a fingerprint of the
 * filters, in base64. A cursor from another catalog (a refresh swapped it) or from other
 * filters would skip or repeat entries, so it is refused rather than followed.
 */
function encodeCursor(offset: number, generation: string, filters: string): string {
  return btoa(`o${offset}.${generation}.${filters}`).replace(/=+$/, "");
}

function decodeCursor(
  cursor: string,
): { offset: number; generation: string; filters: string } | null {
  try {
    const match = atob(cursor).match(/^o(\d{1,7})\.([0-9a-f]{8})\.([0-9a-f]{8})$/);
    if (!match || Number(match[1]) > MAX_OFFSET) return null;
    return { offset: Number(match[1]), generation: match[2]!, filters: match[3]! };
  } catch {
    return null;
  }
}

export const listTool = defineTool({
  name: "registry-list",
  title: "List the MCP server catalog",
  description:
    "One entry in full with {id} (all fields, its tools and what they do), or the catalog " +
    "page by page (official first; pass next_cursor as cursor). Filters as in registry-find.",
  input: z.object({
    id: z.string().trim().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(100).default(20),
    offset: z.number().int().min(0).max(MAX_OFFSET).optional(),
    cursor: z.string().max(64).optional(),
    ...bareFilterShape,
  }).strict(),
  output: z.object({
    total: z.number().int(),
    offset: z.number().int(),
    entries: z.array(EntryBriefSchema),
    next_cursor: z.string().nullable(),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler(args, ctx) {
    const marks = ctx.runMarks;
    if (args.id !== undefined) return Promise.resolve(detail(args.id, ctx.catalog.index, marks));
    return Promise.resolve(page(args, ctx.catalog.index, marks));
  },
});

/** One entry in full: its summary and its tools with the first line of each description. */
function detail(id: string, index: CatalogIndex, marks: RunMarks | undefined): CallToolResult {
  const entry = lookupEntry(index, id);
  if (typeof entry === "string") return toolError(entry);
  const summary = summarize(entry, 0, marks?.get(entry.id));
  const tools = entry.tools.map((t) => ({
    name: t.name,
    description: truncate(t.description.split("\n")[0]!.trim(), 120),
  }));
  const text = [
    renderLine(summary, 1).replace(/^1\. /, ""),
    summary.description,
    ...tools.map((t) => `- ${t.name}: ${t.description}`),
  ].join("\n");
  return toolResult(text, { entry: { ...summary, tools } });
}

type PageArgs = SearchFilters & { limit: number; offset?: number; cursor?: string };

/** What running servers taught (`ToolContext.runMarks`). */
type RunMarks = { get(id: string): RunMark | undefined; all(): ReadonlyMap<string, RunMark> };

function page(args: PageArgs, index: CatalogIndex, marks: RunMarks | undefined): CallToolResult {
  if (args.cursor !== undefined && args.offset !== undefined) {
    return toolError(
      'Invalid arguments for registry-list: give either "cursor" or "offset", not both.',
    );
  }
  let offset = args.offset ?? 0;
  const filters = pickFilters(args);
  const filterMark = fingerprint(JSON.stringify(Object.entries(filters).sort()));
  if (args.cursor !== undefined) {
    const decoded = decodeCursor(args.cursor);
    if (decoded === null) {
      return toolError(
        'Invalid arguments for registry-list: "cursor" is not a cursor this tool gave out. ' +
          "Pass next_cursor from the previous page unchanged, or leave it out to start over.",
      );
    }
    if (decoded.filters !== filterMark) {
      return toolError(
        'Invalid arguments for registry-list: this "cursor" belongs to a listing with other ' +
          "filters. Pass the same filters as for the previous page, or start over without cursor.",
      );
    }
    if (decoded.generation !== index.generation) {
      return toolError(
        'The catalog was refreshed since that page, so the "cursor" no longer points at the ' +
          "same place. Call registry-list without cursor to start over.",
      );
    }
    offset = decoded.offset;
  }
  const problem = checkFilterValues(filters, index);
  if (problem) return toolError(problem);
  const { entries, total } = index.list({
    filters,
    offset,
    limit: args.limit,
    marks: markLookupOf(marks),
  });
  const summaries = entries.map((entry) => markedBrief(entry, marks?.get(entry.id)));
  const end = offset + summaries.length;
  const nextCursor = end < total ? encodeCursor(end, index.generation, filterMark) : null;
  const text = summaries.length === 0 ? `No entries at offset ${offset} (${total} in all).` : [
    `Entries ${offset + 1}-${end} of ${total}:`,
    ...summaries.map((s, i) => renderBrief(s, offset + i + 1)),
    nextCursor ? `More: call registry-list with cursor "${nextCursor}".` : "That is the end.",
  ].join("\n");
  return toolResult(text, { total, offset, entries: summaries, next_cursor: nextCursor });
}
