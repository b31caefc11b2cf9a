import { deepEqual, equal, ok } from "node:assert/strict";
import {
  parseListingPage,
  parseServerPage,
  parseSitemap,
  serverSlugFromPath,
  sitePath,
} from "./_mcpservers_html.ts";

const FIXTURES = new URL("../../tests/fixtures/mcpservers-site/", import.meta.url);
const fixture = (name: string) => Deno.readTextFileSync(new URL(name, FIXTURES));

Deno.test("every mcpservers.org fixture says it is SYNTHETIC at its top", () => {
  for (const item of Deno.readDirSync(FIXTURES)) {
    const head = fixture(item.name).slice(0, 300);
    ok(/SYNTHETIC/.test(head), `${item.name} is marked SYNTHETIC`);
  }
});

Deno.test("parseListingPage() reads the cards, sponsor badges and nested slugs", () => {
  const page = parseListingPage(fixture("listing-page.html"));
  deepEqual(page.cards, [
    {
      slug: "acme-search",
      name: "Acme Search",
      description: "Searches the Acme index for documents.",
      sponsored: true,
    },
    {
      slug: "github/acme/widget-mcp",
      name: "Widget MCP",
      description: "Controls widgets through a nested slug.",
      sponsored: false,
    },
    {
      slug: "pg-explorer",
      name: "PG Explorer",
      description: "Read-only Postgres queries.",
      sponsored: true,
    },
    {
      slug: "plain-notes",
      name: "Plain Notes",
      description: "Takes notes & files them.",
      sponsored: false,
    },
  ]);
  deepEqual(page.warnings, ["servers/nameless: skipped a card without a name"]);
});

Deno.test("parseListingPage() reads the category links (lowercase, once) and the last page", () => {
  const page = parseListingPage(fixture("listing-page.html"));
  deepEqual(page.categories, ["search", "developer-tools", "databases"]);
  equal(page.lastPage, 42);
});

Deno.test("parseListingPage() finds a loose card's description and badge beside its link", () => {
  const page = parseListingPage(fixture("listing-loose-cards.html"));
  deepEqual(page.cards, [
    {
      slug: "loose-one",
      name: "Loose One",
      description: "Description beside the link.",
      sponsored: true,
    },
    { slug: "loose-two", name: "Loose Two", description: "Two levels up.", sponsored: false },
  ]);
  equal(page.lastPage, null);
});

Deno.test("parseListingPage() finds no cards on a page past the end", () => {
  const page = parseListingPage(fixture("listing-empty.html"));
  deepEqual(page.cards, []);
  deepEqual(page.warnings, []);
});

Deno.test("parseListingPage() survives malformed markup and skips bad slugs", () => {
  const page = parseListingPage(fixture("malformed.html"));
  const slugs = page.cards.map((c) => c.slug);
  ok(slugs.includes("broken-two"));
  ok(slugs.every((s) => !s.includes("..") && s.length > 0), slugs.join());
  for (const junk of ["", "<", "<a href='/servers/x'>", "\u0000\u0001", "<html><a href=>"]) {
    parseListingPage(junk);
    parseServerPage(junk);
    parseSitemap(junk);
  }
});

Deno.test("parseListingPage() resolves links against a mirror with a path prefix", () => {
  const html = `<a href="/mcp/servers/one"><h3>One</h3></a><a href="/servers/two"><h3>Two</h3></a>
    <a href="https://other.example/servers/three"><h3>Three</h3></a>`;
  const page = parseListingPage(html, { base: "https://mirror.example/mcp" });
  deepEqual(page.cards.map((c) => c.slug), ["one", "two"]);
});

Deno.test("parseServerPage() reads the repository, website and tags from the content", () => {
  const page = parseServerPage(fixture("server-page.html"));
  deepEqual(page, {
    name: "Widget MCP",
    description: "Controls widgets: turn them on, off and sideways.",
    repoUrl: "https://github.com/Acme/Widgets/tree/main/packages/widget-mcp",
    homepage: "https://widgets.acme.example/mcp",
    tags: ["developer-tools", "widgets", "iot"],
  });
});

Deno.test("parseServerPage() ignores the site's own links and bare profile links", () => {
  const page = parseServerPage(fixture("server-page-no-repo.html"));
  equal(page.name, "Plain Notes");
  equal(page.description, "Takes notes and files them.");
  equal(page.repoUrl, null);
  equal(page.homepage, null);
  deepEqual(page.tags, []);
});

Deno.test("parseSitemap() reads a sitemap index and a server sitemap", () => {
  deepEqual(parseSitemap(fixture("sitemap-index.xml")), {
    sitemaps: [
      "https://mcpservers.org/sitemap-pages.xml",
      "https://mcpservers.org/sitemap-servers-1.xml",
    ],
    urls: [],
  });
  const servers = parseSitemap(fixture("sitemap-servers.xml"));
  deepEqual(servers.urls, [
    { loc: "https://mcpservers.org/servers/acme-search", lastmod: "2025-06-02T08:00:00Z" },
    { loc: "https://mcpservers.org/servers/github/acme/widget-mcp", lastmod: "2025-03-15" },
    { loc: "https://mcpservers.org/servers/plain-notes", lastmod: null },
    { loc: "https://mcpservers.org/servers/pg-explorer", lastmod: null },
  ]);
});

Deno.test("serverSlugFromPath() keeps nested slugs and refuses empty or escaping ones", () => {
  equal(serverSlugFromPath("/servers/github/owner/repo"), "github/owner/repo");
  equal(serverSlugFromPath("/servers/plain/"), "plain");
  equal(serverSlugFromPath("/servers/with%20space"), null);
  equal(serverSlugFromPath("/servers/a/../b"), null);
  equal(serverSlugFromPath("/servers/"), null);
  equal(serverSlugFromPath("/servers"), null);
  equal(serverSlugFromPath("/category/x"), null);
});

Deno.test("sitePath() keeps the site's links, a mirror's and mcpservers.org's only", () => {
  equal(sitePath("/servers/x"), "/servers/x");
  equal(sitePath("https://www.mcpservers.org/servers/x", "http://127.0.0.1:9"), "/servers/x");
  equal(sitePath("http://127.0.0.1:9/all?page=2", "http://127.0.0.1:9"), "/all");
  equal(sitePath("https://github.com/a/b"), null);
  equal(sitePath("javascript:alert(1)"), null);
});
