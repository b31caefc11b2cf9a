/**
 * Parsers for the pages of mcpservers.org: listing pages (`/all`, `/category/<slug>`,
 * `/official`), server pages (`/servers/<slug>`) and the sitemap. Pure: text in, plain data out.
 *
 * The site has no API, so these read its markup by what it means rather than by class names,
 * which change with every redesign: a card is a link to `/servers/<slug>`; its name is the
 * heading inside it, its description the first paragraph, and a "Sponsor" or "Sponsored" badge
 * marks a paid listing. Anything that does not fit is skipped with a warning, never thrown.
 *
 * @module
 */
import { DOMParser, parseHTML } from "linkedom";

/** The host whose absolute links count as the site's own, whatever mirror is read. */
const SITE_HOST = "mcpservers.org";
const FORGE_HOSTS = new Set(["github.com", "gitlab.com", "codeberg.org", "bitbucket.org"]);
/** Site furniture: links in these are the site's own, not the server's. */
const CHROME = "nav, header, footer, aside";
const SPONSOR_TEXT = /^sponsor(ed)?$/i;

/** One server card of a listing page. */
export interface ServerCard {
  /** The path after `/servers/`, e.g. `github/acme/widget-mcp`. */
  slug: string;
  name: string;
  description: string;
  /** The card shows a "Sponsor"/"Sponsored" badge. */
  sponsored: boolean;
}

/** What a listing page (`/all`, `/category/<slug>`, `/official`) shows. */
export interface ListingPage {
  /** In page order, one per server (a card's several links are merged). */
  cards: ServerCard[];
  /** Slugs of the categories the page links to (lowercase), in page order. */
  categories: string[];
  /** The highest `?page=N` the pagination links to; null when there is none. */
  lastPage: number | null;
  /** Cards that were skipped, e.g. `servers/x: card without a name`. */
  warnings: string[];
}

/** What a server page tells beyond its card. */
export interface ServerPage {
  name: string;
  description: string;
  /** The first link into a code forge (GitHub, GitLab, Codeberg, Bitbucket) in the content. */
  repoUrl: string | null;
  /** A link labelled as the server's website. */
  homepage: string | null;
  /** Slugs of the tag and category links in the content (lowercase). */
  tags: string[];
}

/** A `<url>` of a sitemap. */
export interface SitemapUrl {
  loc: string;
  lastmod: string | null;
}

/** A sitemap file: either an index of other sitemaps or a list of URLs. */
export interface Sitemap {
  /** `<sitemap><loc>` of a sitemap index. */
  sitemaps: string[];
  urls: SitemapUrl[];
}

/** Options of the page parsers. */
export interface ParseOptions {
  /** The site's address, against which relative links resolve. @default "https://mcpservers.org" */
  base?: string;
}

// linkedom's types lean on the DOM library, which Deno's does not include: the little used here.
interface Element {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly parentElement: Element | null;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): Element | null;
  querySelectorAll(selectors: string): ArrayLike<Element>;
  closest(selectors: string): Element | null;
}
type Root = Pick<Element, "querySelector" | "querySelectorAll">;

function parseDocument(html: string): Root {
  return (parseHTML(html) as unknown as { document: Root }).document;
}

function all(root: Root, selectors: string): Element[] {
  return Array.from(root.querySelectorAll(selectors));
}

function text(element: Element | null | undefined): string {
  return (element?.textContent ?? "").replace(/\s+/g, " ").trim();
}

/**
 * The path of `href` on the site (`/servers/x`), or null when it leads elsewhere. Links to
 * mcpservers.org itself count as the site's even on a mirror, and a mirror's path prefix
 * (`https://mirror.example/mcp`) is dropped.
 */
