/**
 * `registry-list`: the whole catalog, page by page, in a stable order.
 *
 * @module
 */
import { z } from "zod";
import { checkFilterValues, filterShape, pickFilters } from "../registry/filters.ts";
import { EntrySummarySchema, renderLine, summarize } from "../registry/entry_summary.ts";
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
    "Page through the catalog of MCP servers (official entries first, then by title), with the " +
    "same filters as registry-find. Pass next_cursor from a page as cursor to get the next one, " +
    "or use offset. To search by need or name, use registry-find instead.",
  input: z.object({
    limit: z.number().int().min(1).max(100).default(20).describe("Entries per page (1-100)."),
    offset: z.number().int().min(0).max(MAX_OFFSET).optional().describe(
      "Skip this many entries (instead of cursor).",
    ),
    cursor: z.string().max(64).optional().describe("next_cursor of the previous page."),
    ...filterShape,
  }).strict(),
  output: z.object({
    total: z.number().int(),
    offset: z.number().int(),
    entries: z.array(EntrySummarySchema),
    next_cursor: z.string().nullable(),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler(args, { catalog }) {
    if (args.cursor !== undefined && args.offset !== undefined) {
      return Promise.resolve(toolError(
        'Invalid arguments for registry-list: give either "cursor" or "offset", not both.',
      ));
    }
    let offset = args.offset ?? 0;
    const filters = pickFilters(args);
    const index = catalog.index;
    const filterMark = fingerprint(JSON.stringify(Object.entries(filters).sort()));
    if (args.cursor !== undefined) {
      const decoded = decodeCursor(args.cursor);
      if (decoded === null) {
        return Promise.resolve(toolError(
          'Invalid arguments for registry-list: "cursor" is not a cursor this tool gave out. ' +
            "Pass next_cursor from the previous page unchanged, or leave it out to start over.",
        ));
      }
      if (decoded.filters !== filterMark) {
        return Promise.resolve(toolError(
          'Invalid arguments for registry-list: this "cursor" belongs to a listing with other ' +
            "filters. Pass the same filters as for the previous page, or start over without cursor.",
        ));
      }
      if (decoded.generation !== index.generation) {
        return Promise.resolve(toolError(
          'The catalog was refreshed since that page, so the "cursor" no longer points at the ' +
            "same place. Call registry-list without cursor to start over.",
        ));
      }
      offset = decoded.offset;
    }
    const problem = checkFilterValues(filters, index);
    if (problem) return Promise.resolve(toolError(problem));
    const { entries, total } = index.list({ filters, offset, limit: args.limit });
    const summaries = entries.map((e) => summarize(e));
    const end = offset + summaries.length;
    const nextCursor = end < total ? encodeCursor(end, index.generation, filterMark) : null;
    const text = summaries.length === 0 ? `No entries at offset ${offset} (${total} in all).` : [
      `Entries ${offset + 1}-${end} of ${total}:`,
      ...summaries.map((s, i) => renderLine(s, offset + i + 1)),
      nextCursor ? `More: call registry-list with cursor "${nextCursor}".` : "That is the end.",
    ].join("\n");
    return Promise.resolve(
      toolResult(text, { total, offset, entries: summaries, next_cursor: nextCursor }),
    );
  },
});
