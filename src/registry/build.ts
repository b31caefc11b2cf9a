/**
 * Servers built from source (`launch_method: build`): the repository is cloned at one commit
 * (shallow, into a fresh folder of the cache that is removed afterwards), its Containerfile or
 * Dockerfile found, and, once a person agreed, the image built by the `ContainerRuntime` with
 * the clone as its only host folder. The pool then runs that image like any container entry.
 *
 * @module
 */
import { isAbsolute, join, normalize } from "node:path";
import type { BuildSpec, CatalogEntry } from "../catalog/entry.ts";
import {
  builtImage,
  type ContainerLimits,
  type ContainerRuntime,
  LABEL_BUILD_COMMIT,
  LABEL_BUILD_REPO,
  LABEL_MANAGED,
  LABEL_SERVER,
} from "../runtime/container_runtime.ts";
import { cloneAtCommit, redactUrl } from "../sources/git.ts";

/** The files looked for, in this order, in the entry's folder of the repository. */
export const BUILD_FILES = ["Containerfile", "Dockerfile"] as const;

/** A build's limits: more than a server gets, since compilers and package managers run. */
export const BUILD_LIMITS: ContainerLimits = { memory: "2g", cpus: "2", pids: 2048 };

/** How long a build may take. */
export const BUILD_TIMEOUT_MS = 15 * 60_000;

/** A build cannot go on: nothing to build, a bad folder, or the build failed. */
export class BuildError extends Error {
  override name = "BuildError";
}

/** What a build of an entry runs: the repository, the exact commit, the file found. */
export interface BuildPlan {
  repo: string;
  commit: string;
  /** The folder of the repository the build runs in ("" for its top). */
  directory: string;
  /** `Containerfile` or `Dockerfile`, in `directory`. */
  file: string;
  /** The image the build makes (and a start of the entry runs). */
  image: string;
}

/** Options for {@linkcode resolveBuild} and {@linkcode buildFromSource}. */
export interface ResolveOptions {
  /** The registry's cache folder; clones go to `<cacheDir>/builds/` and are removed. */
  cacheDir: string;
  /** Told each step (clone, build steps). */
  progress?: (step: string) => void;
  signal?: AbortSignal;
}

/** The build spec of a `build` entry; a `TypeError` for any other entry. */
function specOf(entry: CatalogEntry): BuildSpec {
  if (entry.launch_method !== "build" || !entry.build) {
    throw new TypeError(`${entry.id} is not built from source`);
  }
  return entry.build;
}

/**
 * Clones the entry's repository at its commit and finds what to build; builds nothing and
 * leaves nothing behind. Throws a {@linkcode BuildError} when there is nothing to build.
 */
export async function resolveBuild(
  entry: CatalogEntry,
  options: ResolveOptions,
): Promise<BuildPlan> {
  return await withClone(entry, options, (plan) => Promise.resolve(plan));
}

/** Options for {@linkcode buildFromSource}. */
export interface BuildFromSourceOptions extends ResolveOptions {
  runtime: ContainerRuntime;
  /** @default BUILD_LIMITS */
  limits?: ContainerLimits;
  /** @default BUILD_TIMEOUT_MS */
  timeoutMs?: number;
}

/**
 * Clones, finds and builds: the image is tagged `<image>` (by commit) and `:latest` of the
 * entry, labelled with the repository and commit. A failed build throws a
 * {@linkcode BuildError} with the last lines of its log; the whole log stays in
 * `<cacheDir>/builds/<id>.log`.
 */
