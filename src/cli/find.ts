/**
 * `mcp-registry find <query>` and `mcp-registry list`: the catalog as `registry-find` and
 * `registry-list` show it to an agent, with the same ranking and filters.
 *
 * @module
 */
import { LAUNCH_METHODS, type LaunchMethod } from "../catalog/entry.ts";
import { type SearchFilters, STARTABLE, type Startable } from "../search/catalog_index.ts";
import { checkFilterValues, markLookupOf } from "../registry/filters.ts";
import { type EntrySummary, renderLine, summarize } from "../registry/entry_summary.ts";
import { shellWord } from "./client_config.ts";
import type { Command } from "./command.ts";
import { clip, emit, EXIT, oneLine, parseCommand, textWidth, UsageError, wrap } from "./_io.ts";
import { openSession } from "./_session.ts";

const FILTER_OPTIONS = {
  source: { type: "string" },
  category: { type: "string" },
  tag: { type: "string" },
  official: { type: "boolean" },
  featured: { type: "boolean" },
  "no-api-key": { type: "boolean" },
  "launch-method": { type: "string" },
  startable: { type: "string" },
  limit: { type: "string" },
} as const;

const FILTER_HELP = `Filters:
  --source <name>          docker, official, mcpservers, awesome or local
  --category <name>        e.g. database
  --tag <name>             e.g. github
  --official               only official servers
  --featured               only featured (sponsored) entries
  --no-api-key             only servers that need no API key or token
  --launch-method <m>      ${LAUNCH_METHODS.join(", ")}
  --startable <when>       now: starts as it is (image, package, remote); after-build: built
                           from its repository first; either skips what failed here before
  --limit <n>              how many (find: 1-50, default 10; list: 1-1000, default 50)
  --json                   JSON for scripts`;

export const findCommand: Command = {
  name: "find",
  usage: `Usage: mcp-registry find <words...> [filters]

Ranked search over the catalog, the same as the registry-find tool: plain words, typos are fine.

${FILTER_HELP}

Exit codes: 0 found something, 3 nothing matched, 2 bad arguments.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, FILTER_OPTIONS);
    const query = positionals.join(" ").trim();
    if (!query) throw new UsageError("give words to search for", { usage: true });
    const limit = readLimit(values.limit, 10, 50);
    await using session = await openSession();
    const index = session.catalog.index;
    const filters = readFilters(values);
    const problem = checkFilterValues(filters, index);
    if (problem) throw new UsageError(problem.replace(/Change the "(\w+)" filter/, "Change --$1"));
    const { runMarks } = session.stores;
    const results = index.search(query, { filters, limit, marks: markLookupOf(runMarks) });
    const summaries = results.hits.map((h) =>
      summarize(h.entry, h.score, runMarks.get(h.entry.id))
    );
    emit(
      out,
      values.json === true,
      { query, total: results.total, results: summaries },
      () =>
        summaries.length === 0
          ? `Nothing matches "${clip(query)}". Try other words, fewer filters, or ` +
            "mcp-registry list."
          : [
            `${results.total} match${results.total === 1 ? "" : "es"}` +
            (results.total > summaries.length ? `; the best ${summaries.length}:` : ":"),
            ...summaries.map((s, i) => humanLine(s, i + 1)),
            "",
            "mcp-registry show <id> for details; mcp-registry add <id> to run one.",
          ].join("\n"),
    );
    return summaries.length === 0 ? EXIT.notFound : EXIT.ok;
  },
};

export const listCommand: Command = {
  name: "list",
  usage: `Usage: mcp-registry list [filters] [--offset <n>]

The catalog in browsing order (startable and official servers first), the same as registry-list.

${FILTER_HELP}
  --offset <n>             skip the first n entries

Exit codes: 0 listed, 3 nothing matches the filters, 2 bad arguments.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(
      args,
      { ...FILTER_OPTIONS, offset: { type: "string" } },
    );
    if (positionals.length > 0) {
      throw new UsageError(
        `list takes no words ("${clip(positionals[0]!, 40)}"); search with mcp-registry find ${
          positionals.length === 1 ? clip(positionals[0]!, 40) : "<words>"
        }`,
      );
    }
    const limit = readLimit(values.limit, 50, 1000);
    const offset = readNumber(values.offset, "offset", 0, 0, 1_000_000);
    await using session = await openSession();
    const index = session.catalog.index;
    const filters = readFilters(values);
    const problem = checkFilterValues(filters, index);
    if (problem) throw new UsageError(problem.replace(/Change the "(\w+)" filter/, "Change --$1"));
    const { runMarks } = session.stores;
    const page = index.list({ filters, offset, limit, marks: markLookupOf(runMarks) });
    if (offset > 0 && offset >= page.total) {
      throw new UsageError(
        `--offset ${offset} is past the end: ${page.total} server${
          page.total === 1 ? "" : "s"
        } match${page.total === 1 ? "es" : ""}` +
          (page.total ? ` (give --offset 0 to ${page.total - 1})` : ""),
      );
    }
    const summaries = page.entries.map((e) => summarize(e, 0, runMarks.get(e.id)));
    const next = offset + summaries.length;
    emit(
      out,
      values.json === true,
      { total: page.total, offset, entries: summaries },
      () =>
        page.total === 0
          ? "No server matches these filters. Try fewer filters, or mcp-registry find <words>."
          : [
            `${page.total} server${page.total === 1 ? "" : "s"}; ${offset + 1}-${next}:`,
            ...summaries.map((s, i) => humanLine(s, offset + i + 1)),
            ...(next < page.total ? ["", `More: ${listCommandLine(values, next)}`] : []),
          ].join("\n"),
    );
    return page.total === 0 ? EXIT.notFound : EXIT.ok;
  },
};

