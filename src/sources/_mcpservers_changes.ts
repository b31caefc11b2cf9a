/**
 * Which server pages of mcpservers.org a refresh reads: those of new servers, of servers whose
 * page the last refresh could not read ({@linkcode DETAILS_NOT_READ}), and of servers whose
 * sitemap `lastmod` is newer than the last refresh's start. The rest keep what they had.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { PreviousRefresh } from "./source.ts";
import type { SiteFetcher } from "./_mcpservers_fetch.ts";
import { parseSitemap, serverSlugFromPath, sitePath } from "./_mcpservers_html.ts";
import type { ServerCard } from "./_mcpservers_html.ts";

import { DETAILS_NOT_READ } from "./_mcpservers_entries.ts";
export { DETAILS_NOT_READ };

/** Child sitemaps of the sitemap index that are read at most. */
const MAX_SITEMAPS = 50;

/**
 * Server slug -> `lastmod`, from the sitemap (index) of the site at `base`. Empty when it cannot
 * be read, with a warning pushed onto `warnings`; a cancelled refresh throws.
 */
export async function readLastmods(
  fetcher: SiteFetcher,
  { base, warnings, signal }: { base: string; warnings: string[]; signal: AbortSignal },
): Promise<Map<string, string>> {
  const lastmods = new Map<string, string>();
  const problem = (why: string) =>
    warnings.push(
      `sitemap: ${why}; server pages were read only for servers without details, so changes ` +
        "to other servers wait until the sitemap can be read",
    );
  try {
    const root = await fetcher.get(`${base}/sitemap.xml`);
    if (root === null) return problem("/sitemap.xml not found (HTTP 404)"), lastmods;
    const index = parseSitemap(root);
    const files = [{ urls: index.urls }];
    const children = index.sitemaps.map((loc) => sitePath(loc, base))
      .filter((path) => path !== null).slice(0, MAX_SITEMAPS);
    const failed: string[] = [];
    await Promise.all(children.map(async (path) => {
      try {
        const text = await fetcher.get(`${base}${path}`);
        if (text === null) failed.push(`${path} (HTTP 404)`);
        else files.push({ urls: parseSitemap(text).urls });
      } catch (error) {
        if (signal.aborted) throw error;
        failed.push(`${path} (${(error as Error).message})`);
      }
    }));
    for (const { urls } of files) {
      for (const { loc, lastmod } of urls) {
        const path = sitePath(loc, base);
        const slug = path === null ? null : serverSlugFromPath(path);
        if (slug !== null && lastmod !== null) lastmods.set(slug, lastmod);
      }
    }
    if (failed.length > 0) problem(`cannot read ${failed.join(", ")}`);
    else if (lastmods.size === 0) problem("no server page has a lastmod date");
  } catch (error) {
    if (signal.aborted) throw error;
    problem((error as Error).message);
  }
  return lastmods;
}

/** The cards whose server page is to be read, given the last good refresh and the sitemap. */
export function pagesToRead(
  cards: readonly ServerCard[],
  { previous, lastmods }: { previous: PreviousRefresh | null; lastmods: Map<string, string> },
): ServerCard[] {
  const before = new Map<string, CatalogEntry>((previous?.entries ?? []).map((e) => [e.name, e]));
  const since = previousStart(previous);
  return cards.filter(({ slug }) => {
    const entry = before.get(slug);
    if (!entry || entry.warnings.includes(DETAILS_NOT_READ)) return true;
    const lastmod = lastmods.get(slug);
    return lastmod !== undefined && Date.parse(lastmod) > since;
  });
}

/** When the previous refresh started (or, failing that, ended); -Infinity without one. */
function previousStart(previous: PreviousRefresh | null): number {
  if (!previous) return -Infinity;
  const ended = Date.parse(previous.refreshedAt);
  const started = Date.parse(previous.cursor ?? "");
  if (Number.isNaN(ended)) return Number.isNaN(started) ? -Infinity : started;
  return Number.isNaN(started) ? ended : Math.min(started, ended);
}
