/**
 * Resolving and building servers that run from their repository. The repository is cloned
 * shallow at one commit into a fresh folder of the cache (refused over the clone size limit,
 * removed afterwards), {@linkcode findRunWay} lists how it can run, and the first way that
 * holds is the plan: a published package the registry confirms (`package_registry.ts`), the
 * repository's Containerfile or Dockerfile, or a source recipe (`recipes.ts`). Once a person
 * agreed, the image is built by the `ContainerRuntime` with the clone (its `.git` removed) as
 * its only host folder; see `build_flow.ts` for the decision around it.
 *
 * @module
 */
import { isAbsolute, join, normalize } from "node:path";
import type { BuildSpec, CatalogEntry } from "../catalog/entry.ts";
import { type BuildSettings, DEFAULT_BUILD_SETTINGS } from "../config.ts";
import {
  builtImage,
  type ContainerLimits,
  type ContainerRuntime,
  LABEL_BUILD_COMMIT,
  LABEL_BUILD_REPO,
  LABEL_MANAGED,
  LABEL_SERVER,
} from "../runtime/container_runtime.ts";
import { cloneAtCommit } from "../sources/git.ts";
import { redactUrl } from "../util/redact_url.ts";
import { BuildError } from "./build_error.ts";
import { checkPublishedFrom } from "../sources/package_registry.ts";
import type { RunPlan } from "../store/run_plans.ts";
import { baseImagesOf, folderSize } from "./_build_files.ts";
import { describeRecipe, recipeBaseImages, recipeContainerfile } from "./recipes.ts";
import { findRunWay, folderTree, type RunWay } from "./run_way.ts";

/** A build's limits: more than a server gets, since compilers and package managers run. */
export const BUILD_LIMITS: ContainerLimits = { memory: "2g", cpus: "2", pids: 2048 };

/** Where a generated recipe is written in the clone (the context; never a repository file). */
const RECIPE_FILE = ".mcp-registry.Containerfile";

/** Options for {@linkcode resolveRun} and {@linkcode buildRun}. */
export interface ResolveOptions {
  /** The registry's cache folder; clones go to `<cacheDir>/builds/` and are removed. */
  cacheDir: string;
  /** Base images, package registries, limits. @default DEFAULT_BUILD_SETTINGS */
  settings?: BuildSettings;
  /** Told each step (clone, size, package check, build steps). */
  progress?: (step: string) => void;
  signal?: AbortSignal;
}

/** Options for {@linkcode buildRun}. */
export interface BuildRunOptions extends ResolveOptions {
  runtime: ContainerRuntime;
  /** @default BUILD_LIMITS */
  limits?: ContainerLimits;
}

/**
 * Clones `spec`'s repository at its commit and finds how it runs; builds nothing and leaves
 * nothing behind. Throws a {@linkcode BuildError} when there is no way.
 */
export async function resolveRun(
  entry: CatalogEntry,
  spec: BuildSpec,
  options: ResolveOptions,
): Promise<RunPlan> {
  return await withClone(entry, spec, options, (found) => Promise.resolve(found.plan));
}

/**
 * Clones, resolves and, for a Containerfile or recipe, builds: the image is tagged by commit
 * and `:latest` of the entry, labelled with the repository and commit. A package needs no
 * build. A failed build throws a {@linkcode BuildError} with the last lines of its log; the
 * whole log stays in `<cacheDir>/builds/<id>.log`.
 */
