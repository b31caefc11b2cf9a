/**
 * What the registry learned by running servers: an entry that started is `verified` (with the
 * commit it was built from, for a server built from source, and the date); one whose build or
 * start failed is `failed` with the reason. Search results show the mark and rank by it, so an
 * agent sees what will start, what needs a build, and what failed before.
 *
 * Marks live in the data folder's Kv (they are this user's history, not the catalog's) and are
 * loaded once into memory, since ranking reads them for every result.
 *
 * @module
 */
import { retryLocked } from "../util/retry.ts";

/** One entry's mark. */
export interface RunMark {
  state: "verified" | "failed";
  /** When it was set (ISO 8601). */
  at: string;
  /** For a server built from source: the commit built. */
  commit?: string;
  /** For `failed`: one line on why (never a secret: callers pass masked text). */
  reason?: string;
}

/** The longest reason kept. */
const REASON_MAX = 300;

/** Reads and writes run marks; {@linkcode RunMarkStore.get} answers from memory after `load()`. */
export class RunMarkStore {
  readonly #kv: Deno.Kv;
  readonly #marks = new Map<string, RunMark>();
  #loaded: Promise<void> | undefined;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Reads every mark into memory (once; later calls wait for the same read). */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      for await (const item of this.#kv.list<RunMark>({ prefix: ["run_marks"] })) {
        const id = item.key[1];
        if (typeof id === "string" && isMark(item.value)) this.#marks.set(id, item.value);
      }
    })();
    return this.#loaded;
  }

  /** The mark of `id`, from memory (undefined before `load()` finished or when none). */
  get(id: string): RunMark | undefined {
    return this.#marks.get(id);
  }

  /** Every mark in memory, by id. */
  all(): ReadonlyMap<string, RunMark> {
    return this.#marks;
  }

  /** Marks `id` as started, built from `commit` when given. */
  async verified(id: string, commit?: string): Promise<RunMark> {
    return await this.#set(id, {
      state: "verified",
      at: new Date().toISOString(),
      ...(commit ? { commit } : {}),
    });
  }

  /** Marks `id` as failed, with the first line of `reason` (shortened). */
  async failed(id: string, reason: string, commit?: string): Promise<RunMark> {
    const line = reason.split("\n")[0]!.trim().slice(0, REASON_MAX);
    return await this.#set(id, {
      state: "failed",
      at: new Date().toISOString(),
      reason: line,
      ...(commit ? { commit } : {}),
    });
  }

  /** Forgets the mark of `id`. */
  async delete(id: string): Promise<void> {
    this.#marks.delete(id);
    await retryLocked(() => this.#kv.delete(["run_marks", id]));
  }

  async #set(id: string, mark: RunMark): Promise<RunMark> {
    this.#marks.set(id, mark);
    await retryLocked(() => this.#kv.set(["run_marks", id], mark));
    return mark;
  }
}

function isMark(value: unknown): value is RunMark {
  const mark = value as RunMark | null;
  return !!mark && (mark.state === "verified" || mark.state === "failed") &&
    typeof mark.at === "string";
}
