/**
 * One form for repository URLs, so the same server found by several sources is recognised
 * (see `merge.ts`), and the split of a link into repository and subfolder.
 *
 * @module
 */

const FORGE =
  /^https:\/\/(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)\/([^/#?]+)\/([^/#?]+)(.*)$/i;

/** `https://github.com/Owner/Repo.git/` -> `https://github.com/owner/repo`. */
export function normalizeRepoUrl(url: string): string {
  return splitRepoLink(url).repo;
}

/** A link split into the repository and the folder inside it that it points at. */
export interface RepoLink {
  /** The normalized repository URL (lowercase on known forges). */
  repo: string;
  /** `src/memory` for `.../tree/main/src/memory`; null when the link is the repository itself. */
  subfolder: string | null;
}

/**
 * Splits a link to a repository or a folder in it (GitHub's `/tree/<ref>/<path>` and
 * `/blob/<ref>/<path>/README.md`, GitLab's `/-/tree/<ref>/<path>`). Links elsewhere come back
 * trimmed, with `subfolder` null.
 */
export function splitRepoLink(url: string): RepoLink {
  let out = url.trim().replace(/^git\+/, "").replace(/^http:\/\//, "https://");
  out = out.replace(/^git@([^:]+):/, "https://$1/").replace(/^https:\/\/www\./, "https://");
  out = out.replace(/[?#].*$/, "").replace(/\/+$/, "").replace(/\.git$/, "");
  const match = out.match(FORGE);
  if (!match) return { repo: out, subfolder: null };
  const repo = `https://${match[1]}/${match[2]}/${match[3]!.replace(/\.git$/, "")}`.toLowerCase();
  const rest = match[4]!.replace(/^\/-\//, "/");
  const path = rest.match(/^\/(?:tree|blob|src)\/[^/]+\/(.+)$/)?.[1];
  const folder = path?.replace(/\/(readme(\.[a-z]+)?|[^/]+\.md)$/i, "").replace(/\/+$/, "");
  // The folder keeps its case: a clone's folders are case-sensitive (keys lowercase it).
  return { repo, subfolder: folder || null };
}

/** The merge key of a repository (and subfolder), e.g. `github.com/o/r/src/memory`. */
export function repoKey(repoUrl: string, subfolder: string | null | undefined): string {
  const base = normalizeRepoUrl(repoUrl).replace(/^https:\/\//, "");
  const folder = subfolder?.trim().replace(/^\.?\/+|\/+$/g, "").toLowerCase();
  return folder ? `${base}/${folder}` : base;
}

/** The merge key of a container image: registry defaults and tag dropped, lowercase. */
export function imageKey(image: string): string {
  let name = image.trim().toLowerCase().replace(/@sha256:[0-9a-f]+$/, "");
  name = name.replace(/:[^/:]+$/, "");
  name = name.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "");
  return name.replace(/^library\//, "");
}

/** `[registry[:port]/]path[:tag][@digest]`: nothing podman could read as an option. */
const IMAGE_REFERENCE =
  /^[a-z0-9][a-z0-9._-]*(:[0-9]+)?(\/[a-z0-9][a-z0-9._-]*)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/**
 * An image's full name. Docker's catalog names images the Docker way (`mcp/memory` means
 * `docker.io/mcp/memory`); podman resolves short names through registries.conf, which may prompt
 * or refuse (Fedora's short-name mode), so images are always named in full. A `RangeError` for
 * what is no image name.
 */
export function fullImageName(image: string): string {
  if (!IMAGE_REFERENCE.test(image)) {
    throw new RangeError(
      `"${image.slice(0, 100)}" is not a container image name; the catalog entry is broken`,
    );
  }
  const first = image.split("/")[0]!;
  const hasRegistry = image.includes("/") &&
    (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return image;
  return image.includes("/") ? `docker.io/${image}` : `docker.io/library/${image}`;
}
