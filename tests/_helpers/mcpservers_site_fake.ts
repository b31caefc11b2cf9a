/**
 * A fake mcpservers.org on 127.0.0.1 for tests of `McpServersSiteSource`: SYNTHETIC pages in the
 * structure of `tests/fixtures/mcpservers-site/` (not copies of the site), generated from a list
 * of servers the test gives, 30 cards per listing page, so a test gets as many pages as it asks
 * for. Failures are injected per path; every request is logged.
 *
 * @module
 */

/** A server the fake site lists. */
export interface FakeServer {
  /** The path after `/servers/`; may hold `/`. */
  slug: string;
  name: string;
  description: string;
  /** Shown with a "Sponsor" badge, pinned to the top of every listing page too. */
  sponsored?: boolean;
  official?: boolean;
  categories?: string[];
  /** The repository link on the server page. */
  repo?: string | null;
  homepage?: string | null;
  tags?: string[];
  /** The server page's `lastmod` in the sitemap. */
  lastmod?: string | null;
}

/** What a failing path answers instead of its page. */
export type FakeFailure =
  | { status: number; headers?: Record<string, string>; body?: string }
  | "hang";

/** A running fake site. */
export interface FakeSite extends AsyncDisposable {
  url: string;
  /** What the site lists; change it between refreshes. */
  servers: FakeServer[];
  /** Every request, as path and query (`/all?page=2`), in order of arrival. */
  requests: string[];
  /** The User-Agent of every request. */
  userAgents: string[];
  /**
   * Makes requests whose path and query equal `path` (or match it) fail `times` times (each
   * attempt counts), then answer normally.
   */
  fail(path: string | RegExp, failure: FakeFailure, times?: number): void;
  /** Serves `body` as the page at `path` (and query) instead of the generated one. */
  override(path: string, body: string): void;
  clearFailures(): void;
}

/** Options of {@linkcode startFakeSite}. */
export interface FakeSiteOptions {
  servers: FakeServer[];
  /** @default 30 */
  perPage?: number;
}

export const FAKE_CATEGORIES = ["search", "databases", "developer-tools", "browser-automation"];

/**
 * `count` generated servers: every 7th has a nested slug (`github/org-7/server-7`), every 10th
 * is sponsored, every 5th official, every 9th has no repository link; each is in one or two
 * categories.
 */
export function fakeServers(count: number, lastmod = "2025-01-01T00:00:00Z"): FakeServer[] {
  return Array.from({ length: count }, (_, index) => {
    const i = index + 1;
    const slug = i % 7 === 0 ? `github/org-${i}/server-${i}` : `server-${i}`;
    const categories = [FAKE_CATEGORIES[i % FAKE_CATEGORIES.length]!];
    if (i % 4 === 0) categories.push(FAKE_CATEGORIES[(i + 1) % FAKE_CATEGORIES.length]!);
    return {
      slug,
      name: `Server ${i}`,
      description: `Does task number ${i}.`,
      sponsored: i % 10 === 0,
      official: i % 5 === 0,
      categories,
      repo: i % 9 === 0
        ? null
        : i % 2 === 0
        ? `https://github.com/Org-${i}/monorepo/tree/main/servers/s${i}`
        : `https://github.com/org-${i}/server-${i}`,
      homepage: i % 3 === 0 ? `https://server-${i}.example/` : null,
      tags: [`tag-${i % 6}`],
      lastmod,
    };
  });
}

interface Rule {
  path: string | RegExp;
  failure: FakeFailure;
  left: number;
}

/** Starts the fake site; dispose of it to stop it. */
export function startFakeSite({ servers, perPage = 30 }: FakeSiteOptions): FakeSite {
  const rules: Rule[] = [];
  const overrides = new Map<string, string>();
  const hanging = new Set<() => void>();
  const site: Omit<FakeSite, "url" | typeof Symbol.asyncDispose> = {
    servers,
    requests: [],
    userAgents: [],
    fail(path, failure, times = Infinity) {
      rules.push({ path, failure, left: times });
    },
    override(path, body) {
      overrides.set(path, body);
    },
    clearFailures() {
      rules.length = 0;
    },
  };
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const where = url.pathname + url.search;
    site.requests.push(where);
    site.userAgents.push(request.headers.get("user-agent") ?? "");
    const rule = rules.find((r) =>
      r.left > 0 && (typeof r.path === "string" ? r.path === where : r.path.test(where))
    );
    if (rule) {
      rule.left--;
      if (rule.failure === "hang") {
        // Answers only when the site stops (the client has long given up by then).
        await new Promise<void>((resolve) => hanging.add(resolve));
        return new Response("too late", { status: 504 });
      }
      return new Response(rule.failure.body ?? `failure ${rule.failure.status}`, {
        status: rule.failure.status,
        headers: rule.failure.headers,
      });
    }
    const overridden = overrides.get(where);
    if (overridden !== undefined) return html(overridden);
    return route(url, site.servers, perPage, `${url.protocol}//${url.host}`);
  });
  return {
    ...site,
    get servers() {
      return site.servers;
    },
    set servers(value) {
      site.servers = value;
    },
    url: `http://127.0.0.1:${http.addr.port}`,
    async [Symbol.asyncDispose]() {
      for (const resolve of hanging) resolve();
      await http.shutdown();
    },
  };
}

