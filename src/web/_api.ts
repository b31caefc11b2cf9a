/**
 * The web page's JSON API: what the page reads (catalog search with facet counts, an entry's
 * detail, the active servers, the sources) and what it changes (add, remove, restart, settings,
 * refresh). Changes go through the registry tools' own handlers, so the page follows exactly
 * the rules agents do, and agents hear of them (`tools/list_changed`) as of their own.
 *
 * @module
 */
import { markLookupOf } from "../registry/filters.ts";
import { z } from "zod";
import type { Registry } from "../registry/context.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { redactUrl } from "../util/redact_url.ts";
import { secretMasker } from "../util/mask.ts";
import type { ActiveInfo } from "../proxy/active_servers.ts";
import { configKeys, missingConfig } from "../runtime/launch_spec.ts";
import type { IndexedEntry, SearchFilters } from "../search/catalog_index.ts";
import { buildSpecOf } from "../registry/build_flow.ts";
import { type ConfigItem, configView } from "../registry/config_view.ts";
import { type EntrySummary, summarize } from "../registry/entry_summary.ts";
import { checkFilterValues, filterShape, pickFilters } from "../registry/filters.ts";
import { lookupEntry } from "../registry/ids.ts";
import { addTool } from "../server/add_tool.ts";
import { configSetTool } from "../server/config_set_tool.ts";
import { MAX_QUERY_LENGTH } from "../server/find_tool.ts";
import { refreshTool } from "../server/refresh_tool.ts";
import { removeTool } from "../server/remove_tool.ts";
import {
  type CallInfo,
  describeInvalidArguments,
  QUIET_CALL,
  type RegistryTool,
} from "../server/tool.ts";

/** An API answer: an HTTP status and a JSON body. */
export interface ApiResult {
  status: number;
  body: unknown;
}

/** Progress of something the page started (a server starting, a source refreshing). */
export interface ProgressEvent {
  kind: "add" | "refresh";
  /** The server id or the source name. */
  id: string;
  message: string;
  done?: number;
  total?: number;
}

const ok = (body: unknown): ApiResult => ({ status: 200, body });
const fail = (status: number, error: string): ApiResult => ({ status, body: { error } });

/** Results per page at most (as `registry-find`). */
const MAX_PAGE = 50;
/** How deep paging of a ranked search goes. */
const MAX_OFFSET = 1_000;
/** How many tags the tag facet lists. */
const TOP_TAGS = 30;
/** How many stderr lines the page shows per server. */
const STDERR_LINES = 30;

const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const SearchParamsSchema = z.object({
  q: z.string().max(MAX_QUERY_LENGTH).default(""),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
  ...filterShape,
  official: flag.optional(),
  featured: flag.optional(),
  requires_api_key: flag.optional(),
}).strict();

/** The facets the page counts, in the order it shows them. */
const FACETS = [
  "source",
  "category",
  "launch_method",
  "official",
  "requires_api_key",
  "tag",
] as const;
type Facet = typeof FACETS[number];

/** One value of a facet and how many results would have it. */
export interface FacetCount {
  value: string;
  count: number;
}

/**
 * `GET /api/catalog`: the ranked search `registry-find` does (an empty query browses), a page
 * of it, and for each facet the count per value among the results with every other filter.
 */
export function searchCatalog(registry: Registry, params: URLSearchParams): ApiResult {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (value !== "") raw[key] = value;
  }
  const parsed = SearchParamsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.code === "unrecognized_keys"
      ? `unknown parameter ${issue.keys.map((k) => `"${k.slice(0, 40)}"`).join(", ")}`
      : `"${issue.path.join(".")}": ${issue.message}`;
    return fail(400, `Invalid search: ${where}`);
  }
  const { q, offset, limit } = parsed.data;
  const index = registry.catalog.index;
  const filters = pickFilters(parsed.data);
  const problem = checkFilterValues(filters, index);
  if (problem) return fail(400, problem);
  const marks = registry.context.runMarks;
  const found = index.search(q, { filters, limit: offset + limit, marks: markLookupOf(marks) });
  const results: EntrySummary[] = found.hits.slice(offset)
    .map((h) => summarize(h.entry, h.score, marks?.get(h.entry.id)));
  const facets = {} as Record<Facet, FacetCount[]>;
  for (const facet of FACETS) {
    const others: SearchFilters = { ...filters };
    delete others[facet];
    facets[facet] = countValues(index.matching(q, { filters: others }), facet, filters[facet]);
  }
  return ok({
    query: q,
    total: found.total,
    offset,
    limit,
    browsing: found.browsing,
    catalog_entries: index.size,
    filters,
    results,
    facets,
  });
}

