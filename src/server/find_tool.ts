/**
 * `registry-find`: ranked search over the merged catalog.
 *
 * @module
 */
import { z } from "zod";
import { checkFilterValues, filterShape, pickFilters } from "../registry/filters.ts";
import { EntrySummarySchema, renderLine, summarize } from "../registry/entry_summary.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";
import { truncate, withoutControls } from "../util/text.ts";

export const MAX_QUERY_LENGTH = 500;

export const findTool = defineTool({
  name: "registry-find",
  title: "Find MCP servers",
  description:
    'Search the catalog of MCP servers by what you need: a product or server name ("github", ' +
    '"postgres"), a task ("work with my github issues", "web scraping"), a category, a ' +
    "vendor or a tool name. Typos are tolerated. Returns the best matches first, each with its " +
    "id, description, tools, launch method and whether it needs an API key. Narrow with filters " +
    "(source, category, tag, official, featured, requires_api_key, launch_method). An empty " +
    "query browses the filtered catalog. Next step: start the best result with registry-add " +
    "{id} (it says which API keys it needs, if any), then call its tools directly or through " +
    "registry-exec. registry-list pages through everything.",
  input: z.object({
    query: z.string().max(MAX_QUERY_LENGTH).describe(
      "What you are looking for, in plain words. Empty to browse.",
    ),
    limit: z.number().int().min(1).max(50).default(10).describe("How many results (1-50)."),
    ...filterShape,
  }).strict(),
  output: z.object({
    query: z.string(),
    total: z.number().int().describe("How many entries match, before the limit."),
    results: z.array(EntrySummarySchema),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler(args, { catalog }) {
    const index = catalog.index;
    const filters = pickFilters(args);
    const problem = checkFilterValues(filters, index);
    if (problem) return Promise.resolve(toolError(problem));
    // The query comes back in the answer: without terminal controls (also for the web page,
    // which calls this handler directly).
    const shown = withoutControls(args.query);
    const { hits, total, browsing } = index.search(shown, { filters, limit: args.limit });
    const results = hits.map((hit) => summarize(hit.entry, hit.score));
    const query = truncate(shown.trim(), 80);
    const head = browsing
      ? `${query ? `"${query}" has no words to search for, so this is` : "No query:"} the ${
        Object.keys(filters).length === 0 ? "whole" : "filtered"
      } catalog (${total} servers), official first:`
      : `${total} servers match "${query}"; the ${results.length} best:`;
    const text = results.length === 0
      ? `No MCP server matches${query ? ` "${query}"` : ""}${
        Object.keys(filters).length ? " with these filters" : ""
      }. Try fewer or other words, or drop a filter.`
      : [head, ...results.map((r, i) => renderLine(r, i + 1))].join("\n");
    return Promise.resolve(toolResult(text, { query: shown, total, results }));
  },
});
