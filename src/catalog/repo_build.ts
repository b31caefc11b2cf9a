/**
 * Entries that name a repository and nothing else to run become `build` entries: the registry
 * can resolve the repository (a published package, a Containerfile, a source recipe) and build
 * it once a person agrees. Decided after the merge, so an entry that another source gives an
 * image, a package or a remote keeps that.
 *
 * What counts as a repository here is an allow-list, since a catalog entry may be hostile: an
 * `https://` URL on a known forge, with an owner and a name and nothing else (no credentials,
 * port, query, fragment, dot segments, percent escapes, or parts git could read as an option).
 * Anything else (`file:///etc`, `ssh://`, `--upload-pack=...`, `http://127.0.0.1:...`) stays `none`.
 *
 * @module
 */
import type { BuildSpec, CatalogEntry } from "./entry.ts";

/** The forges whose repositories the registry resolves and builds. */
export const BUILD_HOSTS: readonly string[] = [
  "github.com",
  "gitlab.com",
  "codeberg.org",
  "bitbucket.org",
];

/** An owner or repository name: letters, digits, `_`, `.`, `-`; neither `-` nor `.` first. */
const NAME = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}";
const REPOSITORY = new RegExp(
  `^https://(${BUILD_HOSTS.map((h) => h.replaceAll(".", "\\.")).join("|")})/${NAME}/${NAME}$`,
);
/** A folder of the repository: relative, plain names, none of them `.` or `..`. */
const FOLDER_PART = /^[A-Za-z0-9_@+][A-Za-z0-9_.@+-]{0,99}$/;

/**
 * True when `url` is a repository the registry may clone and build: `https://<forge>/<owner>/
 * <name>` exactly, on one of {@linkcode BUILD_HOSTS}.
 */
export function isBuildableRepo(url: string | null | undefined): url is string {
  return typeof url === "string" && url.length <= 300 && REPOSITORY.test(url) &&
    !url.includes("..");
}

/** True when `folder` is a plain relative folder inside a repository (`src/memory`). */
export function isRepoFolder(folder: string): boolean {
  const parts = folder.split("/");
  return folder.length <= 300 && parts.every((p) => FOLDER_PART.test(p));
}

/**
 * The build spec of an entry that names a repository and nothing else to run, or null. The
 * spec holds the entry's own `repo_url` string (not a copy).
 */
export function repoBuildOf(entry: CatalogEntry): BuildSpec | null {
  if (entry.launch_method !== "none" || !isBuildableRepo(entry.repo_url)) return null;
  const folder = entry.repo_subfolder;
  if (folder === null || folder === undefined || folder === "") return { repo: entry.repo_url };
  return isRepoFolder(folder) ? { repo: entry.repo_url, directory: folder } : null;
}

/** `entry` as a `build` entry when {@linkcode repoBuildOf} finds a repository; else itself. */
export function withRepoBuild(entry: CatalogEntry): CatalogEntry {
  const build = repoBuildOf(entry);
  return build ? { ...entry, launch_method: "build", build } : entry;
}
