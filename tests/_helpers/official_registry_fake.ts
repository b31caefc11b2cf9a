/**
 * A fake of the official MCP registry's list API on 127.0.0.1, serving rows built from the real
 * registry data in `tests/fixtures/official-registry/`, with the real paging and filter
 * rules of `GET /v0.1/servers` and failures a test can switch on.
 *
 * @module
 */
import { OFFICIAL_FIXTURES } from "./fixtures.ts";

/** The registry's facts on one row (`_meta["io.modelcontextprotocol.registry/official"]`). */
export interface FakeMeta {
  status: "active" | "deprecated" | "deleted";
  isLatest: boolean;
  publishedAt: string;
  updatedAt: string;
  statusChangedAt?: string;
}

/** One row: a server document with its `_meta`, or (no `meta`) an old record served bare. */
export interface FakeRow {
  server: Record<string, unknown>;
  meta?: FakeMeta;
}

/** A failure for one page; `times` answers fail, then the page answers well. */
export interface FakeFailure {
  /** Answer with this HTTP status. */
  status?: number;
  /** Sent with `status`. */
  retryAfter?: string;
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Answer 200 with the JSON cut in half. */
  truncate?: boolean;
  /** @default Infinity */
  times?: number;
}

/** Options for {@linkcode startOfficialRegistryFake}. */
export interface OfficialRegistryFakeOptions {
  servers: FakeRow[];
  /** Wait before each answer. @default 0 */
  pageDelayMs?: number;
  /** Failures by page number (1 is the page asked for without a cursor). */
  failPages?: Record<number, FakeFailure>;
  /** Every full page names the same `nextCursor`, as a broken registry would. */
  loopCursor?: boolean;
}

/** A running fake. */
export interface OfficialRegistryFake extends AsyncDisposable {
  /** The base URL, as `MCP_REGISTRY_OFFICIAL_URL` would hold it. */
  url: string;
  /** Every request, in order. */
  requests: URL[];
  /** Replaces the rows served from now on. */
  setServers(rows: FakeRow[]): void;
  /** Makes `page` (every page when absent) fail from now on, as `failPages` would. */
  fail(failure: FakeFailure, page?: number): void;
}

const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 100;

/** Starts the fake on a free port of 127.0.0.1. */
export function startOfficialRegistryFake(
  options: OfficialRegistryFakeOptions,
): OfficialRegistryFake {
  const { pageDelayMs = 0, loopCursor = false } = options;
  const failPages: Record<number, FakeFailure> = { ...options.failPages };
  let failEveryPage: FakeFailure | null = null;
  let rows = sortRows(options.servers);
  const requests: URL[] = [];
  const failuresLeft = new Map(
    Object.entries(failPages).map(([page, f]) => [Number(page), f.times ?? Infinity]),
  );
  const closing = new AbortController();

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    requests.push(url);
    if (req.method !== "GET" || url.pathname !== "/v0.1/servers") {
      return Response.json({ error: "Not found" }, { status: 404 });
    }
    const query = url.searchParams;
    const limitText = query.get("limit");
    const limit = limitText === null
      ? DEFAULT_LIMIT
      : Math.min(MAX_LIMIT, Math.max(1, Number.parseInt(limitText, 10) || DEFAULT_LIMIT));
    const since = query.get("updated_since");
    const includeDeleted = since !== null || query.get("include_deleted") === "true";
    const version = query.get("version");
    let selected = rows.filter((row) => {
      const meta = metaOf(row);
      if (!includeDeleted && meta.status === "deleted") return false;
      if (since !== null && !(Date.parse(meta.updatedAt) > Date.parse(since))) return false;
      // Bare old records are served as the registry of their time did: it knew no `version`.
      if (!row.meta) return true;
      if (version === "latest") return meta.isLatest;
      if (version !== null) return versionOf(row) === version;
      return true;
    });
    const matching = selected;
    const cursor = query.get("cursor");
    let page = 1;
    if (cursor) {
      const colon = cursor.indexOf(":");
      const after = [cursor.slice(0, colon), cursor.slice(colon + 1)] as const;
      const before = selected.length;
      selected = selected.filter((row) => compareKey(keyOf(row), after) > 0);
      page = Math.floor((before - selected.length) / limit) + 1;
    }
    const items = selected.slice(0, limit);

    if (pageDelayMs > 0) await delay(pageDelayMs, closing.signal);
    const failure = failEveryPage ?? failPages[page];
    const left = failEveryPage ? Infinity : failuresLeft.get(page) ?? 0;
    if (failure && left > 0) {
      failuresLeft.set(page, left - 1);
      if (failure.hang) {
        // Held until the fake closes (the client gives up long before).
        await untilAborted(closing.signal);
        return new Response(null, { status: 504 });
      }
      if (failure.status !== undefined) {
        const headers = new Headers({ "content-type": "application/json" });
        if (failure.retryAfter !== undefined) headers.set("retry-after", failure.retryAfter);
        return new Response(JSON.stringify({ error: `status ${failure.status}` }), {
          status: failure.status,
          headers,
        });
      }
    }
    const body: Record<string, unknown> = {
      servers: items.map((row) => row.meta ? envelope(row) : row.server),
      metadata: { count: items.length },
    };
    if (items.length === limit && items.length > 0) {
      const last = keyOf(loopCursor ? matching[limit - 1]! : items.at(-1)!);
      (body.metadata as Record<string, unknown>).nextCursor = `${last[0]}:${last[1]}`;
    }
    const text = JSON.stringify(body);
    if (failure?.truncate && left > 0) {
      return new Response(text.slice(0, Math.floor(text.length / 2)), {
        headers: { "content-type": "application/json" },
      });
    }
    return new Response(text, { headers: { "content-type": "application/json" } });
  });

  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    setServers(next) {
      rows = sortRows(next);
    },
    fail(failure, page) {
      if (page === undefined) failEveryPage = failure;
      else {
        failPages[page] = failure;
        failuresLeft.set(page, failure.times ?? Infinity);
      }
    },
    async [Symbol.asyncDispose]() {
      closing.abort();
      await server.shutdown();
    },
  };
}

