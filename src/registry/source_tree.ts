/**
 * A repository's files as {@linkcode findRunWay} reads them: a small read-only interface, so
 * the same resolution works on a clone folder ({@linkcode folderTree}) and on a bare git
 * mirror (`git show` / `git ls-tree`).
 *
 * Paths are relative to the repository's top, `/`-separated, `""` for the top itself. An
 * implementation answers `null`/`false` for anything that is not a plain file or folder of the
 * repository (a symlink, a path that leaves it), never throws for a missing path.
 *
 * @module
 */
import { join } from "node:path";

/** The read-only view of a repository that resolution needs. */
export interface SourceTree {
  /** The text of a plain file, or null (missing, a folder, a symlink, over the size cap). */
  readText(path: string): Promise<string | null>;
  /** True when `path` is a plain file (not a symlink). */
  isFile(path: string): Promise<boolean>;
  /** The names in folder `dir` (files and folders), or null when it is no folder. */
  list(dir: string): Promise<string[] | null>;
}

/** The largest file read (manifests are small; a huge one is refused, not read). */
export const MAX_TEXT_BYTES = 1_000_000;

/**
 * `path` made safe: `/`-separated segments, none empty, `.` or `..`; null when it leaves the
 * repository or is absolute.
 */
export function cleanPath(path: string): string | null {
  if (path.startsWith("/") || path.includes("\\") || path.includes("\0")) return null;
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) return null;
  return parts.join("/");
}

/** A {@linkcode SourceTree} over a folder (a clone): nothing is followed out of `root`. */
export function folderTree(root: string): SourceTree {
  const realRoot = Deno.realPath(root);
  /** The absolute path of `path` when it and every folder on the way are inside the root. */
  const inside = async (path: string): Promise<string | null> => {
    const clean = cleanPath(path);
    if (clean === null) return null;
    const top = await realRoot;
    const full = clean ? join(top, clean) : top;
    const real = await Deno.realPath(full).catch(() => null);
    // Any symlink on the way makes the real path differ: refused.
    return real === full ? full : null;
  };
  return {
    async readText(path) {
      const full = await inside(path);
      if (!full) return null;
      const info = await Deno.lstat(full).catch(() => null);
      if (!info?.isFile || info.size > MAX_TEXT_BYTES) return null;
      return await Deno.readTextFile(full).catch(() => null);
    },
    async isFile(path) {
      const full = await inside(path);
      if (!full) return false;
      return (await Deno.lstat(full).catch(() => null))?.isFile ?? false;
    },
    async list(dir) {
      const full = await inside(dir);
      if (!full) return null;
      const info = await Deno.lstat(full).catch(() => null);
      if (!info?.isDirectory) return null;
      return (await Array.fromAsync(Deno.readDir(full), (e) => e.name)).sort();
    },
  };
}
