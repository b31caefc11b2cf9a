/**
 * Turns the README of the awesome list behind mcpservers.org (github.com/wong2/awesome-mcp-servers)
 * into catalog entries. Pure: text in, entries out.
 *
 * The list is hand-edited Markdown, so each bullet is read on its own: a malformed bullet (an
 * unclosed `**`, an escaped `\*\*[`, a link target wrapped in `<...>` or holding another link, a
 * line ending in `\`) loads with a warning on its entry, and a bullet with no `[name](link)` at
 * its start becomes a warning naming its line. Only the `Reference Servers`, `Official Servers`
 * and `Community Servers` sections hold servers; `Clients` and `Frameworks` are not read.
 *
 * @module
 */
import { parseHTML } from "linkedom";
import { type CatalogEntry, CatalogEntrySchema } from "../catalog/entry.ts";
import { splitRepoLink } from "../catalog/names.ts";
import { assignIds, slugify } from "../catalog/slug.ts";
import {
  cleanTitle,
  isHttpUrl,
  plainText,
  readLink,
  stripSymbolTokens,
} from "./_awesome_markdown.ts";

/** The sections that list servers, highest rank first; each is also the entries' tag. */
export const AWESOME_SECTIONS = ["reference", "official", "community"] as const;
export type AwesomeSection = (typeof AWESOME_SECTIONS)[number];

/** A row of the `## Sponsors` table: the links it points at and the names it goes by. */
export interface AwesomeSponsor {
  links: string[];
  /** From the logo's `alt` (minus "Logo") and from the text link up to its " - ". */
  names: string[];
}

/** Options for {@linkcode parseAwesomeReadme}. */
export interface ParseAwesomeReadmeOptions {
  /** ISO time stamped on every entry as `last_refreshed`. */
  refreshedAt: string;
  /**
   * The list's web page, e.g. `https://github.com/wong2/awesome-mcp-servers`; each entry links to
   * its section there as `links.awesome`. Null: no link.
   * @default null
   */
  pageUrl?: string | null;
  /** Names the file in warnings. @default "README.md" */
  fileName?: string;
}

/** What a README yields. */
export interface ParsedAwesomeReadme {
  entries: CatalogEntry[];
  /** Each names its line: worked-around faults (also on the entry) and skipped bullets. */
  warnings: string[];
  sponsors: AwesomeSponsor[];
  /** Bullets read per section (entries plus skipped bullets). */
  counts: Record<AwesomeSection, number>;
}

const SOURCE = "awesome";
const FORGE_REPO =
  /^https:\/\/(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)\/[^/]+\/[^/]+$/;
/** GitHub paths that are not `owner/repo`. */
const NOT_OWNERS = new Set(["orgs", "marketplace", "features", "apps", "topics", "sponsors"]);

/** One bullet of a server section, its continuation lines joined. */
interface Bullet {
  section: AwesomeSection;
  heading: string;
  line: number;
  text: string;
}

/** A bullet read into its parts, before names are made unique. */
interface Item {
  bullet: Bullet;
  title: string;
  url: string | null;
  description: string;
  warnings: string[];
}

/**
 * Parses the README. Throws a `SyntaxError` when it has none of the three server sections (the
 * list's layout changed); everything less costs one bullet at most.
 */