export async function buildFromSource(
  entry: CatalogEntry,
  options: BuildFromSourceOptions,
): Promise<BuildPlan> {
  const { runtime, limits = BUILD_LIMITS, timeoutMs = BUILD_TIMEOUT_MS, progress } = options;
  return await withClone(entry, options, async (plan, context) => {
    progress?.(`building ${plan.file} of ${plan.repo} at ${plan.commit.slice(0, 12)}`);
    const output = await runtime.build({
      context,
      file: plan.file,
      tags: [plan.image, builtImage(entry.id)],
      labels: {
        [LABEL_MANAGED]: "true",
        [LABEL_SERVER]: entry.id,
        [LABEL_BUILD_REPO]: plan.repo,
        [LABEL_BUILD_COMMIT]: plan.commit,
      },
      limits,
    }, {
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onLine: (line) => {
        if (/^STEP \d+\/\d+:/.test(line)) progress?.(line.slice(0, 160));
      },
    });
    const logFile = join(options.cacheDir, "builds", `${entry.id}.log`);
    await Deno.writeTextFile(logFile, output.log).catch(() => {});
    if (output.code !== 0) {
      const why = output.code === -1 ? `stopped (over ${timeoutMs / 1000} s)` : "failed";
      const tail = output.log.split("\n").filter((l) => l.trim()).slice(-12).join("\n");
      throw new BuildError(
        `the build of ${plan.repo} at ${plan.commit.slice(0, 12)} ${why}; its last lines:\n` +
          `${tail}\n(whole log: ${logFile})`,
      );
    }
    return plan;
  });
}

/** Runs `fn` with a fresh clone of the entry's repository and what it found to build. */
async function withClone<T>(
  entry: CatalogEntry,
  options: ResolveOptions,
  fn: (plan: BuildPlan, context: string) => Promise<T>,
): Promise<T> {
  const spec = specOf(entry);
  const directory = checkedDirectory(entry.id, spec.directory);
  const repo = redactUrl(spec.repo);
  const parent = join(options.cacheDir, "builds");
  await Deno.mkdir(parent, { recursive: true });
  const clone = await Deno.makeTempDir({ dir: parent, prefix: `${entry.id}-` });
  try {
    options.progress?.(`cloning ${repo}${spec.commit ? ` at ${spec.commit}` : ""}`);
    const commit = await cloneAtCommit(spec.repo, clone, {
      ...(spec.commit ? { commit: spec.commit } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const found = await findBuildFile(clone, directory ? join(clone, directory) : clone);
    const where = directory ? `the folder ${directory}` : "its top folder";
    if (!found) {
      throw new BuildError(
        `${entry.id}: nothing to build in ${repo} at ${commit.slice(0, 12)}: no ` +
          `${BUILD_FILES.join(" or ")} in ${where}. To run it, describe it in your own catalog ` +
          "(MCP_REGISTRY_CATALOGS, server.yaml format) with an image you built or pulled, " +
          "and call registry-refresh with source local",
      );
    }
    const { file, context } = found;
    return await fn(
      { repo, commit, directory, file, image: builtImage(entry.id, commit) },
      context,
    );
  } finally {
    await Deno.remove(clone, { recursive: true }).catch(() => {});
  }
}

/** The entry's folder, normalized; one that leaves the repository is refused. */
function checkedDirectory(id: string, directory: string | undefined): string {
  if (!directory) return "";
  const clean = normalize(directory).replace(/\/+$/, "");
  if (clean === "." || clean === "") return "";
  if (isAbsolute(clean) || clean === ".." || clean.startsWith("../")) {
    throw new BuildError(`${id}: source.directory "${directory}" leaves the repository`);
  }
  return clean;
}

/**
 * The first of {@linkcode BUILD_FILES} in `folder` that is a plain file (not a symlink), with
 * the folder's real path as the build context; undefined when there is none, or when `folder`
 * is no folder inside `clone`.
 */
async function findBuildFile(
  clone: string,
  folder: string,
): Promise<{ file: string; context: string } | undefined> {
  const context = await Deno.realPath(folder).catch(() => null);
  const root = await Deno.realPath(clone);
  if (!context || (context !== root && !context.startsWith(`${root}/`))) return undefined;
  for (const file of BUILD_FILES) {
    const info = await Deno.lstat(join(context, file)).catch(() => null);
    if (info?.isFile) return { file, context };
  }
  return undefined;
}