/** A row in the envelope, with the meta a test gives (active, latest, one fixed time by default). */
export function officialRow(
  server: Record<string, unknown>,
  meta: Partial<FakeMeta> = {},
): FakeRow {
  const updatedAt = meta.updatedAt ?? "2025-10-01T00:00:00Z";
  return {
    server,
    meta: {
      status: "active",
      isLatest: true,
      publishedAt: updatedAt,
      statusChangedAt: updatedAt,
      ...meta,
      updatedAt,
    },
  };
}

/** One fixture file, parsed. */
export function readFixture<T = unknown>(path: string): T {
  return JSON.parse(Deno.readTextFileSync(`${OFFICIAL_FIXTURES}/${path}`));
}

/**
 * The 358 servers of the last large camelCase seed (`data/seed.b21c6f5.json`), each active and
 * latest, with `updatedAt` one second apart from `start` in file order.
 */
export function camelCaseRows(start = "2025-09-29T00:00:00Z"): FakeRow[] {
  const servers = readFixture<Record<string, unknown>[]>("data/seed.b21c6f5.json");
  const base = Date.parse(start);
  return servers.map((server, index) =>
    officialRow(server, { updatedAt: new Date(base + index * 1000).toISOString() })
  );
}

/**
 * The current seed (`data/seed.json`): airtable-mcp-server at 1.7.2 (no longer latest) and
 * 1.7.3 (latest), and two single-version servers.
 */
export function multiVersionRows(start = "2025-12-12T00:00:00Z"): FakeRow[] {
  const servers = readFixture<Record<string, unknown>[]>("data/seed.json");
  const base = Date.parse(start);
  return servers.map((server, index) => {
    const later = servers.slice(index + 1).some((s) => s.name === server.name);
    return officialRow(server, {
      isLatest: !later,
      updatedAt: new Date(base + index * 1000).toISOString(),
    });
  });
}

/** The 471 records of the 2025-05-16 seed, in the old snake_case layout, served bare. */
export function snakeCaseRows(): FakeRow[] {
  return readFixture<Record<string, unknown>[]>("seed_2025_05_16.json").map((server) => ({
    server,
  }));
}

function envelope(row: FakeRow): Record<string, unknown> {
  return {
    server: row.server,
    _meta: { "io.modelcontextprotocol.registry/official": row.meta },
  };
}

function metaOf(row: FakeRow): FakeMeta {
  if (row.meta) return row.meta;
  const detail = (row.server.version_detail ?? {}) as Record<string, unknown>;
  const released = typeof detail.release_date === "string" ? detail.release_date : "";
  return {
    status: "active",
    isLatest: detail.is_latest !== false,
    publishedAt: released,
    updatedAt: released,
  };
}

function versionOf(row: FakeRow): string {
  if (typeof row.server.version === "string") return row.server.version;
  const detail = (row.server.version_detail ?? {}) as Record<string, unknown>;
  return typeof detail.version === "string" ? detail.version : "";
}

function keyOf(row: FakeRow): readonly [string, string] {
  return [typeof row.server.name === "string" ? row.server.name : "", versionOf(row)];
}

/** Byte order, as the registry's database compares its text keys. */
function compareKey(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

function sortRows(rows: readonly FakeRow[]): FakeRow[] {
  return [...rows].sort((a, b) => compareKey(keyOf(a), keyOf(b)));
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
