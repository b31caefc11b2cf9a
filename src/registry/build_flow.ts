/**
 * The one decision every front end asks before starting an entry that must be resolved from
 * its repository: the MCP tool (`registry-add`), the CLI (`mcp-registry add`) and the web page
 * all call {@linkcode prepareRun} and act on its answer.
 *
 * ```ts
 * const answer = await prepareRun(entry, { build: false, cacheDir, runtime, progress });
 * if (answer.status === "needs-consent") {
 *   // Show answer.question (and answer.plan) to a person; on yes, call again with build: true.
 * } else {
 *   await active.add(answer.entry, config); // answer.entry is what to start
 *   await runMarks.verified(entry.id, answer.plan?.commit);
 * }
 * ```
 *
 * - {@linkcode needsRunFlow}: whether an entry goes through here at all (a `build` entry, or
 *   a `none` entry that names an https repository). Any other entry is answered `ready` with
 *   itself, so a caller may call `prepareRun` for every entry.
 * - `build: false` never builds: when the image (or the resolved package) is at hand it is
 *   `ready`; otherwise it resolves what would run (cloning the repository shallow into the
 *   cache, removed afterwards) and answers `needs-consent` with the {@linkcode RunPlan}.
 * - `build: true` resolves again (a new upstream commit is taken only here), builds when the
 *   way needs a build, and answers `ready` with the entry to start.
 * - Nothing can run: a {@linkcode BuildError} whose message says what was looked for and what
 *   the person can do. A failed build's error ends with its last lines and the log's path.
 * - With `runMarks`, a failed resolution or build is marked `failed`; after a successful start
 *   the caller marks it `verified` (the flow does not start servers).
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { builtImage, type ContainerRuntime } from "../runtime/container_runtime.ts";
import type { RunMarkStore } from "../store/run_marks.ts";
import { BuildError, buildFromSource, type BuildPlan, resolveBuild } from "./build.ts";

export { BuildError };

/** How a repository entry runs. */
export type RunWayKind = "package" | "containerfile" | "recipe";

/** A published package a repository entry runs as (through `npx`/`uvx` in a container). */
export interface PlannedPackage {
  registry: "npm" | "pypi";
  name: string;
  /** The exact version resolved. */
  version: string;
}

/** What a start of a repository entry runs: where from, at which commit, and how. */
export interface RunPlan {
  kind: RunWayKind;
  /** The repository (credentials masked). */
  repo: string;
  /** The exact commit resolved (40 hex for a git repository). */
  commit: string;
  /** The folder of the repository the server is in ("" for its top). */
  directory: string;
  /**
   * What was found: the Containerfile's name (`containerfile`), the recipe (`recipe`: `node`,
   * `python`, `go`), or the manifest naming the package (`package`: `package.json`,
   * `pyproject.toml`).
   */
  file: string;
  /** For `containerfile` and `recipe`: the image the build makes and a start runs. */
  image?: string;
  /** For `package`: the package and its exact version. */
  package?: PlannedPackage;
}

/** The flow's answer: a person must agree first, or what to start. */
export type RunFlowAnswer =
  | {
    status: "needs-consent";
    plan: RunPlan;
    /** One question for a person ("Build ... at commit ...?"), for a prompt or a button. */
    question: string;
  }
  | {
    status: "ready";
    /** The entry to start (a `podman` or `stdio-proxy` entry for a resolved one). */
    entry: CatalogEntry;
    /** What was resolved; null for an entry that needs no resolution. */
    plan: RunPlan | null;
    /** True when this call built an image. */
    built: boolean;
  };

/** Options for {@linkcode prepareRun}. */
export interface RunFlowOptions {
  /** True: the person agreed; resolve again and build when needed. */
  build: boolean;
  /** The registry's cache folder (clones and build logs go to `<cacheDir>/builds/`). */
  cacheDir: string;
  runtime: ContainerRuntime;
  /** Told each step (clone, build steps). */
  progress?: (step: string) => void;
  signal?: AbortSignal;
  /** Where failed resolutions and builds are marked. */
  runMarks?: RunMarkStore;
}

/** True for an entry that is resolved from its repository before it can start. */
export function needsRunFlow(entry: CatalogEntry): boolean {
  return entry.launch_method === "build";
}

/**
 * What starting `entry` needs: a person's yes (with the plan), or nothing more (with the
 * entry to start). Throws a {@linkcode BuildError} when nothing can run.
 */
export async function prepareRun(
  entry: CatalogEntry,
  options: RunFlowOptions,
): Promise<RunFlowAnswer> {
  if (!needsRunFlow(entry)) return { status: "ready", entry, plan: null, built: false };
  const { runtime, cacheDir, progress, signal } = options;
  const resolveOptions = {
    cacheDir,
    ...(progress ? { progress } : {}),
    ...(signal ? { signal } : {}),
  };
  try {
    if (options.build) {
      const plan = toPlan(await buildFromSource(entry, { ...resolveOptions, runtime }));
      return { status: "ready", entry: imageEntry(entry, plan.image!), plan, built: true };
    }
    const image = builtImage(entry.id, entry.build?.commit);
    if (await runtime.imageExists(image)) {
      return { status: "ready", entry: imageEntry(entry, image), plan: null, built: false };
    }
    const plan = toPlan(await resolveBuild(entry, resolveOptions));
    return { status: "needs-consent", plan, question: consentQuestion(entry, plan) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await options.runMarks?.failed(entry.id, message, entry.build?.commit).catch(() => {});
    if (error instanceof BuildError) throw error;
    throw new BuildError(message);
  }
}

/** The question a person answers before a build or package run: what, from where, at what. */
export function consentQuestion(entry: CatalogEntry, plan: RunPlan): string {
  const at = `${plan.repo} at commit ${plan.commit.slice(0, 12)}`;
  if (plan.kind === "package" && plan.package) {
    const { registry, name, version } = plan.package;
    return `Run ${entry.id} as the ${registry} package ${name}@${version}, published from ${at}?`;
  }
  const where = plan.directory ? `${plan.directory}/${plan.file}` : plan.file;
  const what = plan.kind === "recipe" ? `the ${plan.file} recipe` : where;
  return `Build ${entry.id} from ${at} (${what}) and run it in a container?`;
}

/** What a person is shown before agreeing: the plan, line by line. */
export function describePlan(plan: RunPlan): string[] {
  const where = plan.directory ? `${plan.directory}/${plan.file}` : plan.file;
  return [
    `- repository: ${plan.repo}`,
    `- commit: ${plan.commit}`,
    ...(plan.kind === "package" && plan.package
      ? [
        `- package: ${plan.package.registry} ${plan.package.name}@${plan.package.version} ` +
        `(named by ${where}; its registry metadata points back to this repository)`,
      ]
      : plan.kind === "recipe"
      ? [`- recipe: ${plan.file} (a generated Containerfile; nothing pulled, no host folder)`]
      : [`- file: ${where} (podman build, no host folder but the clone, nothing pulled)`]),
    ...(plan.image ? [`- image: ${plan.image}`] : []),
  ];
}

function toPlan(build: BuildPlan): RunPlan {
  return {
    kind: "containerfile",
    repo: build.repo,
    commit: build.commit,
    directory: build.directory,
    file: build.file,
    image: build.image,
  };
}

/** `entry` as the container entry of its built image. */
function imageEntry(entry: CatalogEntry, image: string): CatalogEntry {
  return { ...entry, launch_method: "podman", container_image: image };
}