function route(url: URL, servers: FakeServer[], perPage: number, origin: string): Response {
  const page = Math.max(1, Number(url.searchParams.get("page") ?? "1") || 1);
  const path = decodeURIComponent(url.pathname);
  if (path === "/all") return html(listingPage("/all", servers, page, perPage, servers));
  if (path === "/official") {
    return html(
      listingPage("/official", servers.filter((s) => s.official), page, perPage, servers),
    );
  }
  const category = path.match(/^\/category\/([^/]+)$/)?.[1];
  if (category) {
    const members = servers.filter((s) => s.categories?.includes(category));
    if (members.length === 0) return new Response("no such category", { status: 404 });
    return html(listingPage(`/category/${category}`, members, page, perPage, servers));
  }
  const slug = path.match(/^\/servers\/(.+)$/)?.[1];
  if (slug) {
    const server = servers.find((s) => s.slug === slug);
    return server ? html(serverPage(server)) : new Response("not found", { status: 404 });
  }
  if (path === "/sitemap.xml") return xml(sitemapIndex(origin, servers));
  if (path === "/sitemap-pages.xml") {
    return xml(urlset([{ loc: `${origin}/all`, lastmod: "2025-01-01" }, { loc: `${origin}/` }]));
  }
  const part = Number(path.match(/^\/sitemap-servers-(\d+)\.xml$/)?.[1]);
  if (part > 0) {
    const chunk = servers.slice((part - 1) * 100, part * 100);
    return xml(
      urlset(chunk.map((s) => ({ loc: `${origin}/servers/${s.slug}`, lastmod: s.lastmod }))),
    );
  }
  return new Response("not found", { status: 404 });
}

function html(body: string): Response {
  return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
}

function xml(body: string): Response {
  return new Response(body, { headers: { "content-type": "application/xml" } });
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function card(server: FakeServer): string {
  const badge = server.sponsored ? `<span class="badge text-xs">Sponsor</span>` : "";
  return `
        <a href="/servers/${escape(server.slug)}" class="card rounded-lg border p-4">
          <div class="flex justify-between"><h3 class="font-semibold">${
    escape(server.name)
  }</h3>${badge}</div>
          <p class="text-sm text-gray-600">${escape(server.description)}</p>
        </a>`;
}

/** A listing page: sponsored servers pinned on top of every page, then `perPage` cards. */
function listingPage(
  path: string,
  listed: FakeServer[],
  page: number,
  perPage: number,
  everyone: FakeServer[],
): string {
  const last = Math.max(1, Math.ceil(listed.length / perPage));
  const cards = listed.slice((page - 1) * perPage, page * perPage);
  const pinned = path === "/all" ? everyone.filter((s) => s.sponsored) : [];
  const categories = [...new Set(everyone.flatMap((s) => s.categories ?? []))];
  const pages = [1, page - 1, page + 1, last].filter((n, i, all) =>
    n >= 1 && n <= last && n !== page && all.indexOf(n) === i
  );
  return `<!-- SYNTHETIC: generated by tests/_helpers/mcpservers_site_fake.ts, not a copy. -->
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>MCP Servers - page ${page}</title></head>
<body>
  <header><nav><a href="/">Home</a><a href="/all">All</a><a href="/official">Official</a></nav></header>
  <aside><ul>${
    categories.map((c) => `<li><a href="/category/${c}">${c}</a></li>`).join("")
  }</ul></aside>
  <main>
    <div class="pinned">${pinned.map(card).join("")}</div>
    <div class="grid">${cards.map(card).join("")}</div>
    ${cards.length === 0 ? "<p>No servers found.</p>" : ""}
    <nav class="pagination">${
    pages.map((n) => `<a href="${path}?page=${n}">${n}</a>`).join(" ")
  }</nav>
  </main>
  <footer><a href="https://github.com/example/mcpservers-site">Site source</a></footer>
</body>
</html>`;
}

function serverPage(server: FakeServer): string {
  const links = [
    server.repo ? `<a href="${escape(server.repo)}">GitHub</a>` : "",
    server.homepage ? `<a href="${escape(server.homepage)}">Website</a>` : "",
  ].join(" ");
  const tags = (server.tags ?? []).map((t) => `<a href="/tags/${t}">#${t}</a>`).join(" ");
  return `<!-- SYNTHETIC: generated by tests/_helpers/mcpservers_site_fake.ts, not a copy. -->
<!DOCTYPE html>
<html>
<head><title>${escape(server.name)}</title></head>
<body>
  <header><nav><a href="https://github.com/example/mcpservers-site">GitHub</a></nav></header>
  <main>
    <article>
      <h1>${escape(server.name)}</h1>
      <p>${escape(server.description)} More about it.</p>
      <div class="links">${links}</div>
      <div class="tags">${tags}</div>
    </article>
  </main>
  <footer><a href="https://github.com/example/awesome-list">List</a></footer>
</body>
</html>`;
}

function sitemapIndex(origin: string, servers: FakeServer[]): string {
  const parts = Math.max(1, Math.ceil(servers.length / 100));
  const children = [
    "sitemap-pages.xml",
    ...Array.from({ length: parts }, (_, i) => `sitemap-servers-${i + 1}.xml`),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- SYNTHETIC: generated by tests/_helpers/mcpservers_site_fake.ts, not a copy. -->
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${children.map((c) => `  <sitemap><loc>${origin}/${c}</loc></sitemap>`).join("\n")}
</sitemapindex>`;
}

function urlset(urls: { loc: string; lastmod?: string | null }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- SYNTHETIC: generated by tests/_helpers/mcpservers_site_fake.ts, not a copy. -->
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${
    urls.map((u) =>
      `  <url><loc>${escape(u.loc)}</loc>${
        u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ""
      }</url>`
    ).join("\n")
  }
</urlset>`;
}
