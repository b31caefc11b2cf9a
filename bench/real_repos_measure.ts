/**
 * How many real MCP server repositories the resolver finds a way to run (issue 15, item 6): the
 * sample drawn by `real_repos_sample.ts` (awesome-list / mcpservers.org entries with no image,
 * package or remote), each read from a bare git mirror on this machine, resolved by
 * `findRunWay()` (`src/registry/run_way.ts`), with every package way checked by
 * `checkPublishedFrom()` (`src/sources/package_registry.ts`) against the npm registry and PyPI
 * reachable from here (published, and its metadata points back to the same repository).
 *
 *   deno run -A bench/real_repos_measure.ts [--mirrors DIR] [--count N] [--write]
 *
 * - `--mirrors` (default `/work/.mirror`): one bare repository per `<owner>+<name>/repo`, as the
 *   session's `fetch` tool leaves them. No mirrors there: the script says so and exits 0, so it
 *   never fails a CI clone (it is not part of `deno task bench`: it needs mirrors and network).
 * - `--count` (default 45): how many drawn candidates to measure, in the seeded order; one with
 *   no mirror is recorded as `no snapshot`, not replaced.
 * - `--write`: save the result in `bench/real_repos.json`.
 *
 * A repository's kind is its cheapest way that holds: a package the registry confirms, else a
 * Containerfile/Dockerfile, else a source recipe, else none. Whether each could be built here
 * with no network and no image registry is judged from the files (base images present locally;
 * a Node recipe with no dependencies) and written down with the reason.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { findRunWay, type RunWay } from "../src/registry/run_way.ts";
import { checkPublishedFrom, type PackageCheck } from "../src/sources/package_registry.ts";
import { type GitMirrorTree, gitMirrorTree } from "./_git_mirror_tree.ts";
import { type Candidate, drawCandidates, SAMPLE_SEED } from "./real_repos_sample.ts";

export type Kind = "package" | "containerfile" | "recipe" | "none";

/** One measured repository. */
export interface RepoResult {
  rank: number;
  id: string;
  repo: string;
  directory: string | null;
  /** `no snapshot`: the fetch tool had no copy (moved, deleted, private, too big). */
  snapshot: "ok" | "no snapshot";
  commit?: string;
  language?: string;
  kind?: Kind;
  /** Every way found, cheapest first, with the registry's answer for packages. */
  ways?: string[];
  package_checks?: (PackageCheck & { registry: string; name: string })[];
  offline_build?: { possible: boolean; why: string };
  /** Milliseconds for findRunWay over the mirror plus the package registry round trips. */
  resolve_ms?: number;
  error?: string;
}

const EXTENSIONS: Record<string, string> = {
  ts: "TypeScript",
  tsx: "TypeScript",
  mts: "TypeScript",
  js: "JavaScript",
  mjs: "JavaScript",
  cjs: "JavaScript",
  py: "Python",
  go: "Go",
  rs: "Rust",
  java: "Java",
  kt: "Kotlin",
  el: "Emacs Lisp",
  cs: "C#",
  rb: "Ruby",
  php: "PHP",
  swift: "Swift",
  c: "C",
  cpp: "C++",
};

/** The language most of the folder's source files are in (by extension; tests and vendor out). */
function languageOf(tree: GitMirrorTree, directory: string): string {
  const counts = new Map<string, number>();
  for (const path of tree.files()) {
    if (directory && !path.startsWith(`${directory}/`)) continue;
    if (/(^|\/)(node_modules|vendor|dist|build|tests?|__tests__|examples?)\//.test(path)) continue;
    if (path.endsWith(".d.ts")) continue;
    const language = EXTENSIONS[path.slice(path.lastIndexOf(".") + 1).toLowerCase()];
    if (language) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return best?.[0] ?? "none";
}

function describe(way: RunWay): string {
  if (way.kind === "package") return `package ${way.registry}:${way.name} (${way.file})`;
  if (way.kind === "containerfile") return `containerfile ${way.file}`;
  const r = way.recipe;
  if (r.language === "node") {
    return `recipe node bin ${r.bin} install ${r.install ?? "none"}${r.build ? " + build" : ""}`;
  }
  if (r.language === "python") return `recipe python script ${r.script}`;
  return `recipe go ${r.packageDirectory || "."}`;
}

/** The base images a Containerfile's stages start from (earlier stages and `scratch` left out). */
export function baseImages(containerfile: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  const text = containerfile.replace(/\\\r?\n/g, " ");
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!m) continue;
    const image = m[1]!;
    const known = stages.has(image.toLowerCase()) || bases.includes(image);
    if (!known && image !== "scratch") bases.push(image);
    if (m[2]) stages.add(m[2].toLowerCase());
  }
  return bases;
}