export function sitePath(href: string, base: string = "https://" + SITE_HOST): string | null {
  let url: URL;
  let baseUrl: URL;
  try {
    baseUrl = new URL(base.endsWith("/") ? base : `${base}/`);
    url = new URL(href, baseUrl);
  } catch {
    return null;
  }
  if (url.host === SITE_HOST || url.host === `www.${SITE_HOST}`) return url.pathname;
  if (url.origin !== baseUrl.origin) return null;
  const prefix = baseUrl.pathname.replace(/\/+$/, "");
  if (prefix && url.pathname.startsWith(`${prefix}/`)) return url.pathname.slice(prefix.length);
  return url.pathname;
}

/**
 * The server slug of a site path: `/servers/github/acme/widget` -> `github/acme/widget`. Null
 * for `/servers` itself and for paths with empty, `.` or `..` segments.
 */
export function serverSlugFromPath(path: string): string | null {
  const match = path.match(/^\/servers\/(.+?)\/*$/);
  if (!match) return null;
  let segments: string[];
  try {
    segments = match[1]!.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.some((s) => s === "" || s === "." || s === ".." || /[\s/?#]/.test(s))) return null;
  return segments.join("/");
}

/** The category slug of `/category/<slug>` (lowercase), or null. */
function categorySlugFromPath(path: string): string | null {
  const match = path.match(/^\/category\/([^/]+)\/*$/);
  if (!match) return null;
  try {
    const slug = decodeURIComponent(match[1]!).trim().toLowerCase();
    return /^[a-z0-9][a-z0-9._-]*$/.test(slug) ? slug : null;
  } catch {
    return null;
  }
}

function tagSlugFromPath(path: string): string | null {
  const match = path.match(/^\/tags?\/([^/]+)\/*$/);
  if (!match) return null;
  try {
    const slug = decodeURIComponent(match[1]!).trim().toLowerCase();
    return slug.length > 0 && slug.length <= 60 ? slug : null;
  } catch {
    return null;
  }
}

/**
 * Reads a listing page: its server cards, the categories it links to and how far its
 * pagination goes. Never throws; a page that is not HTML at all just has no cards.
 */
export function parseListingPage(html: string, { base }: ParseOptions = {}): ListingPage {
  const document = parseDocument(html);
  const bySlug = new Map<string, { name: string; description: string; sponsored: boolean }>();
  const categories: string[] = [];
  let lastPage: number | null = null;
  for (const link of all(document, "a[href]")) {
    const path = sitePath(link.getAttribute("href") ?? "", base);
    if (path === null) continue;
    const slug = serverSlugFromPath(path);
    if (slug !== null) {
      const card = readCard(link, slug, base);
      const seen = bySlug.get(slug);
      if (!seen) bySlug.set(slug, card);
      else {
        seen.name ||= card.name;
        seen.description ||= card.description;
        seen.sponsored ||= card.sponsored;
      }
      continue;
    }
    const category = categorySlugFromPath(path);
    if (category !== null && !categories.includes(category)) categories.push(category);
    const page = Number(link.getAttribute("href")?.match(/[?&]page=(\d{1,6})(?:&|#|$)/)?.[1]);
    if (Number.isInteger(page) && page > 0 && page > (lastPage ?? 0)) lastPage = page;
  }
  const cards: ServerCard[] = [];
  const warnings: string[] = [];
  for (const [slug, card] of bySlug) {
    if (card.name) cards.push({ slug, ...card });
    else warnings.push(`servers/${slug}: skipped a card without a name`);
  }
  return { cards, categories, lastPage, warnings };
}

/**
 * A card's name, description and badge. The card is the link itself; what the link lacks is
 * looked for in the enclosing element, as long as that element holds no other server's link.
 */
function readCard(link: Element, slug: string, base?: string): Omit<ServerCard, "slug"> {
  const scopes: Element[] = [link];
  let scope: Element = link;
  for (let up = 0; up < 2; up++) {
    const parent = scope.parentElement;
    if (!parent || /^(body|main|section|ul|ol|html)$/i.test(parent.tagName)) break;
    const others = all(parent, "a[href]").some((a) => {
      const path = sitePath(a.getAttribute("href") ?? "", base);
      const other = path === null ? null : serverSlugFromPath(path);
      return other !== null && other !== slug;
    });
    if (others) break;
    scopes.push(parent);
    scope = parent;
  }
  const find = (read: (el: Element) => string) => {
    for (const s of scopes) {
      const found = read(s);
      if (found) return found;
    }
    return "";
  };
  const badges = (el: Element) => all(el, "*").filter(isSponsorBadge);
  const name = find((el) => {
    const heading = el.querySelector("h1, h2, h3, h4, h5, h6") ??
      el.querySelector("[class*='title'], [class*='name']");
    if (heading) return text(heading);
    if (el !== link) return "";
    // A bare link: its own words, less the badge and the description.
    let words = text(link);
    for (const part of [...badges(link), ...all(link, "p")]) words = words.replace(text(part), "");
    return words.replace(/\s+/g, " ").trim();
  });
  const description = find((el) => text(el.querySelector("p, [class*='desc']")));
  const sponsored = scopes.some((el) => badges(el).length > 0);
  return { name, description, sponsored };
}

function isSponsorBadge(element: Element): boolean {
  if (SPONSOR_TEXT.test(text(element))) return true;
  if (element.getAttribute("data-sponsored") !== null) return true;
  return /\bsponsor(ed)?\b/i.test(element.getAttribute("class") ?? "") &&
    text(element).length <= 20;
}

/**
 * Reads a server page. The repository is the first forge link of the content (outside the
 * site's header, navigation and footer, which link to the site's own repository); the
 * homepage a link whose words say "website" or "homepage".
 */
export function parseServerPage(html: string, { base }: ParseOptions = {}): ServerPage {
  const document = parseDocument(html);
  const content = all(document, "a[href]").filter((a) => a.closest(CHROME) === null);
  let repoUrl: string | null = null;
  let homepage: string | null = null;
  const tags: string[] = [];
  for (const link of content) {
    const href = link.getAttribute("href") ?? "";
    const path = sitePath(href, base);
    if (path !== null) {
      const tag = tagSlugFromPath(path) ?? categorySlugFromPath(path);
      if (tag !== null && !tags.includes(tag)) tags.push(tag);
      continue;
    }
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      continue;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") continue;
    const host = url.host.replace(/^www\./, "").toLowerCase();
    if (FORGE_HOSTS.has(host)) {
      if (repoUrl === null && /^\/[^/]+\/[^/]+/.test(url.pathname)) repoUrl = url.href;
      continue;
    }
    const words = `${text(link)} ${link.getAttribute("aria-label") ?? ""} ${
      link.getAttribute("title") ?? ""
    }`;
    if (homepage === null && /\b(website|homepage|home page)\b/i.test(words)) homepage = url.href;
  }
  const main = document.querySelector("main, article") ?? document;
  const heading = Array.from(main.querySelectorAll("h1")).find((h) => h.closest(CHROME) === null);
  const meta = document.querySelector("meta[name='description']")?.getAttribute("content");
  const paragraph = Array.from(main.querySelectorAll("p")).find((p) => p.closest(CHROME) === null);
  const description = (meta ?? "").replace(/\s+/g, " ").trim() || text(paragraph);
  return { name: text(heading), description, repoUrl, homepage, tags };
}

/**
 * Reads a sitemap or sitemap index. Never throws: what is not XML, or not a sitemap, has no
 * URLs.
 */
export function parseSitemap(xml: string): Sitemap {
  let root: Root;
  try {
    root = new DOMParser().parseFromString(xml, "text/xml") as unknown as Root;
  } catch {
    return { sitemaps: [], urls: [] };
  }
  const locOf = (el: Element) => text(el.querySelector("loc"));
  const sitemaps = all(root, "sitemap").map(locOf).filter((loc) => loc.length > 0);
  const urls: SitemapUrl[] = [];
  for (const url of all(root, "url")) {
    const loc = locOf(url);
    if (!loc) continue;
    const lastmod = text(url.querySelector("lastmod"));
    urls.push({ loc, lastmod: lastmod && !Number.isNaN(Date.parse(lastmod)) ? lastmod : null });
  }
  return { sitemaps, urls };
}