export async function buildRun(
  entry: CatalogEntry,
  spec: BuildSpec,
  options: BuildRunOptions,
): Promise<RunPlan> {
  const { runtime, limits = BUILD_LIMITS, progress } = options;
  const settings = options.settings ?? DEFAULT_BUILD_SETTINGS;
  const timeoutMs = settings.timeoutSeconds * 1000;
  return await withClone(entry, spec, options, async ({ plan, way, clone, context }) => {
    if (way.kind === "package") return plan;
    let file: string;
    let bases: string[];
    if (way.kind === "recipe") {
      await Deno.writeTextFile(
        join(clone, RECIPE_FILE),
        recipeContainerfile(way.recipe, settings.images),
      );
      file = RECIPE_FILE;
      bases = recipeBaseImages(way.recipe, settings.images);
    } else {
      file = way.file.split("/").pop()!;
      bases = baseImagesOf(await Deno.readTextFile(join(context, file)));
    }
    await Deno.remove(join(clone, ".git"), { recursive: true }).catch(() => {});
    for (const base of bases) {
      if (await runtime.imageExists(base)) continue;
      progress?.(`pulling the base image ${base}`);
      await runtime.pull(base).catch((error) => {
        throw new BuildError(
          `the base image ${base} is not here and cannot be pulled: ${(error as Error).message}` +
            (way.kind === "recipe" ? " (set MCP_REGISTRY_BUILD_*_IMAGE to one you have)" : ""),
        );
      });
    }
    progress?.(
      `building ${plan.kind === "recipe" ? plan.recipe : file} of ${plan.repo} at ` +
        `${plan.commit.slice(0, 12)}`,
    );
    const started = performance.now();
    const output = await runtime.build({
      context: way.kind === "recipe" ? clone : context,
      file,
      tags: [plan.image!, builtImage(entry.id)],
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
        if (/^(\[\d+\/\d+\] )?STEP \d+\/\d+:/.test(line)) progress?.(line.slice(0, 160));
      },
    });
    const logFile = join(options.cacheDir, "builds", `${entry.id}.log`);
    await Deno.writeTextFile(logFile, output.log).catch(() => {});
    if (output.code !== 0) {
      // Whatever a stopped build left under our names goes (a finished one leaves nothing).
      await runtime.removeImages([plan.image!]).catch(() => {});
      const why = output.code === -1
        ? options.signal?.aborted ? "was stopped" : `stopped (over ${timeoutMs / 1000} s)`
        : "failed";
      const tail = output.log.split("\n").filter((l) => l.trim()).slice(-12).join("\n");
      throw new BuildError(
        `the build of ${plan.repo} at ${plan.commit.slice(0, 12)} ${why}; its last lines:\n` +
          `${tail}\n(whole log: ${logFile})`,
      );
    }
    const size = await runtime.imageSize?.(plan.image!).catch(() => null) ?? null;
    const mb = size === null ? null : size / 1_000_000;
    if (mb !== null && mb > settings.maxImageMb) {
      await runtime.removeImages([plan.image!, builtImage(entry.id)]).catch(() => {});
      throw new BuildError(
        `the image built from ${plan.repo} at ${plan.commit.slice(0, 12)} is ${mb.toFixed(0)} ` +
          `MB, over the ${settings.maxImageMb} MB limit (MCP_REGISTRY_BUILD_MAX_IMAGE_MB); it ` +
          "was removed",
      );
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    progress?.(`built ${plan.image}${mb === null ? "" : ` (${mb.toFixed(0)} MB)`} in ${seconds} s`);
    return plan;
  });
}

/** What a clone showed: the plan, the way it came from, and where the files are. */
interface Found {
  plan: RunPlan;
  way: RunWay;
  /** The clone's top folder. */
  clone: string;
  /** The real path of the entry's folder in the clone. */
  context: string;
}

/** Runs `fn` with a fresh clone of the repository and the first way that holds. */
async function withClone<T>(
  entry: CatalogEntry,
  spec: BuildSpec,
  options: ResolveOptions,
  fn: (found: Found) => Promise<T>,
): Promise<T> {
  const settings = options.settings ?? DEFAULT_BUILD_SETTINGS;
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
    const bytes = await folderSize(clone);
    const mb = bytes / 1_000_000;
    options.progress?.(`cloned ${commit.slice(0, 12)}: ${mb.toFixed(1)} MB`);
    if (mb > settings.maxCloneMb) {
      throw new BuildError(
        `${entry.id}: the clone of ${repo} at ${commit.slice(0, 12)} is ${mb.toFixed(0)} MB, ` +
          `over the ${settings.maxCloneMb} MB limit (MCP_REGISTRY_BUILD_MAX_CLONE_MB)`,
      );
    }
    const context = directory ? join(clone, directory) : clone;
    const realClone = await Deno.realPath(clone);
    const realContext = await Deno.realPath(context).catch(() => null);
    if (!realContext || (realContext !== realClone && !realContext.startsWith(`${realClone}/`))) {
      throw new BuildError(
        `${entry.id}: ${repo} at ${commit.slice(0, 12)} has no folder ${directory}`,
      );
    }
    const { ways, looked } = await findRunWay(folderTree(clone), directory);
    const refused: string[] = [];
    for (const way of ways) {
      const base = { repo, commit, directory };
      if (way.kind === "package") {
        options.progress?.(`checking ${way.registry} ${way.name} against ${repo}`);
        const check = await checkPublishedFrom(way, spec.repo, {
          urls: settings.packageRegistries,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (!check.ok) {
          refused.push(check.reason);
          continue;
        }
        const plan: RunPlan = {
          ...base,
          kind: "package",
          file: way.file.split("/").pop()!,
          package: { registry: way.registry, name: way.name, version: check.version },
        };
        return await fn({ plan, way, clone, context: realContext });
      }
      const image = builtImage(entry.id, commit);
      const plan: RunPlan = way.kind === "recipe"
        ? {
          ...base,
          kind: "recipe",
          file: way.recipe.language,
          image,
          recipe: describeRecipe(way.recipe),
        }
        : { ...base, kind: "containerfile", file: way.file.split("/").pop()!, image };
      return await fn({ plan, way, clone, context: realContext });
    }
    throw new BuildError(
      `${entry.id}: nothing to run in ${repo} at ${commit.slice(0, 12)}: looked for ` +
        `${looked.join("; ")}, and found none` +
        (refused.length ? ` (a package was named but not used: ${refused.join("; ")})` : "") +
        ". To run it, describe it in your own catalog (MCP_REGISTRY_CATALOGS, server.yaml " +
        "format) with an image you built or pulled, and call registry-refresh with source local",
    );
  } catch (error) {
    // Every message names the entry first, once.
    if (!(error instanceof Error) || error.message.startsWith(`${entry.id}: `)) throw error;
    throw new BuildError(`${entry.id}: ${error.message}`);
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
