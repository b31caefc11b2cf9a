import { deepEqual, equal, ok } from "node:assert/strict";
import { loadSnapshot } from "../catalog/snapshot.ts";
import { CatalogIndex, topK } from "./catalog_index.ts";
import { processTerm, stem, tokenize } from "./_text.ts";

const { entries } = (await loadSnapshot("docker"))!;
const index = new CatalogIndex(entries);
const ids = (query: string, options = {}) =>
  index.search(query, { limit: 5, ...options }).hits.map((h) => h.entry.id);

Deno.test("CatalogIndex.search() ranks an exact name first", () => {
  equal(ids("memory")[0], "memory");
  equal(ids("GitHub")[0], "github");
  equal(ids("sqlite")[0], "sqlite");
  equal(ids("Notion")[0], "notion");
});

Deno.test("CatalogIndex.search() tolerates typos", () => {
  equal(ids("slak")[0], "slack");
  ok(ids("kuberentes").includes("kubernetes"));
  ok(ids("stirpe").some((id) => id.startsWith("stripe")));
  ok(ids("githb").some((id) => id.startsWith("github")));
});

Deno.test("CatalogIndex.search() answers the agent's natural queries", () => {
  ok(ids("work with my github issues").some((id) => id.includes("github")));
  ok(
    ids("web scraping").some((id) =>
      ["firecrawl", "apify", "brightdata", "scrapegraph"].includes(id)
    ),
  );
  ok(
    ids("database").some((id) => ["database-server", "sqlite", "postgres", "mongodb"].includes(id)),
  );
  ok(ids("create_issue").length > 0, "tool names are searched");
});

Deno.test("CatalogIndex.search() filters before ranking, not after the top-k cut", () => {
  const unfiltered = index.search("search", { limit: 1000 });
  const remote = index.search("search", { limit: 1000, filters: { launch_method: "remote-http" } });
  const expected = unfiltered.hits.filter((h) => h.entry.launch_method === "remote-http");
  ok(expected.length > 0);
  equal(remote.total, expected.length);
  deepEqual(remote.hits.map((h) => h.entry.id), expected.map((h) => h.entry.id));
  // A filtered result that ranked below the unfiltered top 3 still comes back.
  const one = index.search("search", { limit: 1, filters: { launch_method: "remote-http" } });
  equal(one.hits[0]?.entry.id, expected[0]!.entry.id);
  ok(!unfiltered.hits.slice(0, 3).some((h) => h.entry.id === expected[0]!.entry.id));
});

Deno.test("CatalogIndex.search() combines every filter", () => {
  const filters = {
    category: "DATABASE",
    official: true,
    requires_api_key: false,
    launch_method: "podman" as const,
    source: "docker",
  };
  const { hits, total } = index.search("", { filters, limit: 100 });
  ok(total > 0);
  equal(hits.length, total);
  for (const { entry } of hits) {
    ok(entry.categories.includes("database") && entry.official && !entry.requires_api_key);
  }
  equal(index.search("sql", { filters: { tag: "no-such-tag" } }).total, 0);
  equal(index.search("", { filters: { featured: true } }).total, 0);
});

Deno.test("CatalogIndex.search() with no words browses official entries first", () => {
  for (const query of ["", "   ", "the of and", "?!"]) {
    const { hits, total } = index.search(query, { limit: 3 });
    equal(total, entries.length, JSON.stringify(query));
    ok(hits.every((h) => h.entry.official && h.score === 0));
  }
});

Deno.test("CatalogIndex.list() pages through every entry once", () => {
  const seen = new Set<string>();
  for (let offset = 0; offset < entries.length; offset += 50) {
    const page = index.list({ offset, limit: 50 });
    equal(page.total, entries.length);
    for (const e of page.entries) seen.add(e.id);
  }
  equal(seen.size, entries.length);
  deepEqual(index.list({ offset: 10_000 }).entries, []);
});

Deno.test("CatalogIndex.get() finds entries by id", () => {
  equal(index.get("memory")?.name, "memory");
  equal(index.get("nope"), undefined);
});

Deno.test("topK() equals a full sort cut to k", () => {
  const numbers = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1009);
  for (const k of [1, 5, 10, 600]) {
    deepEqual(topK(numbers, k, (a, b) => a - b), [...numbers].sort((a, b) => a - b).slice(0, k));
  }
});

Deno.test("tokenize() and processTerm() split names and meet word forms", () => {
  deepEqual(tokenize("create_issue get-pullRequest v2.1"), [
    "create",
    "issue",
    "get",
    "pull",
    "Request",
    "v2",
    "1",
  ]);
  equal(processTerm("The"), null);
  equal(processTerm("MCP"), null);
  const pairs: [string, string][] = [["issues", "issue"], ["scraping", "scrape"], [
    "databases",
    "database",
  ]];
  for (const [a, b] of pairs) {
    equal(stem(a), stem(b), `${a} / ${b}`);
  }
  equal(stem("redis"), "redis");
  equal(stem("aws"), "aws");
});

Deno.test("matching() names the entries search() ranks, without whole entries", () => {
  for (const query of ["github", "database", "slak", ""]) {
    for (const filters of [{}, { official: true }]) {
      const ranked = index.search(query, { filters, limit: index.size }).hits.map((h) =>
        h.entry.id
      );
      const matched = index.matching(query, { filters }).map((e) => e.id);
      deepEqual(matched.sort(), ranked.sort(), `${query} ${JSON.stringify(filters)}`);
    }
  }
});
