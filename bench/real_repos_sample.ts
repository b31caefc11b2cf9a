/**
 * Draws the sample of real repositories for `real_repos_measure.ts` (issue 15, item 6), by a
 * written rule, so anyone can draw it again:
 *
 * 1. the catalog is merged from the project's real-data fixtures: the embedded Docker snapshot,
 *    the official registry's `data/seed.b21c6f5.json` and the awesome list behind mcpservers.org
 *    (`wong2-awesome-mcp-servers.README.39eb1d7.md`; the site's own pages could not be saved, so
 *    the list is the real record of what mcpservers.org names);
 * 2. the candidates are the merged entries that come from the awesome list, name a github.com
 *    repository and that no source gives an image, a package or a remote (`launch_method`
 *    `none`, or `build` where the merge marks them for the resolver);
 * 3. they are sorted by id and shuffled with a seeded generator (mulberry32, seed 20261204); the
 *    sample is the first ones in that order, as many as the measure needs (40 fetched, to keep
 *    30 or more when some fail).
 *
 * `deno run -A bench/real_repos_sample.ts [count]` prints the first `count` (default 60) drawn as
 * JSON lines: `{ rank, id, repo, directory }`.
 *
 * @module
 */
import type { CatalogEntry } from "../src/catalog/entry.ts";
import { mergeSources } from "../src/catalog/merge.ts";
import { loadSnapshot } from "../src/catalog/snapshot.ts";
import { parseAwesomeReadme } from "../src/sources/_awesome_readme.ts";
import { officialIds } from "../src/sources/_official_row.ts";
import { mapOfficialServer } from "../src/sources/_official_server_json.ts";
import { AWESOME_FIXTURES, OFFICIAL_FIXTURES } from "../tests/_helpers/fixtures.ts";

/** The seed of the draw: the day the sample was measured. */
export const SAMPLE_SEED = 20261204;

/**
 * An entry no source gives an image, package or remote: `none`, or `build` once the merge marks
 * such entries for the resolver (`src/catalog/repo_build.ts`).
 */
const NO_WAY_TO_RUN = new Set(["none", "build"]);

/** One drawn candidate. */
export interface Candidate {
  /** 1-based place in the seeded order. */
  rank: number;
  /** The merged catalog's id. */
  id: string;
  /** `https://github.com/<owner>/<name>` (lowercase, as the catalog keeps it). */
  repo: string;
  /** `<owner>/<name>` as the list spells it (GitHub's snapshots are case-sensitive). */
  github: string;
  /** The folder of a monorepo the entry points at, or null. */
  directory: string | null;
}

/** Every candidate in the seeded order (the rule in the module comment). */
export async function drawCandidates(): Promise<Candidate[]> {
  const refreshedAt = "2026-12-04T00:00:00Z";
  const docker = (await loadSnapshot("docker"))?.entries ?? [];
  const servers = JSON.parse(
    await Deno.readTextFile(`${OFFICIAL_FIXTURES}/data/seed.b21c6f5.json`),
  ) as { name?: string }[];
  const ids = officialIds(servers.map((s) => String(s.name ?? "")));
  const official: CatalogEntry[] = [];
  for (const server of servers) {
    const mapped = mapOfficialServer(server, {
      id: ids.get(String(server.name ?? "")) ?? "unnamed",
      registryUrl: "https://registry.modelcontextprotocol.io",
      refreshedAt,
    });
    if (mapped.entry) official.push(mapped.entry);
  }
  const markdown = await Deno.readTextFile(
    `${AWESOME_FIXTURES}/wong2-awesome-mcp-servers.README.39eb1d7.md`,
  );
  const awesome = parseAwesomeReadme(markdown, { refreshedAt }).entries;
  const merged = mergeSources([docker, official, awesome]).entries;
  const pool = merged
    .filter((e) =>
      e.sources.includes("awesome") && NO_WAY_TO_RUN.has(e.launch_method) &&
      e.repo_url?.startsWith("https://github.com/")
    )
    .sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const random = mulberry32(SAMPLE_SEED);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.map((e, i) => ({
    rank: i + 1,
    id: e.id,
    repo: e.repo_url!,
    github: spelling(markdown, e.repo_url!),
    directory: e.repo_subfolder,
  }));
}

/** `<owner>/<name>` as the README spells `repo` (the catalog lowercases it). */
function spelling(markdown: string, repo: string): string {
  const path = repo.slice("https://github.com/".length);
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const found = markdown.match(new RegExp(`github\\.com/(${escaped})(?![\\w.-])`, "i"));
  return found?.[1] ?? path;
}

/** A small seeded generator in [0, 1): the same seed gives the same draw everywhere. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (import.meta.main) {
  const count = Number(Deno.args[0] ?? 60);
  const all = await drawCandidates();
  console.error(`${all.length} candidates; the first ${count}:`);
  for (const c of all.slice(0, count)) console.log(JSON.stringify(c));
}
