/**
 * How an entry's repository can run, found by reading its files and nothing else (pure over a
 * {@linkcode SourceTree}: a clone folder or a bare git mirror). Every way found comes back,
 * cheapest first:
 *
 * 1. `package`: the folder's `package.json` names a public npm package with a `bin` npx can
 *    run, or its `pyproject.toml` a PyPI distribution with a console script of its own name.
 *    Only a candidate: the package registry must confirm that the package is published from
 *    this repository (`package_registry.ts`) before it is used.
 * 2. `containerfile`: a `Containerfile` or `Dockerfile` in the folder.
 * 3. `recipe`: a Node package with a `bin`, a Python project with a console script, or a Go
 *    module with a `main` package, built by a generated Containerfile (`recipes.ts`).
 *
 * No way at all: `ways` is empty and `looked` says, in words, what was looked for.
 *
 * @module
 */
import {
  isGoMain,
  isSafePath,
  npxCommand,
  parsePackageJson,
  parsePyproject,
  recipeScript,
  uvxCommand,
} from "./_manifests.ts";
import { cleanPath, folderTree, type SourceTree } from "./source_tree.ts";

export { cleanPath, folderTree, type SourceTree };

/** The files looked for as the repository's own build, in this order. */
export const CONTAINER_FILES = ["Containerfile", "Dockerfile"] as const;

/** A source recipe: how to build the server from its files (see `recipes.ts`). */
export type Recipe =
  | {
    language: "node";
    /** The package's folder ("" for the top). */
    directory: string;
    /** The bin file, relative to `directory`. */
    bin: string;
    /** `ci` with a lock file, `install` without, null with no dependencies at all. */
    install: "ci" | "install" | null;
    /** True when `npm run build` runs before. */
    build: boolean;
  }
  | {
    language: "python";
    directory: string;
    /** The console script run. */
    script: string;
  }
  | {
    language: "go";
    /** The folder of `go.mod`. */
    moduleDirectory: string;
    /** The `main` package's folder (under `moduleDirectory` or equal to it). */
    packageDirectory: string;
  };

/** One way to run a repository. */
export type RunWay =
  | {
    kind: "package";
    registry: "npm" | "pypi";
    name: string;
    /** The command the package runner runs (npx's bin, uvx's script). */
    command: string;
    /** The manifest naming it, from the repository's top. */
    file: string;
  }
  | { kind: "containerfile"; file: string }
  | { kind: "recipe"; file: string; recipe: Recipe };

/** What {@linkcode findRunWay} found. */
export interface RunWays {
  /** Every way, cheapest first; empty when none. */
  ways: RunWay[];
  /** What was looked for, one phrase each (for the error when `ways` is empty). */
  looked: string[];
}

/** The folders searched for a Go `main` package under a module: itself, then `cmd/*`. */
const GO_CMD = "cmd";

/**
 * The ways `directory` of the repository in `tree` can run, cheapest first. A `directory` that
 * leaves the repository is a `RangeError`.
 */
export async function findRunWay(tree: SourceTree, directory: string): Promise<RunWays> {
  const dir = cleanPath(directory);
  if (dir === null || (dir && !isSafePath(dir))) {
    throw new RangeError(`the folder "${directory}" is not a plain folder of the repository`);
  }
  const at = (name: string) => (dir ? `${dir}/${name}` : name);
  const where = dir ? `in ${dir}/` : "at the top";
  const ways: RunWay[] = [];
  const looked: string[] = [];

  // What the manifests say (read once; used by the package and recipe ways).
  const pkgText = await tree.readText(at("package.json"));
  const node = pkgText === null ? null : parsePackageJson(pkgText);
  const pyText = await tree.readText(at("pyproject.toml"));
  const python = pyText === null ? null : parsePyproject(pyText);

  // 1. A published package.
  looked.push(`a package.json with a bin (npm) ${where}`);
  const npx = node && !node.private && node.name ? npxCommand(node) : undefined;
  if (node?.name && npx) {
    ways.push({
      kind: "package",
      registry: "npm",
      name: node.name,
      command: npx,
      file: at("package.json"),
    });
  }
  looked.push(`a pyproject.toml with [project.scripts] (PyPI) ${where}`);
  const uvx = python ? uvxCommand(python) : undefined;
  if (python?.name && uvx) {
    ways.push({
      kind: "package",
      registry: "pypi",
      name: python.name,
      command: uvx,
      file: at("pyproject.toml"),
    });
  }

  // 2. The repository's own Containerfile.
  looked.push(`a ${CONTAINER_FILES.join(" or ")} ${where}`);
  for (const file of CONTAINER_FILES) {
    if (await tree.isFile(at(file))) {
      ways.push({ kind: "containerfile", file: at(file) });
      break;
    }
  }

  // 3. Source recipes.
  const bins = node ? Object.entries(node.bins) : [];
  if (node && bins.length > 0) {
    const bin = (npx ? node.bins[npx] : undefined) ?? bins.sort()[0]![1];
    const lock = await tree.isFile(at("package-lock.json")) ||
      await tree.isFile(at("npm-shrinkwrap.json"));
    const install = node.hasDependencies || node.hasBuildScript ? (lock ? "ci" : "install") : null;
    ways.push({
      kind: "recipe",
      file: at("package.json"),
      recipe: { language: "node", directory: dir, bin, install, build: node.hasBuildScript },
    });
  }
  const script = python ? recipeScript(python) : undefined;
  if (script) {
    ways.push({
      kind: "recipe",
      file: at("pyproject.toml"),
      recipe: { language: "python", directory: dir, script },
    });
  }
  looked.push(`go.mod with a main package ${where} or in ${at(GO_CMD)}/*`);
  const go = await findGoMain(tree, dir);
  if (go) ways.push({ kind: "recipe", file: go.file, recipe: go.recipe });
  return { ways, looked };
}

/**
 * A Go module whose `main` package is `dir` or `dir/cmd/<name>` (the first, sorted): `go.mod`
 * in `dir` or a folder above it.
 */
async function findGoMain(
  tree: SourceTree,
  dir: string,
): Promise<{ file: string; recipe: Recipe } | undefined> {
  let moduleDirectory: string | undefined;
  const parts = dir ? dir.split("/") : [];
  for (let n = parts.length; n >= 0; n--) {
    const candidate = parts.slice(0, n).join("/");
    if (await tree.isFile(candidate ? `${candidate}/go.mod` : "go.mod")) {
      moduleDirectory = candidate;
      break;
    }
  }
  if (moduleDirectory === undefined) return undefined;
  const join = (a: string, b: string) => (a ? `${a}/${b}` : b);
  const isMain = async (folder: string) => {
    for (const name of (await tree.list(folder)) ?? []) {
      if (!name.endsWith(".go") || name.endsWith("_test.go")) continue;
      const text = await tree.readText(join(folder, name));
      if (text !== null && isGoMain(text)) return true;
    }
    return false;
  };
  const candidates = [dir];
  for (const name of (await tree.list(join(dir, GO_CMD))) ?? []) {
    candidates.push(join(join(dir, GO_CMD), name));
  }
  for (const folder of candidates) {
    if (folder && !isSafePath(folder)) continue;
    if (await isMain(folder)) {
      return {
        file: join(moduleDirectory, "go.mod"),
        recipe: { language: "go", moduleDirectory, packageDirectory: folder },
      };
    }
  }
  return undefined;
}
