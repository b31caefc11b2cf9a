import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { CatalogEntrySchema } from "../catalog/entry.ts";
import { splitRepoLink } from "../catalog/names.ts";
import {
  fakeServers,
  type FakeSite,
  startFakeSite,
} from "../../tests/_helpers/mcpservers_site_fake.ts";
import { DETAILS_NOT_READ, McpServersSiteSource } from "./mcpservers_site.ts";
import type { McpServersSiteSourceOptions } from "./mcpservers_site.ts";
import type { PreviousRefresh, RefreshProgress, SourceSnapshot } from "./source.ts";

const MALFORMED = Deno.readTextFileSync(
  new URL("../../tests/fixtures/mcpservers-site/malformed.html", import.meta.url),
);

/** A source on the fake site with quick retries. */
function sourceFor(site: FakeSite, options: McpServersSiteSourceOptions = {}) {
  return new McpServersSiteSource({ url: site.url, backoffMs: 5, retries: 2, ...options });
}

function previousOf(snapshot: SourceSnapshot, refreshedAt: string): PreviousRefresh {
  return {
    entries: snapshot.entries,
    revision: snapshot.revision,
    cursor: snapshot.cursor ?? null,
    refreshedAt,
  };
}

const detailRequests = (site: FakeSite) =>
  site.requests.filter((r) => r.startsWith("/servers/")).sort();

Deno.test("McpServersSiteSource reads every server of a 5-page listing with its details", async () => {
  await using site = startFakeSite({ servers: fakeServers(140) });
  const steps: RefreshProgress[] = [];
  const snapshot = await sourceFor(site).refresh({ progress: (step) => steps.push(step) });
  deepEqual(snapshot.errors, []);
  deepEqual(snapshot.warnings, []);
  equal(snapshot.entries.length, 140);
  equal(snapshot.revision, "sitemap 2025-01-01T00:00:00.000Z");
  const byName = new Map(snapshot.entries.map((e) => [e.name, e]));
  for (const server of site.servers) {
    const entry = byName.get(server.slug)!;
    ok(entry, server.slug);
    CatalogEntrySchema.parse(entry);
    equal(entry.title, server.name);
    equal(entry.description, server.description);
    deepEqual(entry.categories.sort(), [...server.categories!].sort(), server.slug);
    equal(entry.official, server.official, `${server.slug} official`);
    equal(entry.featured, server.sponsored, `${server.slug} featured`);
    const repo = server.repo ? splitRepoLink(server.repo) : null;
    if (server.slug.startsWith("github/") && !repo) {
      equal(entry.repo_url, `https://github.com/${server.slug.slice(7)}`, "repo from the slug");
    } else {
      equal(entry.repo_url, repo?.repo ?? null, server.slug);
      equal(entry.repo_subfolder, repo?.subfolder ?? null, server.slug);
    }
    equal(entry.homepage, server.homepage);
    deepEqual(entry.tags, server.tags);
    equal(entry.launch_method, "none");
    equal(entry.source, "mcpservers");
    deepEqual(entry.sources, ["mcpservers"]);
    deepEqual(entry.tools, []);
    equal(entry.requires_api_key, false);
    equal(entry.links.mcpservers, `${site.url}/servers/${server.slug}`);
    deepEqual(entry.warnings, []);
  }
  equal(byName.get("github/org-7/server-7")!.id, "github-org-7-server-7");
  equal(byName.get("server-2")!.repo_subfolder, "servers/s2");
  equal(new Set(snapshot.entries.map((e) => e.id)).size, 140);
  // Listing pages 1-5, then one past the end (only the pinned sponsored cards).
  deepEqual(site.requests.filter((r) => r.startsWith("/all")).sort(), [
    "/all?page=1",
    "/all?page=2",
    "/all?page=3",
    "/all?page=4",
    "/all?page=5",
    "/all?page=6",
  ]);
  equal(detailRequests(site).length, 140);
  ok(site.userAgents.every((ua) => /^Mozilla\/5\.0 .*mcp-registry\/\d/.test(ua)));
  ok(steps.some((s) => s.message === "listing page 1 of 5" && s.total === 5));
  ok(steps.some((s) => s.message === "server page 140 of 140"));
  const dones = steps.map((s) => s.done ?? 0);
  deepEqual(dones, [...dones].sort((a, b) => a - b), "progress only grows");
});

Deno.test("McpServersSiteSource gives clashing slugs distinct ids", async () => {
  const servers = fakeServers(2);
  servers[0]!.slug = "a/b";
  servers[1]!.slug = "a-b";
  await using site = startFakeSite({ servers });
  const { entries } = await sourceFor(site).refresh();
  deepEqual(entries.map((e) => [e.name, e.id]), [["a-b", "a-b"], ["a/b", "a-b-2"]]);
});