function countValues(
  entries: readonly IndexedEntry[],
  facet: Facet,
  selected: unknown,
): FacetCount[] {
  const counts = new Map<string, number>();
  const bump = (value: string) => counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const entry of entries) {
    switch (facet) {
      case "source":
        entry.sources.forEach(bump);
        break;
      case "category":
        entry.categories.forEach(bump);
        break;
      case "tag":
        entry.tags.forEach(bump);
        break;
      case "launch_method":
        bump(entry.launch_method);
        break;
      case "official":
      case "requires_api_key":
        bump(String(entry[facet]));
        break;
    }
  }
  if (selected !== undefined && !counts.has(String(selected).toLowerCase())) {
    counts.set(String(selected).toLowerCase(), 0);
  }
  const list = [...counts].map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, "en"));
  if (facet !== "tag") return list;
  const top = list.slice(0, TOP_TAGS);
  const chosen = list.find((f) => f.value === String(selected ?? "").toLowerCase());
  return chosen && !top.includes(chosen) ? [...top, chosen] : top;
}

/** A declared setting as the page shows it: masked, with the input it takes. */
export interface ConfigField extends ConfigItem {
  /** The JSON Schema type of a parameter (`string`, `array`, ...); null for secrets and env. */
  type: string | null;
}

/** `GET /api/entries/<id>`: everything the page shows about one entry. */
export async function entryDetail(registry: Registry, id: string): Promise<ApiResult> {
  const entry = lookupEntry(registry.catalog.index, id);
  if (typeof entry === "string") return fail(404, entry);
  const config = await registry.context.configs.get(entry.id);
  // A parameter named like a credential is a secret: no type, a masked field like any secret.
  const types = new Map(
    configKeys(entry).map((k) => [
      k.key,
      k.kind === "parameter" && typeof k.schema?.type === "string" ? k.schema.type : null,
    ]),
  );
  const fields: ConfigField[] = configView(entry, config).map((item) => ({
    ...item,
    type: types.get(item.key) ?? null,
  }));
  const active = (await activeServers(registry)).find((a) => a.id === entry.id) ?? null;
  // A running server knows its tools even when the catalog lists none (most do not).
  const upstream = active?.state === "running"
    ? registry.context.active.upstreamOf(entry.id)
    : undefined;
  const mask = secretMasker(await storedSecrets(registry.context.configs, entry.id));
  return ok({
    ...summarize(entry, 0, registry.context.runMarks?.get(entry.id)),
    description: entry.description,
    homepage: entry.homepage,
    repo_subfolder: entry.repo_subfolder,
    links: Object.entries(entry.links).map(([source, url]) => ({ source, url })),
    aliases: entry.aliases,
    launch: {
      method: entry.launch_method,
      image: entry.container_image,
      package: entry.run.package ?? null,
      /** Run from its repository: the repository (credentials masked), commit and folder. */
      build: buildOf(entry),
      remote: entry.remote ? { url: entry.remote.url, transport: entry.remote.transport } : null,
    },
    tool_details: entry.tools.map((t) => ({ name: t.name, description: t.description })),
    running_tools: upstream
      ? upstream.tools.map((t) => ({ name: t.name, description: mask(t.description ?? "") }))
      : null,
    dynamic_tools: entry.dynamic_tools,
    config_description: entry.config.description ?? null,
    config: fields,
    missing: missingConfig(entry, config).map((k) => k.key),
    active,
    warnings: entry.warnings,
    last_refreshed: entry.last_refreshed,
  });
}

/** Where a repository entry's code comes from, as the page shows it; null for other entries. */
function buildOf(entry: CatalogEntry) {
  const spec = buildSpecOf(entry);
  return spec
    ? { repo: redactUrl(spec.repo), commit: spec.commit ?? null, directory: spec.directory ?? null }
    : null;
}

/** One active server as the page shows it. */
export interface ActiveView extends ActiveInfo {
  /** The last lines it wrote to stderr, secrets masked. */
  stderr: string[];
}

/**
 * The active servers, as `registry-active` reports them, with the tail of their stderr. Both
 * are masked where they are made; the server's current secrets are masked here once more, in
 * case one was set after it started.
 */
export async function activeServers(registry: Registry): Promise<ActiveView[]> {
  const { active, configs } = registry.context;
  return await Promise.all(
    active.list().map(async (info) => {
      const mask = secretMasker(await storedSecrets(configs, info.id));
      const stderr = active.upstreamOf(info.id)?.stderr.tail(STDERR_LINES) ?? [];
      return {
        ...info,
        last_error: info.last_error === null ? null : mask(info.last_error),
        stderr: stderr.map(mask),
      };
    }),
  );
}

