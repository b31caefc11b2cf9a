/**
 * Opening a Kv file that may be damaged (a full disk, a crash mid-write, a stray file).
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { retryLocked } from "./_retry.ts";

/**
 * Opens the Kv store at `path`. A file that is not a usable store is moved aside (kept for
 * recovery, never deleted) and a new one is made; if even that fails, the store lives in
 * memory for this run, and the registry still starts.
 */
export async function openKvSafely(path: string, log: Logger): Promise<Deno.Kv> {
  try {
    // Another registry process opening the same new file at once holds it briefly: that is
    // a lock, not damage.
    return await retryLocked(async () => await probe(await Deno.openKv(path)));
  } catch (error) {
    const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    log.error("Kv store unusable; moved it aside and starting a new one", {
      path,
      aside,
      error: String(error),
    });
    try {
      await Deno.rename(path, aside);
      for (const suffix of ["-wal", "-shm"]) {
        await Deno.rename(path + suffix, aside + suffix).catch(() => {});
      }
      return await probe(await Deno.openKv(path));
    } catch (again) {
      log.error("cannot make a new Kv store; keeping state in memory for this run", {
        path,
        error: String(again),
      });
      return await Deno.openKv(":memory:");
    }
  }
}

async function probe(kv: Deno.Kv): Promise<Deno.Kv> {
  try {
    await kv.get(["probe"]);
    return kv;
  } catch (error) {
    kv.close();
    throw error;
  }
}