async function imageExists(image: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("podman", {
      args: ["image", "exists", image],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Whether the way chosen could be built here, offline, and why (not). */
async function offlineBuild(
  tree: GitMirrorTree,
  kind: Kind,
  ways: RunWay[],
): Promise<{ possible: boolean; why: string }> {
  if (kind === "none") return { possible: false, why: "no way to run found" };
  if (kind === "package") {
    return {
      possible: false,
      why: "a package runs through npx/uvx, which fetch from the registry",
    };
  }
  const chosen = ways.find((w) => w.kind === kind)!;
  if (chosen.kind === "containerfile") {
    const bases = baseImages((await tree.readText(chosen.file)) ?? "");
    const missing: string[] = [];
    for (const base of bases) if (!(await imageExists(base))) missing.push(base);
    if (bases.length === 0) return { possible: false, why: "no FROM line read" };
    if (missing.length) {
      return { possible: false, why: `base image not on this machine: ${missing.join(", ")}` };
    }
    return { possible: true, why: `base images local: ${bases.join(", ")}` };
  }
  if (chosen.kind !== "recipe") return { possible: false, why: "no build" };
  const recipe = chosen.recipe;
  if (recipe.language === "node") {
    return recipe.install === null
      ? { possible: true, why: "Node recipe with no dependencies" }
      : { possible: false, why: "the Node recipe runs npm install (needs the npm registry)" };
  }
  const fetcher = recipe.language === "go" ? "go modules" : "pip";
  return { possible: false, why: `the ${recipe.language} recipe downloads its ${fetcher}` };
}

/** The mirror of `owner/name` under `mirrors` (case-insensitive), or null. */
function mirrorOf(mirrors: string, repo: string): string | null {
  const want = repo.replace(/^https:\/\/github\.com\//, "").replace("/", "+").toLowerCase();
  for (const entry of Deno.readDirSync(mirrors)) {
    if (entry.isDirectory && entry.name.toLowerCase() === want) {
      return `${mirrors}/${entry.name}/repo`;
    }
  }
  return null;
}

/** Resolves one candidate from its mirror and asks the registries about its packages. */
export async function measureOne(mirrors: string, c: Candidate): Promise<RepoResult> {
  const base = { rank: c.rank, id: c.id, repo: c.repo, directory: c.directory };
  const gitDir = mirrorOf(mirrors, c.repo);
  if (!gitDir) return { ...base, snapshot: "no snapshot" };
  const tree = await gitMirrorTree(gitDir);
  const directory = c.directory ? tree.realCase(c.directory) : "";
  const result: RepoResult = { ...base, snapshot: "ok", commit: tree.commit };
  if (directory === null) {
    return { ...result, kind: "none", error: `no folder ${c.directory} at this commit` };
  }
  result.language = languageOf(tree, directory);
  const started = performance.now();
  const { ways } = await findRunWay(tree, directory);
  const checks: RepoResult["package_checks"] = [];
  const holds: RunWay[] = [];
  for (const way of ways) {
    if (way.kind !== "package") {
      holds.push(way);
      continue;
    }
    const check = await checkPublishedFrom(way, c.repo);
    checks.push({ registry: way.registry, name: way.name, ...check });
    if (check.ok) holds.push(way);
  }
  const kind: Kind = holds[0]?.kind ?? "none";
  const resolveMs = Math.round(performance.now() - started);
  return {
    ...result,
    kind,
    resolve_ms: resolveMs,
    ways: ways.map(describe),
    package_checks: checks,
    offline_build: await offlineBuild(tree, kind, ways),
  };
}

/** Counts and shares over the measured repositories. */
export function totals(results: RepoResult[]) {
  const measured = results.filter((r) => r.snapshot === "ok");
  const byKind: Record<Kind, number> = { package: 0, containerfile: 0, recipe: 0, none: 0 };
  const byLanguage: Record<string, { measured: number; found: number }> = {};
  for (const r of measured) {
    byKind[r.kind!]++;
    const lang = (byLanguage[r.language ?? "none"] ??= { measured: 0, found: 0 });
    lang.measured++;
    if (r.kind !== "none") lang.found++;
  }
  const pct = (n: number) => Math.round((1000 * n) / Math.max(1, measured.length)) / 10;
  const found = measured.length - byKind.none;
  const claims = measured.flatMap((r) => r.package_checks ?? []);
  const present = { package: 0, containerfile: 0, recipe: 0 };
  for (const r of measured) {
    if (r.package_checks?.some((c) => c.ok)) present.package++;
    if (r.ways?.some((w) => w.startsWith("containerfile"))) present.containerfile++;
    if (r.ways?.some((w) => w.startsWith("recipe"))) present.recipe++;
  }
  const offlineWhy: Record<string, number> = {};
  for (const r of measured) {
    const why = r.offline_build?.why.replace(/: .*$/, "") ?? r.error ?? "not resolved";
    offlineWhy[why] = (offlineWhy[why] ?? 0) + 1;
  }
  const ms = measured.map((r) => r.resolve_ms ?? 0).sort((a, b) => a - b);
  return {
    drawn: results.length,
    no_snapshot: results.length - measured.length,
    measured: measured.length,
    way_found: found,
    way_found_percent: pct(found),
    by_kind: byKind,
    by_kind_percent: Object.fromEntries(Object.entries(byKind).map(([k, n]) => [k, pct(n)])),
    /** Repositories where each way is found at all (a repository may have several). */
    ways_present: present,
    package_claims: { named: claims.length, confirmed: claims.filter((c) => c.ok).length },
    offline_buildable: measured.filter((r) => r.offline_build?.possible).length,
    offline_why: offlineWhy,
    by_language: byLanguage,
    resolve_ms: { p50: ms[Math.floor(ms.length / 2)] ?? 0, max: ms.at(-1) ?? 0 },
  };
}

/** This checkout's commit (the resolver measured), or "unknown". */
async function headCommit(): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["rev-parse", "HEAD"],
    cwd: new URL(".", import.meta.url),
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => null);
  return out?.success ? new TextDecoder().decode(out.stdout).trim() : "unknown";
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      mirrors: { type: "string", default: "/work/.mirror" },
      count: { type: "string", default: "45" },
      write: { type: "boolean", default: false },
    },
  });
  const mirrors = values.mirrors!;
  if (!(await Deno.stat(mirrors).catch(() => null))?.isDirectory) {
    console.log(`skipped: no repository mirrors at ${mirrors} (see bench/real_repos.json)`);
    Deno.exit(0);
  }
  const all = await drawCandidates();
  const sample = all.slice(0, Number(values.count));
  const results: RepoResult[] = [];
  for (const candidate of sample) {
    const r = await measureOne(mirrors, candidate).catch((e): RepoResult => ({
      rank: candidate.rank,
      id: candidate.id,
      repo: candidate.repo,
      directory: candidate.directory,
      snapshot: "ok",
      kind: "none",
      error: String(e instanceof Error ? e.message : e),
    }));
    results.push(r);
    const line = r.snapshot === "ok"
      ? `${r.kind?.padEnd(13)} ${(r.language ?? "").padEnd(11)} ${(r.ways ?? []).join("; ")}`
      : "no snapshot";
    console.log(`${String(r.rank).padStart(3)} ${r.repo.slice(19).padEnd(45)} ${line}`);
  }
  const sum = totals(results);
  if (sum.measured === 0) {
    console.log(`skipped: no repository of the sample has a mirror in ${mirrors}`);
    Deno.exit(0);
  }
  console.log(JSON.stringify(sum, null, 2));
  if (values.write) {
    const file = new URL("./real_repos.json", import.meta.url);
    const old = await Deno.readTextFile(file).then(JSON.parse).catch(() => ({}));
    const record = {
      ...old,
      about: "issue 15 item 6: real MCP server repositories, the way to run the resolver finds",
      rule: "bench/real_repos_sample.ts: awesome-list (mcpservers.org) entries of the merged " +
        "fixture catalog with a github.com repository and no image, package or remote; sorted " +
        `by id, shuffled with mulberry32 seed ${SAMPLE_SEED}; the first ${sample.length} drawn`,
      pool: all.length,
      measured_at: new Date().toISOString(),
      resolver_commit: await headCommit(),
      totals: sum,
      repos: results,
    };
    await Deno.writeTextFile(file, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`written: ${file.pathname}`);
  }
}
