/**
 * A {@linkcode SourceTree} over a bare git repository (a mirror with no work tree): the tree of
 * one commit is listed once with `git ls-tree -r -l`, and files are read with `git cat-file`.
 * Only plain files (modes 100644 and 100755) count as files; symlinks and submodules do not.
 *
 * @module
 */
import { cleanPath, MAX_TEXT_BYTES, type SourceTree } from "../src/registry/source_tree.ts";

/** A bare repository's tree at one commit, read through `git`. */
export interface GitMirrorTree extends SourceTree {
  /** The commit read (40 hex). */
  commit: string;
  /** Every plain file's path, sorted. */
  files(): string[];
  /** `path` with the case the repository spells it (a catalog lowercases folders), or null. */
  realCase(path: string): string | null;
}

async function git(gitDir: string, args: string[]): Promise<Uint8Array> {
  const out = await new Deno.Command("git", {
    args: [`--git-dir=${gitDir}`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    throw new Error(`git ${args[0]} in ${gitDir} failed: ${why}`);
  }
  return out.stdout;
}

/** Reads the tree of `rev` (default HEAD) in the bare repository `gitDir`. */
export async function gitMirrorTree(gitDir: string, rev = "HEAD"): Promise<GitMirrorTree> {
  const decoder = new TextDecoder();
  const commit = decoder.decode(await git(gitDir, ["rev-parse", `${rev}^{commit}`])).trim();
  const listing = decoder.decode(await git(gitDir, ["ls-tree", "-r", "-l", "-z", commit]));
  const files = new Map<string, { blob: string; size: number }>();
  const folders = new Map<string, Set<string>>([["", new Set()]]);
  const addName = (dir: string, name: string) => {
    let names = folders.get(dir);
    if (!names) folders.set(dir, names = new Set());
    names.add(name);
  };
  for (const record of listing.split("\0")) {
    // `<mode> <type> <object> <size>\t<path>`
    const match = /^(\d+) (\w+) ([0-9a-f]+) +(\S+)\t(.+)$/s.exec(record);
    if (!match) continue;
    const [, mode, , blob, size, path] = match;
    const parts = path!.split("/");
    for (let i = 0; i < parts.length; i++) {
      addName(parts.slice(0, i).join("/"), parts[i]!);
      if (i < parts.length - 1) {
        const sub = parts.slice(0, i + 1).join("/");
        if (!folders.has(sub)) folders.set(sub, new Set());
      }
    }
    if (mode === "100644" || mode === "100755") {
      files.set(path!, { blob: blob!, size: Number(size) });
    }
  }
  const lower = new Map<string, string>();
  for (const path of [...folders.keys(), ...files.keys()]) {
    if (!lower.has(path.toLowerCase())) lower.set(path.toLowerCase(), path);
  }
  return {
    commit,
    files: () => [...files.keys()].sort(),
    realCase: (path) => {
      const clean = cleanPath(path);
      return clean === null ? null : lower.get(clean.toLowerCase()) ?? null;
    },
    async readText(path) {
      const clean = cleanPath(path);
      const file = clean === null ? undefined : files.get(clean);
      if (!file || file.size > MAX_TEXT_BYTES) return null;
      return decoder.decode(await git(gitDir, ["cat-file", "blob", file.blob]));
    },
    isFile(path) {
      const clean = cleanPath(path);
      return Promise.resolve(clean !== null && files.has(clean));
    },
    list(dir) {
      const clean = cleanPath(dir);
      const names = clean === null ? undefined : folders.get(clean);
      return Promise.resolve(names ? [...names].sort() : null);
    },
  };
}
