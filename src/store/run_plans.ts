/**
 * The resolved plans of servers that run from their repository (`registry/build_flow.ts`): how
 * each runs (package, Containerfile, recipe), from which commit, as which package version or
 * image. A plan is kept once a person agreed and it ran, so the next start and a restart of the
 * registry reuse it without resolving again; a new upstream commit is taken only when the
 * person asks again (`registry-add {build: true}`).
 *
 * Plans live in the data folder's Kv and are loaded once into memory: the pool looks them up
 * synchronously when it restores or restarts a server.
 *
 * @module
 */
import { retryLocked } from "../util/retry.ts";

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
   * What was found: the Containerfile's path (`containerfile`), the recipe's language
   * (`recipe`: `node`, `python`, `go`), or the manifest naming the package (`package`).
   */
  file: string;
  /** For `containerfile` and `recipe`: the image the build makes and a start runs. */
  image?: string;
  /** For `package`: the package and its exact version. */
  package?: PlannedPackage;
  /** For `recipe`: what it does, in a phrase ("Node: npm ci, then node dist/index.js"). */
  recipe?: string;
}

/** Reads and writes run plans; {@linkcode RunPlanStore.get} answers from memory after `load()`. */
export class RunPlanStore {
  readonly #kv: Deno.Kv;
  readonly #plans = new Map<string, RunPlan>();
  #loaded: Promise<void> | undefined;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Reads every plan into memory (once; later calls wait for the same read). */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      for await (const item of this.#kv.list<RunPlan>({ prefix: ["run_plans"] })) {
        const id = item.key[1];
        if (typeof id === "string" && isPlan(item.value)) this.#plans.set(id, item.value);
      }
    })();
    return this.#loaded;
  }

  /** The plan of `id`, from memory. */
  get(id: string): RunPlan | undefined {
    return this.#plans.get(id);
  }

  /** Keeps `plan` as how `id` runs. */
  async set(id: string, plan: RunPlan): Promise<void> {
    this.#plans.set(id, plan);
    await retryLocked(() => this.#kv.set(["run_plans", id], plan));
  }

  /** Forgets how `id` runs. */
  async delete(id: string): Promise<void> {
    this.#plans.delete(id);
    await retryLocked(() => this.#kv.delete(["run_plans", id]));
  }
}

function isPlan(value: unknown): value is RunPlan {
  const plan = value as RunPlan | null;
  if (!plan || typeof plan.repo !== "string" || typeof plan.commit !== "string") return false;
  if (plan.kind === "package") {
    return !!plan.package && typeof plan.package.name === "string" &&
      typeof plan.package.version === "string" &&
      (plan.package.registry === "npm" || plan.package.registry === "pypi");
  }
  return (plan.kind === "containerfile" || plan.kind === "recipe") &&
    typeof plan.image === "string";
}