export function parseAwesomeReadme(
  markdown: string,
  options: ParseAwesomeReadmeOptions,
): ParsedAwesomeReadme {
  const { refreshedAt, pageUrl = null, fileName = "README.md" } = options;
  const { bullets, sponsorText, headings } = splitSections(markdown);
  if (!AWESOME_SECTIONS.some((section) => headings.has(section))) {
    throw new SyntaxError(
      `Cannot parse ${fileName}: none of the sections "## Reference Servers", ` +
        `"## Official Servers", "## Community Servers" is in it`,
    );
  }
  const warnings: string[] = [];
  const counts = { reference: 0, official: 0, community: 0 };
  const items: Item[] = [];
  for (const bullet of bullets) {
    counts[bullet.section]++;
    const item = readBullet(bullet);
    if (typeof item === "string") {
      const excerpt = bullet.text.length > 80 ? `${bullet.text.slice(0, 79)}\u2026` : bullet.text;
      const where = `${fileName}:${bullet.line}`;
      warnings.push(`${where}: skipped a bullet in "${bullet.heading}": ${item} ("${excerpt}")`);
      continue;
    }
    items.push(item);
    for (const w of item.warnings) {
      warnings.push(`${fileName}:${bullet.line}: "${item.title}": ${w}`);
    }
  }

  const sponsors = parseSponsors(sponsorText);
  const featured = featuredItems(items, sponsors);
  const names = uniqueNames(items);
  const ids = assignIds([...names.values()]);
  const entries = items.map((item) => {
    const name = names.get(item)!;
    const link = item.url ? splitRepoLink(item.url) : null;
    const forge = link !== null && isForgeRepo(link.repo);
    const anchor = githubAnchor(headings.get(item.bullet.section)!);
    return CatalogEntrySchema.parse({
      id: ids.get(name),
      name,
      title: item.title,
      description: item.description,
      source: SOURCE,
      sources: [SOURCE],
      repo_url: forge ? link.repo : null,
      repo_subfolder: forge ? link.subfolder : null,
      homepage: forge ? null : item.url,
      links: pageUrl ? { [SOURCE]: `${pageUrl}#${anchor}` } : {},
      aliases: [],
      container_image: null,
      icon: null,
      categories: [],
      tags: [item.bullet.section],
      official: item.bullet.section !== "community",
      featured: featured.has(item),
      requires_api_key: false,
      tools: [],
      launch_method: "none",
      last_refreshed: refreshedAt,
      run: {},
      config: {},
      remote: null,
      warnings: item.warnings.map((w) => `${fileName} line ${item.bullet.line}: ${w}`),
    });
  });
  return { entries, warnings, sponsors, counts };
}

/**
 * Reads the rows of the `## Sponsors` section (an HTML table; Markdown links count too). Each
 * `<tr>` is one sponsor; outside a table, each link is one.
 */
export function parseSponsors(sectionText: string): AwesomeSponsor[] {
  const sponsors: AwesomeSponsor[] = [];
  if (/<a\s/i.test(sectionText)) {
    const { document } = parseHTML(`<html><body>${sectionText}</body></html>`) as unknown as {
      document: HtmlElement;
    };
    const rows = Array.from(document.querySelectorAll("tr"));
    const groups = rows.length > 0 ? rows : Array.from(document.querySelectorAll("a"));
    for (const row of groups) {
      const links = new Set<string>();
      const names = new Set<string>();
      const anchors = row.tagName === "A" ? [row] : Array.from(row.querySelectorAll("a"));
      for (const a of anchors) {
        const href = a.getAttribute("href")?.trim();
        if (href) links.add(href);
        const text = (a.textContent ?? "").replace(/\s+/g, " ").trim();
        if (text) names.add(text.split(/ [-\u2013\u2014] /)[0]!.trim());
      }
      for (const img of Array.from(row.querySelectorAll("img"))) {
        const alt = img.getAttribute("alt")?.replace(/\s*\blogo$/i, "").trim();
        if (alt) names.add(alt);
      }
      if (links.size > 0) sponsors.push({ links: [...links], names: [...names] });
    }
  }
  for (const match of sectionText.matchAll(/(?<!!)\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g)) {
    sponsors.push({ links: [match[2]!], names: [match[1]!.split(/ [-\u2013\u2014] /)[0]!.trim()] });
  }
  return sponsors;
}

/** The little of linkedom's DOM used here (its types lean on the DOM library Deno lacks). */
interface HtmlElement {
  readonly tagName: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selectors: string): ArrayLike<HtmlElement>;
}