Deno.test("McpServersSiteSource reads only new and changed server pages the next time", async () => {
  await using site = startFakeSite({ servers: fakeServers(65, "2025-01-01T00:00:00Z") });
  const first = await sourceFor(site).refresh();
  equal(detailRequests(site).length, 65);
  site.requests.length = 0;
  const changed = site.servers[3]!;
  changed.lastmod = "2030-01-01T00:00:00Z";
  changed.repo = "https://github.com/moved/elsewhere";
  const unchanged = site.servers[0]!;
  unchanged.repo = "https://github.com/changed/without-lastmod";
  site.servers.push({
    slug: "newcomer",
    name: "Newcomer",
    description: "Just arrived.",
    repo: "https://github.com/new/comer",
    lastmod: "2025-01-01T00:00:00Z",
  });
  const second = await sourceFor(site).refresh({
    previous: previousOf(first, "2025-02-01T00:00:00Z"),
  });
  deepEqual(detailRequests(site), ["/servers/newcomer", `/servers/${changed.slug}`]);
  equal(second.entries.length, 66);
  const byName = new Map(second.entries.map((e) => [e.name, e]));
  equal(byName.get(changed.slug)!.repo_url, "https://github.com/moved/elsewhere");
  equal(byName.get(unchanged.slug)!.repo_url, "https://github.com/org-1/server-1", "kept");
  equal(byName.get("newcomer")!.repo_url, "https://github.com/new/comer");
  deepEqual(byName.get(unchanged.slug)!.tags, unchanged.tags);
  equal(second.revision, "sitemap 2030-01-01T00:00:00.000Z");
  deepEqual(second.errors, []);
});

Deno.test("McpServersSiteSource without a sitemap reads only servers it has no details of", async () => {
  await using site = startFakeSite({ servers: fakeServers(40) });
  const first = await sourceFor(site).refresh();
  site.requests.length = 0;
  site.servers[5]!.lastmod = "2030-01-01T00:00:00Z";
  site.servers.push({ slug: "fresh", name: "Fresh", description: "New." });
  site.fail("/sitemap.xml", { status: 500 });
  const second = await sourceFor(site).refresh({
    previous: previousOf(first, new Date().toISOString()),
  });
  deepEqual(detailRequests(site), ["/servers/fresh"]);
  equal(second.entries.length, 41);
  equal(second.warnings.length, 1);
  match(second.warnings[0]!, /^sitemap: .*HTTP 500.*only for servers without details/);
  match(second.revision!, /^41 servers listed/);
});

Deno.test("McpServersSiteSource retries a listing page that fails with HTTP 500", async () => {
  await using site = startFakeSite({ servers: fakeServers(100) });
  site.fail("/all?page=3", { status: 500 }, 2);
  const snapshot = await sourceFor(site).refresh();
  equal(snapshot.entries.length, 100);
  equal(site.requests.filter((r) => r === "/all?page=3").length, 3);
});

Deno.test("McpServersSiteSource fails the refresh when a listing page keeps failing", async () => {
  await using site = startFakeSite({ servers: fakeServers(100) });
  site.fail("/all?page=2", { status: 503 });
  await rejects(
    sourceFor(site).refresh(),
    /mcpservers\.org: HTTP 503 for http:\/\/127\.0\.0\.1:\d+\/all\?page=2 after 3 attempts/,
  );
  equal(site.requests.filter((r) => r === "/all?page=2").length, 3);
});

Deno.test("McpServersSiteSource stops at once with a clear error on HTTP 403", async () => {
  await using site = startFakeSite({ servers: fakeServers(100) });
  site.fail("/all?page=1", { status: 403 });
  const error = await sourceFor(site).refresh().catch((e: Error) => e);
  equal(
    (error as Error).message,
    `mcpservers.org refused the request (HTTP 403) for ${site.url}/all?page=1: the site may ` +
      "block automated clients; try later, set MCP_REGISTRY_MCPSERVERS_URL to a mirror, or " +
      "leave mcpservers out of MCP_REGISTRY_SOURCES",
  );
  deepEqual(site.requests, ["/all?page=1"]);
});

Deno.test("McpServersSiteSource gives up on a page that hangs", async () => {
  await using site = startFakeSite({ servers: fakeServers(40) });
  site.fail("/all?page=2", "hang");
  await rejects(
    sourceFor(site, { requestTimeoutMs: 150, retries: 1 }).refresh(),
    /no answer within 0\.15 s for .*\/all\?page=2 after 2 attempts/,
  );
});

Deno.test("McpServersSiteSource does not crash on malformed pages", async () => {
  await using site = startFakeSite({ servers: fakeServers(70) });
  site.override("/all?page=2", MALFORMED);
  site.override("/servers/server-1", MALFORMED);
  site.override("/sitemap.xml", MALFORMED);
  const snapshot = await sourceFor(site).refresh();
  const names = snapshot.entries.map((e) => e.name);
  ok(names.includes("server-1") && names.includes("server-61"), "pages 1 and 3 are read");
  ok(names.includes("broken-two"), "what the malformed page shows is taken");
  ok(snapshot.errors.some((e) => e.startsWith("servers/broken-two: not found")));
  const one = snapshot.entries.find((e) => e.name === "server-1")!;
  equal(one.repo_url, null, "a malformed server page has no repository");
  equal(one.title, "Server 1");
});