/** `GET /api/sources`: each source as `registry-status` shows it, and its latest progress. */
export function sourcesStatus(registry: Registry, progress: Map<string, ProgressEvent>) {
  return registry.catalog.status().map((s) => ({
    ...s,
    progress: s.refreshing ? progress.get(s.name) ?? null : null,
  }));
}

/**
 * Runs a registry tool as an agent's call would (the same argument checks, the same handler);
 * its structured result is the body, its error text the `error`.
 */
export async function runTool(
  registry: Registry,
  tool: RegistryTool,
  args: Record<string, unknown>,
  call: CallInfo = QUIET_CALL,
): Promise<ApiResult> {
  const parsed = tool.input.safeParse(args);
  if (!parsed.success) return fail(400, describeInvalidArguments(tool, parsed.error));
  await registry.ready;
  // What a server answers (an upstream's error page, its progress) may repeat a secret it was
  // sent: the server's secrets, as stored before and after the call, are masked in the answer.
  const { configs } = registry.context;
  const id = typeof args.id === "string" ? args.id : null;
  const before = id === null ? [] : await storedSecrets(configs, id);
  const early = secretMasker(before);
  const masked: CallInfo = {
    signal: call.signal,
    progress: (step) =>
      call.progress({ ...step, subject: early(step.subject), message: early(step.message) }),
  };
  const result = await tool.handler(parsed.data, registry.context, masked);
  const mask = secretMasker([...before, ...id === null ? [] : await storedSecrets(configs, id)]);
  const text = mask(result.content.map((c) => c.type === "text" ? c.text : "").join("\n"));
  const structured = maskStrings(result.structuredContent ?? {}, mask) as Record<string, unknown>;
  if (result.isError) return { status: 422, body: { error: text, ...structured } };
  return ok({ ...structured, message: text });
}

/** The secrets stored for `id` (none when it has none or they cannot be read). */
async function storedSecrets(configs: Registry["context"]["configs"], id: string) {
  return Object.values((await configs.get(id).catch(() => null))?.secrets ?? {});
}

/** `value` with `mask` applied to every string in it. */
function maskStrings(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === "string") return mask(value);
  if (Array.isArray(value)) return value.map((v) => maskStrings(v, mask));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskStrings(v, mask)]),
    );
  }
  return value;
}

/** A `CallInfo` whose progress goes to `report` as events of `kind` about `id`. */
export function progressCall(
  kind: ProgressEvent["kind"],
  report: (event: ProgressEvent) => void,
): CallInfo {
  return {
    signal: QUIET_CALL.signal,
    progress({ subject, message, done, total }) {
      const event: ProgressEvent = { kind, id: subject, message };
      if (done !== undefined) event.done = done;
      if (total !== undefined) event.total = total;
      try {
        report(event);
      } catch { /* a listener's failure is its own */ }
    },
  };
}

/**
 * `POST /api/active {id, build?}`: `registry-add`. A server built from source answers
 * `status: "needs-build"` with the plan (`build`) and starts nothing; the page shows the plan,
 * and a person's click sends `build: true`.
 */
export function addServer(
  registry: Registry,
  id: string,
  call: CallInfo,
  { build = false }: { build?: boolean } = {},
): Promise<ApiResult> {
  return runTool(registry, addTool, build ? { id, build } : { id }, call);
}

/** `DELETE /api/active/<id>`: `registry-remove`. */
export function removeServer(registry: Registry, id: string): Promise<ApiResult> {
  return runTool(registry, removeTool, { id });
}

/**
 * `POST /api/active/<id>/restart`: a running server is removed and added again with its current
 * settings; one that exited or failed is started again.
 */
export async function restartServer(
  registry: Registry,
  id: string,
  call: CallInfo,
): Promise<ApiResult> {
  const info = registry.context.active.list().find((a) => a.id === id);
  if (!info) return fail(404, `${id.slice(0, 80)} is not active; add it first`);
  if (info.state === "running" || info.state === "starting") {
    const removed = await removeServer(registry, id);
    if (removed.status !== 200) return removed;
  }
  return await addServer(registry, id, call);
}

/** `PUT /api/entries/<id>/config {values}`: `registry-config-set`; secrets come back masked. */
export async function setConfig(
  registry: Registry,
  id: string,
  values: unknown,
): Promise<ApiResult> {
  return await runTool(registry, configSetTool, { id, values });
}

/** `POST /api/sources/<name>/refresh`: `registry-refresh` without waiting; progress as events. */
export function refreshSource(
  registry: Registry,
  name: string,
  call: CallInfo,
): Promise<ApiResult> {
  return runTool(registry, refreshTool, { source: name, wait_seconds: 0 }, call);
}
