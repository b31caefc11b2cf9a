/**
 * The host folders a person approved for container mounts (`mcp-registry config allow-path`),
 * kept in the data dir's Kv store so the CLI and a running registry share them. Only a person
 * adds to this list: no registry tool writes it.
 *
 * @module
 */
import { retryLocked } from "../util/retry.ts";

/** One approved folder. */
export interface AllowedPath {
  path: string;
  /** When it was approved (ISO 8601). */
  added_at: string;
}

/** Reads and writes the approved folders. */
export class AllowedPathStore {
  readonly #kv: Deno.Kv;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Every approved folder, in path order. */
  async list(): Promise<AllowedPath[]> {
    const paths: AllowedPath[] = [];
    for await (const item of this.#kv.list<AllowedPath>({ prefix: ["allowed_paths"] })) {
      if (typeof item.value?.path === "string") paths.push(item.value);
    }
    return paths;
  }

  /** Approves `path` (an absolute real path, checked by the caller); true when it was new. */
  async add(path: string): Promise<boolean> {
    const key = ["allowed_paths", path];
    const existing = await this.#kv.get(key);
    if (existing.value) return false;
    const value: AllowedPath = { path, added_at: new Date().toISOString() };
    await retryLocked(() => this.#kv.atomic().check(existing).set(key, value).commit());
    return true;
  }

  /** Withdraws `path`; true when it was approved. */
  async remove(path: string): Promise<boolean> {
    const key = ["allowed_paths", path];
    if (!(await this.#kv.get(key)).value) return false;
    await retryLocked(() => this.#kv.delete(key));
    return true;
  }
}
