/**
 * Package registry metadata (npm and PyPI), to check that a package a repository names is
 * really published from that repository before the registry runs it. A package that claims a
 * repository's name but whose metadata points elsewhere is a hijack (or a namesake) and is
 * never used: only a match on the normalized repository URL counts.
 *
 * The registries' base URLs are settings (`MCP_REGISTRY_NPM_REGISTRY`, `MCP_REGISTRY_PYPI_URL`),
 * so tests answer from a fake registry on loopback.
 *
 * @module
 */
import { splitRepoLink } from "../catalog/names.ts";
import { DEFAULT_PACKAGE_REGISTRIES, type PackageRegistryUrls } from "./package_registry_urls.ts";
import { fetchWithRetry, HttpError } from "./_http.ts";

/** What a registry says about a package's newest version. */
export interface PublishedPackage {
  registry: "npm" | "pypi";
  name: string;
  version: string;
  /** Every repository URL the metadata names, normalized (see {@linkcode repoIdentity}). */
  repositories: string[];
}

/** Options for {@linkcode lookupPackage} and {@linkcode checkPublishedFrom}. */
export interface LookupOptions {
  urls?: PackageRegistryUrls;
  signal?: AbortSignal;
  /** The seam for HTTP. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default 15_000 */
  timeoutMs?: number;
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;

/**
 * The newest published version of a package and the repositories its metadata names; null
 * when the registry does not know it (404). Other failures throw an `HttpError`.
 */
export async function lookupPackage(
  registry: "npm" | "pypi",
  name: string,
  options: LookupOptions = {},
): Promise<PublishedPackage | null> {
  const { urls = DEFAULT_PACKAGE_REGISTRIES, timeoutMs = 15_000 } = options;
  const url = registry === "npm"
    ? `${urls.npm.replace(/\/+$/, "")}/${name.replace("/", "%2f")}/latest`
    : `${urls.pypi.replace(/\/+$/, "")}/pypi/${encodeURIComponent(name)}/json`;
  let text: string;
  try {
    text = (await fetchWithRetry(url, {
      timeoutMs,
      attempts: 2,
      headers: { accept: "application/json" },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    })).text;
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return null;
    throw error;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TypeError(`the ${registry} registry's answer for ${name} is not JSON`);
  }
  const urlsNamed: unknown[] = [];
  let version: unknown;
  if (registry === "npm") {
    version = json.version;
    const repo = json.repository;
    urlsNamed.push(typeof repo === "object" && repo ? (repo as { url?: unknown }).url : repo);
  } else {
    const info = (json.info ?? {}) as Record<string, unknown>;
    version = info.version;
    urlsNamed.push(info.home_page, ...Object.values(info.project_urls ?? {}));
  }
  if (typeof version !== "string" || !VERSION.test(version)) {
    throw new TypeError(`the ${registry} registry names no usable version of ${name}`);
  }
  const repositories = [
    ...new Set(
      urlsNamed.filter((u): u is string => typeof u === "string" && u.length < 500)
        .map(repoIdentity).filter((u): u is string => !!u),
    ),
  ];
  return { registry, name, version, repositories };
}

/** Whether a package may run for a repository, and if so which version. */
export type PackageCheck =
  | { ok: true; version: string }
  | { ok: false; reason: string };

/**
 * Checks that `name` is published on `registry` from repository `repo`: known there, and its
 * metadata names the same repository. Never throws: a failure is `ok: false` with the reason.
 */
export async function checkPublishedFrom(
  pkg: { registry: "npm" | "pypi"; name: string },
  repo: string,
  options: LookupOptions = {},
): Promise<PackageCheck> {
  const want = repoIdentity(repo);
  if (!want) return { ok: false, reason: `${repo} is no repository URL to compare with` };
  let published: PublishedPackage | null;
  try {
    published = await lookupPackage(pkg.registry, pkg.name, options);
  } catch (error) {
    return { ok: false, reason: `cannot ask ${pkg.registry}: ${(error as Error).message}` };
  }
  if (!published) return { ok: false, reason: `${pkg.name} is not published on ${pkg.registry}` };
  if (!published.repositories.includes(want)) {
    const named = published.repositories.join(", ") || "no repository";
    return {
      ok: false,
      reason: `${pkg.registry} ${pkg.name} names ${named}, not ${want}: not used`,
    };
  }
  return { ok: true, version: published.version };
}

/**
 * One form of a repository URL to compare: `https://host/owner/repo` for GitHub, GitLab and
 * the like (from `git+https://...`, `.../x.git`, `git@host:o/r`, `ssh://git@host/o/r`,
 * `git://host/o/r`, npm's `github:o/r`, `gitlab:o/r` and bare `o/r`), `file:///path` for a
 * local repository; null for what is no repository URL.
 */
export function repoIdentity(url: string): string | null {
  let text = url.trim().replace(/^git\+/, "");
  if (!text) return null;
  if (text.startsWith("/") || text.startsWith("file://")) {
    const path = text.replace(/^file:\/\//, "").replace(/\/+$/, "").replace(/\/\.git$/, "");
    return `file://${path.replace(/\.git$/, "")}`;
  }
  const short = /^(github|gitlab|bitbucket):([\w.-]+\/[\w.-]+)$/.exec(text);
  if (short) text = `https://${short[1]}.${short[1] === "bitbucket" ? "org" : "com"}/${short[2]}`;
  else if (/^[\w.-]+\/[\w.-]+$/.test(text)) text = `https://github.com/${text}`;
  text = text.replace(/^git\+/, "")
    .replace(/^(ssh|git):\/\/(git@)?/, "https://")
    .replace(/^https:\/\/[^/@]+@/, "https://");
  if (!/^https?:\/\/[^/]+\/./.test(text) && !/^git@[^:]+:./.test(text)) return null;
  const { repo } = splitRepoLink(text);
  return repo.replace(/^http:\/\//, "https://").toLowerCase();
}
