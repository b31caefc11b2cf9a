/**
 * `registry-list`: the whole catalog, page by page, in a stable order.
 *
 * @module
 */
import { z } from "zod";
import { checkFilterValues, filterShape, pickFilters } from "./_filters.ts";
import { EntrySummarySchema, renderLine, summarize } from "./_entry_summary.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";

const MAX_OFFSET = 1_000_000;

/** Cursors are opaque to agents: `o<offset>` in base64url. */
function encodeCursor(offset: number): string {
  return btoa(`o${offset}`).replace(/=+$/, "");
}

function decodeCursor(cursor: string): number | null {
  try {
    const match = atob(cursor).match(/^o(\d{1,7})$/);
    return match && Number(match[1]) <= MAX_OFFSET ? Number(match[1]) : null;
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
    if (args.cursor !== undefined) {
      const decoded = decodeCursor(args.cursor);
      if (decoded === null) {
        return Promise.resolve(toolError(
          'Invalid arguments for registry-list: "cursor" is not a cursor this tool gave out. ' +
            "Pass next_cursor from the previous page unchanged, or leave it out to start over.",
        ));
      }
      offset = decoded;
    }
    const filters = pickFilters(args);
    const problem = checkFilterValues(filters, catalog.index);
    if (problem) return Promise.resolve(toolError(problem));
    const { entries, total } = catalog.index.list({ filters, offset, limit: args.limit });
    const summaries = entries.map((e) => summarize(e));
    const end = offset + summaries.length;
    const nextCursor = end < total ? encodeCursor(end) : null;
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
