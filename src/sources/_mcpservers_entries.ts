/**
 * The catalog entries of one mcpservers.org refresh: each listed server's card, with what its
 * server page, the category and official listings say, and, for what could not be read this
 * time, what the last good refresh knew. Pure.
 *
 * @module
 */
import { type CatalogEntry, checkEntry } from "../catalog/entry.ts";
import { splitRepoLink } from "../catalog/names.ts";
import { assignIds } from "../catalog/slug.ts";
import { withoutCredentials } from "./_http.ts";
import type { ServerCard, ServerPage } from "./_mcpservers_html.ts";

export const SOURCE = "mcpservers";

/** The warning an entry carries when its server page could not be read; it is read next time. */
export const DETAILS_NOT_READ =
  "mcpservers.org: the server page could not be read in the last refresh; repository, homepage " +
  "and tags may be missing or out of date";

/** The pages of one listing, merged. */
export interface Listing {
  cards: ServerCard[];
  categories: string[];
}

/** The page of the server `slug` on the site at `base`. */
export function serverUrl(base: string, slug: string): string {
  return `${base}/servers/${slug.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * The entries, sorted by id. A server page that failed (null in `details`) or is still unread
 * from last time leaves {@linkcode DETAILS_NOT_READ} on the entry, so the next refresh reads it.
 */
export function siteEntries(
  { base, listing, categories, official, details, previous, startedAt, errors }: {
    /** The site's URL (no trailing slash). */
    base: string;
    listing: Listing;
    categories: Map<string, Set<string> | null>;
    official: Set<string> | null;
    details: Map<string, ServerPage | null>;
    previous: Map<string, CatalogEntry>;
    startedAt: string;
    /** Where an entry the catalog schema refuses is reported. */
    errors: string[];
  },
): CatalogEntry[] {
  const ids = assignIds(listing.cards.map((c) => c.slug));
  const entries: CatalogEntry[] = [];
  for (const card of listing.cards) {
    const before = previous.get(card.slug);
    const page = details.get(card.slug);
    const warnings: string[] = [];
    let repo: string | null = null;
    let subfolder: string | null = null;
    let homepage: string | null;
    let tags: string[];
    if (page) {
      if (page.repoUrl) ({ repo, subfolder } = splitRepoLink(page.repoUrl));
      homepage = page.homepage;
      tags = page.tags;
    } else {
      repo = before?.repo_url ?? null;
      subfolder = before?.repo_subfolder ?? null;
      homepage = before?.homepage ?? null;
      tags = before?.tags ?? [];
      // Not read (failed) now, or still unread from last time: read it next time.
      if (page === null || before?.warnings.includes(DETAILS_NOT_READ)) {
        warnings.push(DETAILS_NOT_READ);
      }
    }
    // `/servers/github/<owner>/<repo>` names its repository.
    const named = card.slug.match(/^github\/([^/]+)\/([^/]+)$/);
    if (repo === null && named) {
      repo = splitRepoLink(`https://github.com/${named[1]}/${named[2]}`).repo;
    }
    const candidate = {
      id: ids.get(card.slug),
      name: card.slug,
      title: card.name,
      description: card.description || page?.description || before?.description || "",
      source: SOURCE,
      sources: [SOURCE],
      repo_url: repo,
      repo_subfolder: subfolder,
      homepage,
      links: { [SOURCE]: withoutCredentials(serverUrl(base, card.slug)) },
      container_image: null,
      categories: [...categories].filter(([category, members]) =>
        members ? members.has(card.slug) : before?.categories.includes(category) ?? false
      ).map(([category]) => category),
      tags,
      official: official ? official.has(card.slug) : before?.official ?? false,
      featured: card.sponsored,
      requires_api_key: false,
      tools: [],
      launch_method: "none",
      last_refreshed: startedAt,
      run: {},
      config: {},
      remote: null,
      warnings,
    };
    const parsed = checkEntry(candidate);
    if ("error" in parsed) {
      errors.push(`servers/${card.slug}: Cannot load "${card.slug}": ${parsed.error}`);
      continue;
    }
    entries.push(parsed.entry);
  }
  return entries.sort((a, b) => a.id.localeCompare(b.id));
}
