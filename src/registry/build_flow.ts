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
 *   a `none` entry that names a repository on a public forge). Any other entry is answered `ready` with
 *   itself, so a caller may call `prepareRun` for every entry.
 * - `build: false` never builds: when the image (or the resolved package) is at hand it is
 *   `ready`; otherwise it resolves what would run (cloning the repository shallow into the
 *   cache, removed afterwards) and answers `needs-consent` with the {@linkcode RunPlan}.
 * - `build: true` resolves again (a new upstream commit is taken only here), builds when the
 *   way needs a build, and answers `ready` with the entry to start.
 * - Nothing can run: a {@linkcode BuildError} whose message says what was looked for and what
 *   the person can do. A failed build's error ends with its last lines and the log's path.
 * - With `runPlans`, the plan of a build (or package) that went ahead is kept: later calls with
 *   `build: false` answer `ready` from it (no clone, no network) while its image is at hand,
 *   and {@linkcode runnableEntry} gives the pool the same entry for restores and restarts.
 * - With `runMarks`, a failed resolution or build is marked `failed`; after a successful start
 *   the caller marks it `verified` with `plan.commit` (the flow does not start servers).
 * - `settings` (`config.build`): recipe base images, package registry URLs, clone size limit
 *   and build time limit.
 *
 * @module
 */
import { repoBuildOf } from "../catalog/repo_build.ts";
import type { BuildSpec, CatalogEntry } from "../catalog/entry.ts";
import type { BuildSettings } from "../config.ts";
import { builtImage, type ContainerRuntime } from "../runtime/container_runtime.ts";
import { redactUrl } from "../util/redact_url.ts";
import type { RunMarkStore } from "../store/run_marks.ts";
import type { PlannedPackage, RunPlan, RunPlanStore, RunWayKind } from "../store/run_plans.ts";
import { BuildError } from "./build_error.ts";

export { BuildError };
export type { PlannedPackage, RunPlan, RunWayKind };

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
  /** Where resolved plans are kept, so later starts (and restarts) reuse them. */
  runPlans?: RunPlanStore;
  /** Base images, package registries, limits (`config.build`). @default the defaults */
  settings?: BuildSettings;
}

/**
 * True for an entry that is resolved from its repository before it can start: a `build`
 * entry (a local catalog's `source.project`), or a `none` entry naming a repository on a public
 * forge (GitHub, GitLab, Codeberg, Bitbucket).
 */
export function needsRunFlow(entry: CatalogEntry): boolean {
  return buildSpecOf(entry) !== null;
}

/** A failure of this machine's network or of a registry, not of the entry: not marked. */
const TRANSIENT =
  /could not resolve host|connection (refused|reset|timed out)|no answer within|network is unreachable|cannot ask (npm|pypi)|was stopped|cancelled/i;

/**
 * Where a repository entry's code comes from; null for any other entry. Local catalogs name
 * any repository (`build` entries: the person wrote them); an entry from the web only one the
 * catalog's allow-list takes (`catalog/repo_build.ts`: https, a public forge, an owner and a
 * name, a plain folder), the same list the merge uses.
 */
export function buildSpecOf(entry: CatalogEntry): BuildSpec | null {
  if (entry.launch_method === "build") return entry.build;
  return repoBuildOf(entry);
}

/**
 * `entry` as it runs by the plan kept for it (a package or a built image), for the pool's
 * restores and restarts; `entry` itself when it has no plan (or is no repository entry).
 */
export function runnableEntry<E extends CatalogEntry | undefined>(
  entry: E,
  plans: RunPlanStore | undefined,
): E {
  if (!entry) return entry;
  const spec = buildSpecOf(entry);
  const plan = spec && plans?.get(entry.id);
  return (plan && planFits(plan, spec) ? asPlanned(entry, plan) : entry) as E;
}

/**
 * What starting `entry` needs: a person's yes (with the plan), or nothing more (with the
 * entry to start). Throws a {@linkcode BuildError} when nothing can run.
 */
export async function prepareRun(
  entry: CatalogEntry,
  options: RunFlowOptions,
): Promise<RunFlowAnswer> {
  const spec = buildSpecOf(entry);
  if (!spec) return { status: "ready", entry, plan: null, built: false };
  const { runtime, cacheDir, progress, signal, runPlans, settings } = options;
  const resolveOptions = {
    cacheDir,
    ...(settings ? { settings } : {}),
    ...(progress ? { progress } : {}),
    ...(signal ? { signal } : {}),
  };
  try {
    if (options.build) {
      // Resolution and builds (git, manifests, recipes, package registries) load with the
      // first; a start from a kept plan never needs them.
      const { buildRun } = await import("./build.ts");
      const plan = await buildRun(entry, spec, { ...resolveOptions, runtime });
      await runPlans?.set(entry.id, plan);
      return {
        status: "ready",
        entry: asPlanned(entry, plan),
        plan,
        built: plan.kind !== "package",
      };
    }
    const kept = runPlans?.get(entry.id);
    if (kept && planFits(kept, spec)) {
      if (kept.kind === "package" || await runtime.imageExists(kept.image!)) {
        return { status: "ready", entry: asPlanned(entry, kept), plan: kept, built: false };
      }
    }
    // An image built before plans were kept: the pinned commit's (or the last build's).
    if (entry.launch_method === "build") {
      const image = builtImage(entry.id, spec.commit);
      if (await runtime.imageExists(image)) {
        const entryOf = { ...entry, launch_method: "podman" as const, container_image: image };
        return { status: "ready", entry: entryOf, plan: null, built: false };
      }
    }
    const { resolveRun } = await import("./build.ts");
    const plan = await resolveRun(entry, spec, resolveOptions);
    return { status: "needs-consent", plan, question: consentQuestion(entry, plan) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // What says something about the entry is kept; a cancel or this machine's network is not.
    if (!signal?.aborted && !TRANSIENT.test(message)) {
      await options.runMarks?.failed(entry.id, message, spec.commit).catch(() => {});
    }
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
  const what = plan.kind === "recipe" ? `the ${plan.file} source recipe` : where;
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
      ? [
        `- recipe: ${plan.recipe ?? plan.file}${plan.directory ? ` in ${plan.directory}` : ""} ` +
        "(a generated Containerfile: a builder stage, then a small runtime image)",
      ]
      : [`- file: ${where} (podman build; the clone is its only host folder)`]),
    ...(plan.image ? [`- image: ${plan.image}`] : []),
  ];
}

/** True when `plan` was made for what `spec` names now (same repository, folder, pin). */
function planFits(plan: RunPlan, spec: BuildSpec): boolean {
  const directory = (spec.directory ?? "").replace(/^\.?\/+|\/+$/g, "");
  if (plan.repo !== redactUrl(spec.repo) || plan.directory !== directory) return false;
  const pin = spec.commit;
  return !pin || !/^[0-9a-f]{7,40}$/.test(pin) || plan.commit.startsWith(pin);
}

/** `entry` as its plan runs it: the package server, or the container of the built image. */
function asPlanned(entry: CatalogEntry, plan: RunPlan): CatalogEntry {
  if (plan.kind === "package" && plan.package) {
    return {
      ...entry,
      launch_method: "stdio-proxy",
      run: { ...entry.run, package: { ...plan.package } },
    };
  }
  return { ...entry, launch_method: "podman", container_image: plan.image ?? null };
}