Deno.test("McpServersSiteSource waits as long as Retry-After asks on HTTP 429", async () => {
  await using site = startFakeSite({ servers: fakeServers(40) });
  site.fail("/all?page=2", { status: 429, headers: { "retry-after": "1" } }, 1);
  const started = performance.now();
  const snapshot = await sourceFor(site).refresh();
  ok(performance.now() - started >= 950, "waited the second the site asked for");
  equal(snapshot.entries.length, 40);
});

Deno.test("McpServersSiteSource caps Retry-After and names the rate limit when it persists", async () => {
  await using site = startFakeSite({ servers: fakeServers(40) });
  site.fail("/all?page=1", { status: 429, headers: { "retry-after": "3600" } });
  const started = performance.now();
  await rejects(
    sourceFor(site, { maxRetryWaitMs: 20 }).refresh(),
    /mcpservers\.org kept rate-limiting the requests \(HTTP 429\) for .*\/all\?page=1 after 3 attempts/,
  );
  ok(performance.now() - started < 2000, "the hour asked for was capped");
});

Deno.test("McpServersSiteSource keeps previous metadata when side pages fail", async () => {
  await using site = startFakeSite({ servers: fakeServers(60) });
  const first = await sourceFor(site).refresh();
  // The site now says otherwise, but the pages that would tell cannot be read.
  for (const server of site.servers) {
    server.official = !server.official;
    server.categories = ["search", "databases"];
  }
  site.servers[1]!.lastmod = "2030-01-01T00:00:00Z";
  site.fail(/^\/official/, { status: 500 });
  site.fail(/^\/category\/databases/, { status: 500 });
  site.fail(`/servers/${site.servers[1]!.slug}`, { status: 500 });
  const previous = previousOf(first, new Date().toISOString());
  const second = await sourceFor(site).refresh({ previous });
  equal(second.errors.length, 3, second.errors.join("\n"));
  match(second.errors.join("\n"), /^official: .*keep their last official mark$/m);
  match(second.errors.join("\n"), /^category\/databases: .*keep their last categories$/m);
  match(second.errors.join("\n"), /^servers\/server-2: .*HTTP 500/m);
  const before = new Map(first.entries.map((e) => [e.name, e]));
  for (const entry of second.entries) {
    const old = before.get(entry.name)!;
    equal(entry.official, old.official, entry.name);
    const expected = ["search", ...(old.categories.includes("databases") ? ["databases"] : [])];
    deepEqual(entry.categories.sort(), expected.sort(), entry.name);
  }
  const failed = second.entries.find((e) => e.name === "server-2")!;
  equal(failed.repo_url, before.get("server-2")!.repo_url, "the old repository stays");
  deepEqual(failed.warnings, [DETAILS_NOT_READ]);
  // The next refresh reads that page again, though its lastmod is old news by then.
  site.clearFailures();
  site.requests.length = 0;
  const third = await sourceFor(site).refresh({
    previous: previousOf(second, new Date(Date.now() + 60_000).toISOString()),
  });
  deepEqual(detailRequests(site), ["/servers/server-2"]);
  deepEqual(third.entries.find((e) => e.name === "server-2")!.warnings, []);
});

Deno.test("McpServersSiteSource asks for nothing more once a side page is refused", async () => {
  await using site = startFakeSite({ servers: fakeServers(50) });
  site.fail("/servers/server-1", { status: 403 });
  const snapshot = await sourceFor(site, { concurrency: 1 }).refresh();
  equal(snapshot.entries.length, 50);
  equal(snapshot.errors.length, 1);
  match(
    snapshot.errors[0]!,
    /refused the request \(HTTP 403\) for .*\/servers\/server-1: .*; \d+ server pages were not read$/,
  );
  const after = site.requests.slice(site.requests.indexOf("/servers/server-1") + 1);
  deepEqual(after, [], "no request after the refusal");
  const refusedAt = site.requests.indexOf("/servers/server-1");
  const read = site.requests.slice(0, refusedAt).filter((r) => r.startsWith("/servers/")).length;
  equal(snapshot.entries.filter((e) => e.warnings.includes(DETAILS_NOT_READ)).length, 50 - read);
});

Deno.test("McpServersSiteSource stops at maxPages with an error", async () => {
  await using site = startFakeSite({ servers: fakeServers(100), perPage: 10 });
  await rejects(
    sourceFor(site, { maxPages: 4 }).refresh(),
    /listing still had servers on page 4, the most read \(maxPages\)/,
  );
  ok(!site.requests.includes("/all?page=5"));
});

Deno.test("McpServersSiteSource stops when the refresh is cancelled", async () => {
  await using site = startFakeSite({ servers: fakeServers(40) });
  site.fail("/all?page=2", "hang");
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("shutting down")), 100);
  await rejects(sourceFor(site).refresh({ signal: controller.signal }), /shutting down/);
});

Deno.test("McpServersSiteSource refuses a URL that is not http(s)", () => {
  let error: unknown;
  try {
    new McpServersSiteSource({ url: "ftp://example.org" });
  } catch (e) {
    error = e;
  }
  ok(error instanceof TypeError);
});
