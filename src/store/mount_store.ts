/**
 * The servers a user activated, kept in Deno.Kv so that a restart brings them back.
 *
 * @module
 */
import { retryLocked } from "../util/retry.ts";

/** One activated server. Its settings live in the config store; this records that it runs. */
export interface Mount {
  id: string;
  /** When it was first added (ISO 8601). */
  added_at: string;
}

/** Reads and writes mounts; each write is one atomic Kv operation. */
export class MountStore {
  readonly #kv: Deno.Kv;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Every mount, in id order. */
  async list(): Promise<Mount[]> {
    const mounts: Mount[] = [];
    for await (const item of this.#kv.list<Mount>({ prefix: ["mounts"] })) {
      if (item.value && typeof item.value.id === "string") mounts.push(item.value);
    }
    return mounts;
  }

  /** Records `id` as active; keeps the first `added_at` of a mount that exists. */
  async put(id: string): Promise<Mount> {
    const key = ["mounts", id];
    const existing = await this.#kv.get<Mount>(key);
    if (existing.value) return existing.value;
    const mount = { id, added_at: new Date().toISOString() };
    await retryLocked(() => this.#kv.atomic().check(existing).set(key, mount).commit());
    return mount;
  }

  /** Forgets `id`. */
  async delete(id: string): Promise<void> {
    await retryLocked(() => this.#kv.delete(["mounts", id]));
  }
}