/** The anchor GitHub gives a heading: `Reference Servers` -> `reference-servers`. */
export function githubAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The server sections' bullets, the sponsors section's text, and each server heading. */
function splitSections(markdown: string) {
  const lines = markdown.split(/\r?\n/);
  const bullets: Bullet[] = [];
  const headings = new Map<AwesomeSection, string>();
  const sponsorLines: string[] = [];
  let section: AwesomeSection | "sponsors" | null = null;
  let heading = "";
  let current: Bullet | null = null;
  let fence: string | null = null;
  for (const [index, line] of lines.entries()) {
    const fenceMark = line.match(/^\s*(`{3,}|~{3,})/)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = null;
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      current = null;
      continue;
    }
    const h = line.match(/^(#{1,2})\s+(.*?)\s*#*\s*$/);
    if (h) {
      current = null;
      heading = h[2]!;
      section = sectionOf(heading);
      if (section !== null && section !== "sponsors" && !headings.has(section)) {
        headings.set(section, heading);
      }
      continue;
    }
    if (section === "sponsors") {
      sponsorLines.push(line);
      continue;
    }
    if (section === null) continue;
    const start = line.match(/^[-*+]\s+(.*)$/);
    if (start) {
      current = { section, heading, line: index + 1, text: start[1]!.trim() };
      bullets.push(current);
    } else if (current && /^\s+\S/.test(line) && !/^\s*#/.test(line)) {
      // A continuation line (or a nested bullet): part of the bullet above.
      current.text = `${current.text}\n${line.trim()}`;
    } else {
      current = null;
    }
  }
  return { bullets, headings, sponsorText: sponsorLines.join("\n") };
}

function sectionOf(heading: string): AwesomeSection | "sponsors" | null {
  const h = heading.toLowerCase().replace(/[^a-z ]/g, "").trim();
  if (h === "sponsors") return "sponsors";
  if (h === "reference servers") return "reference";
  if (h === "official servers" || h === "official integrations") return "official";
  if (h === "community servers") return "community";
  return null;
}

/** Reads a bullet's text, or says why it holds no server. */
function readBullet(bullet: Bullet): Item | string {
  const warnings: string[] = [];
  let rest = bullet.text;
  let bold: string | null = null;
  if (rest.startsWith("**") || rest.startsWith("__")) {
    bold = rest.slice(0, 2);
    rest = rest.slice(2);
  } else if (rest.startsWith("\\*\\*")) {
    bold = "**";
    rest = rest.slice(4);
    warnings.push("the bold marker before the link is escaped (\\*\\*)");
  }
  const link = readLink(rest);
  if (!link) return "no [name](link) at its start";
  rest = rest.slice(link.length);
  if (bold !== null) {
    if (rest.startsWith(bold)) rest = rest.slice(2);
    else if (rest.startsWith("\\*\\*")) rest = rest.slice(4);
    else warnings.push(`unclosed '${bold}' after the link`);
  }
  const title = cleanTitle(link.text);
  if (!title) return `the link text "${link.text}" holds no name`;

  let url: string | null = link.target;
  if (url.startsWith("<") && url.endsWith(">")) url = url.slice(1, -1).trim();
  const inner = readLink(url);
  if (inner) {
    warnings.push(`the link target "${link.target}" is itself a Markdown link; used its target`);
    url = inner.target.replace(/^<|>$/g, "").trim();
  }
  url = url.split(/\s+/)[0] ?? "";
  if (!isHttpUrl(url)) {
    warnings.push(`the link "${url}" is not an http(s) URL; left out`);
    url = null;
  }

  let description = rest.split("\n").map((l) => l.trim().replace(/\\+$/, "").trim()).join(" ");
  if (/\\\s*$/m.test(rest)) warnings.push("a line ends in a backslash (a Markdown line break)");
  let by: string | null = null;
  const byMatch = description.match(/^\s*\(by ([^)]+)\)/i);
  if (byMatch) {
    by = byMatch[1]!.trim();
    description = description.slice(byMatch[0].length);
  }
  description = plainText(description.trim().replace(/^[-\u2013\u2014:|]+\s*/, ""));
  description = stripSymbolTokens(description, "start");
  if (by) description = description ? `${description} (by ${by})` : `By ${by}.`;
  return { bullet, title, url, description, warnings };
}

function isForgeRepo(repo: string): boolean {
  if (!FORGE_REPO.test(repo)) return false;
  return !NOT_OWNERS.has(repo.split("/")[3]!);
}

/**
 * Which items the sponsors table features. A sponsor features the entries whose link is one of
 * its links (compared as {@linkcode splitRepoLink} normalizes them: no query, `www.`, trailing
 * slash); failing that, the entries whose title is one of its names, compared as slugs with a
 * trailing "MCP" / "MCP Server" / "Server" dropped. Of several entries matched by name only those
 * of the highest-ranked section count (the official one over a community namesake).
 */
function featuredItems(items: readonly Item[], sponsors: readonly AwesomeSponsor[]): Set<Item> {
  const featured = new Set<Item>();
  const linkKey = (url: string) => splitRepoLink(url).repo.toLowerCase();
  const nameKey = (name: string) =>
    slugify(name).replace(/(-mcp)?(-server)?$/, "").replace(/-mcp$/, "");
  for (const sponsor of sponsors) {
    const links = new Set(sponsor.links.filter(isHttpUrl).map(linkKey));
    let matched = items.filter((item) => item.url !== null && links.has(linkKey(item.url)));
    if (matched.length === 0) {
      const names = new Set(sponsor.names.map(nameKey).filter((k) => k !== "server"));
      matched = items.filter((item) => names.has(nameKey(item.title)));
      const best = Math.min(...matched.map((item) => rank(item.bullet.section)));
      matched = matched.filter((item) => rank(item.bullet.section) === best);
    }
    for (const item of matched) featured.add(item);
  }
  return featured;
}

function rank(section: AwesomeSection): number {
  return AWESOME_SECTIONS.indexOf(section);
}

/**
 * A unique name for every item. A title listed once is the name. Of a title listed several times
 * (compared case-insensitively), the one entry of the highest-ranked section keeps it when no
 * other shares that section; every other gets its owner in parentheses (`BigQuery (ergut)`: the
 * repository's owner, or the link's host), then `owner/repo` where owners clash, then a number
 * in line order.
 */
function uniqueNames(items: readonly Item[]): Map<Item, string> {
  const names = new Map<Item, string>();
  const groups = Map.groupBy(items, (item) => item.title.toLowerCase());
  const taken = new Set(
    [...groups.values()].filter((g) => g.length === 1).map((g) => g[0]!.title.toLowerCase()),
  );
  for (const group of groups.values()) {
    if (group.length === 1) {
      names.set(group[0]!, group[0]!.title);
      continue;
    }
    const best = Math.min(...group.map((item) => rank(item.bullet.section)));
    const top = group.filter((item) => rank(item.bullet.section) === best);
    let rest = group;
    if (top.length === 1) {
      names.set(top[0]!, top[0]!.title);
      taken.add(top[0]!.title.toLowerCase());
      rest = group.filter((item) => item !== top[0]);
    }
    for (const level of [1, 2] as const) {
      const proposed = Map.groupBy(rest, (item) => `${item.title} (${qualifier(item, level)})`);
      const clashing: Item[] = [];
      for (const [name, same] of proposed) {
        if (same.length === 1 && !taken.has(name.toLowerCase())) {
          names.set(same[0]!, name);
          taken.add(name.toLowerCase());
        } else clashing.push(...same);
      }
      rest = clashing;
    }
    for (const item of rest) {
      let n = 2;
      while (taken.has(`${item.title} (${n})`.toLowerCase())) n++;
      names.set(item, `${item.title} (${n})`);
      taken.add(`${item.title} (${n})`.toLowerCase());
    }
  }
  return names;
}

/** What tells a namesake apart: level 1 the owner (or host), level 2 the whole path. */
function qualifier(item: Item, level: 1 | 2): string {
  if (!item.url) return "no link";
  const url = new URL(item.url);
  const host = url.hostname.replace(/^www\./, "");
  const parts = url.pathname.split("/").filter(Boolean);
  const forge = isForgeRepo(splitRepoLink(item.url).repo);
  if (level === 1) return forge ? parts[0]! : host;
  return forge ? parts.slice(0, 2).join("/") : [host, ...parts].join("/");
}