/**
 * One result for people: `N. id: Title [marks]` as registry-find shows it, and the description
 * on the next line, on one line of its own, cut to the width.
 */
export function humanLine(summary: EntrySummary, position: number, width = textWidth()): string {
  const head = wrap(renderLine({ ...summary, description: "" }, position), {
    width,
    first: "",
    indent: "   ",
  });
  const description = oneLine(summary.description);
  return description ? `${head}\n   ${clip(description, width - 3)}` : head;
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** The list command that shows the next page: the same filters and limit, the next offset. */
function listCommandLine(values: Values, offset: number): string {
  const words = ["mcp-registry", "list"];
  for (const [name, value] of Object.entries(values)) {
    if (name === "offset" || name === "json" || name === "help") continue;
    if (value === true) words.push(`--${name}`);
    else if (typeof value === "string") words.push(`--${name}`, shellWord(value));
  }
  return [...words, "--offset", String(offset)].join(" ");
}

function readFilters(values: Values): SearchFilters {
  const filters: SearchFilters = {};
  for (const key of ["source", "category", "tag"] as const) {
    const value = values[key];
    if (typeof value !== "string") continue;
    if (value.length > 100) {
      throw new UsageError(`--${key} "${clip(value, 40)}" is too long for a ${key} name`);
    }
    filters[key] = value.trim();
  }
  if (values.official === true) filters.official = true;
  if (values.featured === true) filters.featured = true;
  if (values["no-api-key"] === true) filters.requires_api_key = false;
  const method = values["launch-method"];
  if (typeof method === "string") {
    if (!(LAUNCH_METHODS as readonly string[]).includes(method)) {
      throw new UsageError(
        `--launch-method "${clip(method, 40)}" is none of ${LAUNCH_METHODS.join(", ")}`,
      );
    }
    filters.launch_method = method as LaunchMethod;
  }
  const startable = values.startable;
  if (typeof startable === "string") {
    if (!(STARTABLE as readonly string[]).includes(startable)) {
      throw new UsageError(
        `--startable "${clip(startable, 40)}" is none of ${STARTABLE.join(", ")}`,
      );
    }
    filters.startable = startable as Startable;
  }
  return filters;
}

function readLimit(raw: Values[string], fallback: number, max: number): number {
  return readNumber(raw, "limit", fallback, 1, max);
}

function readNumber(
  raw: Values[string],
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(
      `--${name} "${clip(String(raw), 40)}" is not a whole number from ${min} to ${max}`,
    );
  }
  return value;
}
