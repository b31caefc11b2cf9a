/**
 * The awesome list behind mcpservers.org (github.com/wong2/awesome-mcp-servers): a git repository
 * whose `README.md` lists servers as Markdown bullets. Parsed by `_awesome_readme.ts`.
 *
 * @module
 */
import { syncRepo, withCheckoutLock } from "./git.ts";
import { redactUrl } from "../util/redact_url.ts";
import type { CatalogSource, RefreshContext, SourceSnapshot } from "./source.ts";

export { AWESOME_REPO_URL } from "./source.ts";
import { AWESOME_REPO_URL } from "./source.ts";

/**
 * The list's web page for a repository on github.com (`https://github.com/<owner>/<repo>`, no
 * credentials, no `.git`), for `links.awesome`; null for a repository anywhere else.
 */
export function awesomePageUrl(repo: string): string | null {
  const https = repo.trim().replace(/^git@github\.com:/i, "https://github.com/")
    .replace(/^(ssh|git):\/\/(git@)?github\.com\//i, "https://github.com/");
  let url: URL;
  try {
    url = new URL(https);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(url.protocol) || !/^(www\.)?github\.com$/i.test(url.hostname)) return null;
  const [owner, name] = url.pathname.split("/").filter(Boolean);
  if (!owner || !name) return null;
  return `https://github.com/${owner}/${name.replace(/\.git$/, "")}`;
}

/** Options for {@linkcode AwesomeListSource}. */
export interface AwesomeListSourceOptions {
  /** Any git URL or local path. @default AWESOME_REPO_URL */
  repo?: string;
  /** Where the clone lives (as `awesome-mcp-servers/`). */
  sourcesDir: string;
}

/** Clones (later fetches) the awesome list and reads its README. */
export class AwesomeListSource implements CatalogSource {
  readonly name = "awesome";
  /** The repository, with any credentials in its URL masked. */
  readonly location: string;
  readonly #repo: string;
  readonly #checkout: string;

  constructor({ repo = AWESOME_REPO_URL, sourcesDir }: AwesomeListSourceOptions) {
    this.#repo = repo;
    this.location = redactUrl(repo);
    this.#checkout = `${sourcesDir}/awesome-mcp-servers`;
  }

  /** Syncs and reads the checkout under its lock, so another process cannot change it midway. */
  refresh({ signal, progress }: RefreshContext = {}): Promise<SourceSnapshot> {
    return withCheckoutLock({ dir: this.#checkout, signal }, async () => {
      progress?.({ message: `syncing ${this.location}` });
      const revision = await syncRepo(this.#repo, this.#checkout, signal);
      progress?.({ message: `reading README.md at ${revision.slice(0, 12)}` });
      const markdown = await readReadme(this.#checkout);
      // Loaded on first use, like the YAML parser: most starts never refresh.
      const { parseAwesomeReadme } = await import("./_awesome_readme.ts");
      const parsed = parseAwesomeReadme(markdown, {
        refreshedAt: new Date().toISOString(),
        pageUrl: awesomePageUrl(this.#repo),
      });
      signal?.throwIfAborted();
      return { entries: parsed.entries, revision, errors: [], warnings: parsed.warnings };
    });
  }
}

/** The checkout's `README.md`; a symlink is followed only when it stays inside the checkout. */
async function readReadme(checkout: string): Promise<string> {
  const path = `${checkout}/README.md`;
  try {
    const [root, target] = await Promise.all([Deno.realPath(checkout), Deno.realPath(path)]);
    if (!target.startsWith(`${root}/`)) {
      throw new Error("it is a symlink that leads out of the checkout");
    }
    return await Deno.readTextFile(target);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "the repository has no README.md; is MCP_REGISTRY_AWESOME_REPO the awesome list?"
      : (error as Error).message;
    throw new Error(`Cannot read the awesome list: ${path} (${why})`);
  }
}
