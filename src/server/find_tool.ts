/**
 * `registry-find`: ranked search over the merged catalog.
 *
 * @module
 */
import { z } from "zod";
import { checkFilterValues, filterShape, markLookupOf, pickFilters } from "../registry/filters.ts";
import { EntryBriefSchema, markedBrief, renderBrief } from "../registry/entry_summary.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";
import { truncate, withoutControls } from "../util/text.ts";

export const MAX_QUERY_LENGTH = 500;

export const findTool = defineTool({
  name: "registry-find",
  title: "Find MCP servers",
  description:
    "Find an MCP server for what the user needs: a task, product, vendor or category in plain " +
    "words (typos ok; empty query browses). Use it when you lack a tool for the job. Details " +
    "of one: registry-list {id}. Then registry-add {id}.",
  input: z.object({
    query: z.string().max(MAX_QUERY_LENGTH),
    limit: z.number().int().min(1).max(50).default(10),
    ...filterShape,
  }).strict(),
  output: z.object({
    query: z.string(),
    total: z.number().int(),
    results: z.array(EntryBriefSchema),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler(args, ctx) {
    const index = ctx.catalog.index;
    const filters = pickFilters(args);
    const problem = checkFilterValues(filters, index);
    if (problem) return Promise.resolve(toolError(problem));
    // The query comes back in the answer: without terminal controls.
    const shown = withoutControls(args.query);
    const marks = ctx.runMarks;
    const { hits, total, browsing } = index.search(shown, {
      filters,
      limit: args.limit,
      marks: markLookupOf(marks),
    });
    const results = hits.map((hit) => markedBrief(hit.entry, marks?.get(hit.entry.id)));
    const query = truncate(shown.trim(), 80);
    const head = browsing
      ? `${query ? `"${query}" has no words to search for, so this is` : "No query:"} the ${
        Object.keys(filters).length === 0 ? "whole" : "filtered"
      } catalog (${total}), official first:`
      : `${total} match "${query}"; the best ${results.length}:`;
    const text = results.length === 0
      ? `No MCP server matches${query ? ` "${query}"` : ""}${
        Object.keys(filters).length ? " with these filters" : ""
      }. Try fewer or other words, or drop a filter.`
      : [head, ...results.map((r, i) => renderBrief(r, i + 1))].join("\n");
    return Promise.resolve(toolResult(text, { query: shown, total, results }));
  },
});
