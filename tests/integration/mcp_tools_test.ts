/**
 * The registry's MCP tools through the protocol: a real SDK `Client` talks to the registry's
 * server over `InMemoryTransport`, which serves the embedded snapshot of the Docker MCP
 * registry (no network, no refresh).
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { startRegistry } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/util/log.ts";
import { type CallToolResult, McpError } from "../../src/mcp/sdk.ts";
import { Client, InMemoryTransport } from "../../src/mcp/sdk_client.ts";

const SNAPSHOT_SIZE = 328;
const TOOLS = ["registry-find", "registry-list", "registry-status"] as const;
type ToolName = typeof TOOLS[number];
type Args = Record<string, unknown>;

interface Summary {
  id: string;
  categories: string[];
  requires_api_key: boolean;
  launch_method: string;
  [field: string]: unknown;
}
interface FindOutput {
  query: string;
  total: number;
  results: Summary[];
}
interface ListOutput {
  total: number;
  offset: number;
  entries: Summary[];
  next_cursor: string | null;
}

/** A registry in a temp cache dir with a connected client; disposing closes all of it. */
async function openRegistry() {
  const dir = await Deno.makeTempDir({ prefix: "mcp_tools_test_" });
  const config = readConfig({
    MCP_REGISTRY_CACHE_DIR: dir,
    MCP_REGISTRY_DOCKER_REPO: "/nonexistent",
    MCP_REGISTRY_SOURCES: "docker",
    HOME: dir,
  });
  const registry = await startRegistry({ config, refreshOnStart: false, log: silentLogger });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await registry.server.connect(serverSide);
  const client = new Client({ name: "t", version: "1" });
  await client.connect(clientSide);
  // Listing caches each tool's outputSchema: from here on callTool validates structuredContent.
  const { tools } = await client.listTools();
  return {
    client,
    tools,
    async [Symbol.asyncDispose]() {
      await client.close();
      await registry[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function call(client: Client, name: string, args?: unknown): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args as Args }) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

async function find(client: Client, args: Args): Promise<FindOutput> {
  const result = await call(client, "registry-find", args);
  ok(!result.isError, textOf(result));
  ok(textOf(result).length > 0);
  return result.structuredContent as unknown as FindOutput;
}

async function list(client: Client, args: Args): Promise<ListOutput> {
  const result = await call(client, "registry-list", args);
  ok(!result.isError, textOf(result));
  return result.structuredContent as unknown as ListOutput;
}

async function refusal(client: Client, tool: ToolName, args: Args): Promise<string> {
  const result = await call(client, tool, args);
  equal(result.isError, true, `${tool} accepted ${JSON.stringify(args).slice(0, 200)}`);
  return textOf(result);
}

Deno.test("`tools/list` lists the registry's tools, each with schemas and a description", async () => {
  await using r = await openRegistry();
  // Nothing runs yet, so no proxied tools.
  deepEqual(r.tools.map((t) => t.name).sort(), [
    "registry-active",
    "registry-add",
    "registry-code",
    "registry-config-set",
    "registry-exec",
    "registry-find",
    "registry-list",
    "registry-refresh",
    "registry-remove",
    "registry-status",
  ]);
  for (const tool of r.tools) {
    equal(tool.inputSchema.type, "object", tool.name);
    // No output schemas: they cost every client's context and no client acts on them.
    equal(tool.outputSchema, undefined, tool.name);
    ok(tool.description && tool.description.length > 40, tool.name);
  }
});

Deno.test("`registry-find` ranks an exact name first and tolerates typos", async () => {
  await using r = await openRegistry();
  for (const [query, id] of [["slack", "slack"], ["memory", "memory"], ["sqlite", "sqlite"]]) {
    equal((await find(r.client, { query })).results[0]?.id, id, query);
  }
  equal((await find(r.client, { query: "GitHub Official" })).results[0]?.id, "github-official");
  match((await find(r.client, { query: "github" })).results[0]!.id, /github/);
  const slak = await find(r.client, { query: "slak", limit: 3 });
  ok(slak.results.some((e) => e.id === "slack"), JSON.stringify(slak.results.map((e) => e.id)));
});

Deno.test("`registry-find` returns {query, total, results} with short views", async () => {
  await using r = await openRegistry();
  const found = await find(r.client, { query: "database", limit: 5 });
  equal(found.query, "database");
  ok(found.total >= found.results.length && found.results.length === 5);
  for (const entry of found.results) {
    deepEqual(
      Object.keys(entry).filter((k) => k !== "official").sort(),
      ["description", "id", "needs_key", "runs", "title"],
    );
    ok((entry.description as string).length <= 100);
  }
});

Deno.test("`registry-list {id}` gives one entry in full, with its tools", async () => {
  await using r = await openRegistry();
  const result = await r.client.callTool({
    name: "registry-list",
    arguments: { id: "stripe-remote" },
  });
  const { entry } = result.structuredContent as { entry: Summary & { tools: { name: string }[] } };
  equal(entry.id, "stripe-remote");
  for (const field of ["source", "categories", "tags", "requires_api_key", "launch_method"]) {
    ok(field in entry, `entry lacks ${field}`);
  }
  ok(entry.tools.some((t) => t.name === "create_refund"));
  match(await refusal(r.client, "registry-list", { id: "no-such-server" }), /no-such-server/);
});

Deno.test("`registry-find` applies filters before ranking", async () => {
  await using r = await openRegistry();
  const all = await find(r.client, { query: "stripe", limit: 50 });
  equal(all.results[0]?.runs, "podman");
  const remote = await find(r.client, { query: "stripe", limit: 1, launch_method: "remote-http" });
  equal(remote.results.length, 1, "a filtered-out best match must not crowd out the rest");
  equal(remote.total, all.results.filter((e) => e.runs === "remote-http").length);
  const noKey = await find(r.client, { query: "database", limit: 50, requires_api_key: false });
  ok(noKey.results.length > 0 && noKey.results.every((e) => !e.needs_key));
  const keyed = await find(r.client, { query: "database", limit: 50, requires_api_key: true });
  equal(noKey.total + keyed.total, (await find(r.client, { query: "database" })).total);
  const byCategory = await find(r.client, { query: "", category: "Database", limit: 50 });
  ok(byCategory.total > 0);
  for (const { id } of byCategory.results) {
    const full = await r.client.callTool({ name: "registry-list", arguments: { id } });
    ok((full.structuredContent as { entry: Summary }).entry.categories.includes("database"), id);
  }
  equal((await list(r.client, { category: "database" })).total, byCategory.total);
});

Deno.test("`registry-find` refuses an unknown category or source and names the known ones", async () => {
  await using r = await openRegistry();
  const category = await refusal(r.client, "registry-find", { query: "", category: "databse" });
  match(category, /category "databse"/);
  match(category, /known categories: .*\bdatabase\b.*\bdevops\b/);
  match(await refusal(r.client, "registry-find", { query: "x", source: "npm" }), /source.*docker/);
  match(await refusal(r.client, "registry-list", { tag: "githubb" }), /tag "githubb".*github/);
});

Deno.test("`registry-find` with an empty query browses the catalog", async () => {
  await using r = await openRegistry();
  const browse = await find(r.client, { query: "" });
  equal(browse.total, SNAPSHOT_SIZE);
  equal(browse.results.length, 10);
  equal((await find(r.client, { query: "  ", limit: 50 })).results.length, 50);
  equal((await find(r.client, { query: "", limit: 1 })).results.length, 1);
  for (const limit of [0, 51, 2.5, -1]) {
    const message = await refusal(r.client, "registry-find", { query: "", limit });
    match(message, /^Invalid arguments for registry-find: "limit"/);
  }
});

Deno.test("`registry-list` pages through every entry exactly once", async () => {
  await using r = await openRegistry();
  const seen: string[] = [];
  let cursor: string | null | undefined;
  let pages = 0;
  do {
    const page = await list(r.client, cursor ? { limit: 100, cursor } : { limit: 100 });
    equal(page.total, SNAPSHOT_SIZE);
    equal(page.offset, seen.length);
    seen.push(...page.entries.map((e) => e.id));
    cursor = page.next_cursor;
    ok(++pages <= 4, "more pages than entries allow");
  } while (cursor);
  equal(pages, 4);
  equal(cursor, null);
  equal(seen.length, SNAPSHOT_SIZE);
  equal(new Set(seen).size, SNAPSHOT_SIZE);
  const window = await list(r.client, { offset: 150, limit: 7 });
  deepEqual(window.entries.map((e) => e.id), seen.slice(150, 157));
  equal((await list(r.client, { offset: SNAPSHOT_SIZE })).entries.length, 0);
});

Deno.test("`registry-list` refuses cursor with offset, and a cursor it never gave", async () => {
  await using r = await openRegistry();
  const { next_cursor } = await list(r.client, { limit: 5 });
  ok(next_cursor);
  match(
    await refusal(r.client, "registry-list", { cursor: next_cursor, offset: 5 }),
    /"cursor" or "offset", not both/,
  );
  for (const cursor of ["garbage!", "", "bm9wZQ", "../../etc/passwd"]) {
    match(await refusal(r.client, "registry-list", { cursor }), /^Invalid arguments.*"cursor"/);
  }
});

Deno.test("`registry-status` reports the docker source serving the snapshot", async () => {
  await using r = await openRegistry();
  const result = await call(r.client, "registry-status", {});
  ok(!result.isError, textOf(result));
  match(textOf(result), /328 servers/);
  const status = result.structuredContent as {
    version: string;
    catalog_entries: number;
    sources: { name: string; serving: string; entries: number; next_refresh: string }[];
  };
  match(status.version, /^\d+\.\d+\.\d+/);
  equal(status.catalog_entries, SNAPSHOT_SIZE);
  equal(status.sources.length, 1);
  const [docker] = status.sources;
  equal(docker?.name, "docker");
  equal(docker?.serving, "snapshot");
  equal(docker?.entries, SNAPSHOT_SIZE);
  ok(!Number.isNaN(Date.parse(docker?.next_refresh ?? "")), "next_refresh is no date");
});

/** What arrives over a real (JSON) transport. */
function wire(value: unknown): Args {
  return JSON.parse(JSON.stringify(value));
}

const KB10 = "x".repeat(10_000);
const MB1 = "y".repeat(1_000_000);
const CONFUSED: Args[] = [
  {},
  { q: "github" },
  { query: 42 },
  { query: null },
  { query: ["github"] },
  { query: { text: "github" } },
  { query: true },
  { query: "x".repeat(501) },
  { query: KB10 },
  { query: MB1 },
  { query: "git\u0000hub" },
  { query: "../../etc/passwd" },
  { query: "'; DROP TABLE servers; --" },
  { query: "$(rm -rf /) `reboot` | cat /etc/shadow" },
  { query: "データベース 🐘 ĝithub \u202e\ufeff" },
  { query: "*", limit: "10" },
  { query: "github", limit: -1 },
  { query: "github", limit: 1.5 },
  { query: "github", limit: 1e308 },
  { query: "github", limit: 2 ** 53 + 2 },
  { query: "github", limit: null },
  { offset: -5 },
  { offset: 0.5 },
  { offset: 1e12 },
  { cursor: 123 },
  { cursor: KB10 },
  { cursor: "\u0000" },
  { limit: 100, category: "" },
  { query: "", category: "../../etc/passwd" },
  { query: "", source: "docker; rm -rf /" },
  { query: "", tag: MB1 },
  { query: "", official: "true" },
  { query: "", requires_api_key: 0 },
  { query: "", launch_method: "docker" },
  { query: "", launch_method: "PODMAN" },
  { query: "", filters: { category: "database" } },
  { query: "github", constructor: { prototype: { polluted: true } } },
  { query: "github", toString: "x", valueOf: 1 },
  { [MB1]: 1 },
  JSON.parse('{"query":"github","__proto__":{"polluted":true,"limit":2}}'),
  JSON.parse('{"__proto__":null}'),
];

/** mulberry32: a tiny seeded generator, so every run sends the same "random" arguments. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomArgs(random: () => number, cursor: string): Args {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const alphabets = [
    "abcdefghij ",
    "\0\n\t\"'\\/<>*%$;|&`",
    "åé漢字🙂\u202e\ufeff",
    "0123456789-_.",
  ];
  const text = () => {
    const [chars, length] = [[...pick(alphabets)], pick([0, 1, 3, 8, 40, 120, 501, 5000])];
    return Array.from({ length }, () => pick(chars)).join("");
  };
  const plausible: Record<string, unknown[]> = {
    query: ["", "github", "slak", "database", "web scraping", "postgres sql"],
    limit: [1, 5, 10, 50, 100],
    offset: [0, 10, 327, 328],
    cursor: [cursor],
    source: ["docker"],
    category: ["database", "DevOps", "search"],
    tag: ["github", "devops"],
    official: [true, false],
    featured: [true, false],
    requires_api_key: [true, false],
    launch_method: ["podman", "stdio-proxy", "remote-http", "none"],
    wait_seconds: [0, 1],
  };
  const junkKeys = [
    "q",
    "Query",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "",
    "limit ",
  ];
  const value = (depth: number): unknown => {
    switch (Math.floor(random() * 7)) {
      case 0:
        return pick([0, 1, -1, 2.5, 50, 51, 101, 1e9, -0, 1e308, 2 ** 53 + 1]);
      case 1:
        return random() < 0.5;
      case 2:
        return null;
      case 3:
        return depth > 1 ? [] : [value(depth + 1), value(depth + 1)];
      case 4:
        return depth > 1 ? {} : { [pick(junkKeys)]: value(depth + 1) };
      default:
        return text();
    }
  };
  const pairs = Array.from({ length: Math.floor(random() * 5) }, () => {
    const key = random() < 0.8 ? pick(Object.keys(plausible)) : pick(junkKeys);
    return [
      key,
      random() < 0.5 && Object.hasOwn(plausible, key) ? pick(plausible[key]!) : value(0),
    ] as const;
  });
  // Written as JSON text so "__proto__" arrives as an own key, as it would over the wire.
  return JSON.parse(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)}}`);
}

Deno.test("`registry-*` tools answer confused and random arguments with a usable error", async () => {
  await using r = await openRegistry();
  const accepted = new Map(
    r.tools.map((t) => [t.name, new Set(Object.keys(t.inputSchema.properties ?? {}))]),
  );
  const { next_cursor } = await list(r.client, { limit: 3 });
  const random = seeded(20240611);
  const cases = [
    ...CONFUSED.map(wire),
    ...Array.from({ length: 300 }, () => randomArgs(random, next_cursor!)),
  ];
  let refused = 0;
  for (const args of cases) {
    for (const tool of TOOLS) {
      const shown = `${tool} ${JSON.stringify(args).slice(0, 300)}`;
      // callTool throws on a transport error or when structuredContent breaks the outputSchema.
      const result = await call(r.client, tool, args);
      const message = textOf(result);
      ok(message.length > 0, shown);
      // The SDK drops an own "__proto__" key before the tool sees the arguments.
      const unknown = Object.keys(args).filter((k) =>
        !accepted.get(tool)!.has(k) && k !== "__proto__"
      );
      const query = args.query;
      const longQuery = tool === "registry-find" && typeof query === "string" && query.length > 500;
      if (result.isError) {
        refused++;
        match(message, new RegExp(`^(Invalid arguments for ${tool}: |No entry has \\w+ ")`), shown);
        if (longQuery) match(message, /"query": Too big/, shown);
      } else {
        ok(result.structuredContent, shown);
        deepEqual(unknown, [], `${shown}: unknown keys accepted`);
        ok(!longQuery, `${shown}: a query over 500 characters accepted`);
      }
    }
  }
  ok(refused > cases.length && refused < cases.length * 3, `${refused} refusals`);
  equal(({} as Args).polluted, undefined, "Object.prototype polluted");
  const q = await refusal(r.client, "registry-find", { q: "github" });
  match(q, /^Invalid arguments for registry-find: "query": .*unknown argument "q"; .*query, limit/);
  match(await refusal(r.client, "registry-find", {}), /"query": Invalid input/);
  const status = await call(r.client, "registry-status", {});
  ok(!status.isError);
  equal((status.structuredContent as { catalog_entries: number }).catalog_entries, SNAPSHOT_SIZE);
});

Deno.test("`tools/call` with arguments that are no object is refused by the protocol", async () => {
  await using r = await openRegistry();
  for (const args of [null, [1, 2], "github", 7]) {
    await rejects(call(r.client, "registry-find", args), (error: Error) => {
      ok(error instanceof McpError);
      match(error.message, /arguments/);
      return true;
    });
  }
  ok(!(await call(r.client, "registry-status")).isError);
});

Deno.test("`tools/call` of an unknown tool rejects with an error naming the known tools", async () => {
  await using r = await openRegistry();
  for (const name of ["registry-search", "nope"]) {
    await rejects(call(r.client, name, {}), (error: Error) => {
      ok(error instanceof McpError);
      match(error.message, new RegExp(`Unknown tool "${name}"`));
      match(error.message, /registry-find, registry-list, registry-add/);
      return true;
    });
  }
});
