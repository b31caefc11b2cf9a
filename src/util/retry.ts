/**
 * Kv writes from several registry processes on one file can meet SQLite's "database is locked";
 * such a write is tried again after a short, growing pause.
 *
 * @module
 */

const PAUSES_MS = [10, 25, 50, 100, 200, 400, 800, 1600];

/**
 * True for the error `Deno.Kv` throws when another connection holds SQLite's lock. Deno gives
 * that error no class or code of its own, so its message is the only mark; this is the one place
 * that reads it.
 */
export function isDatabaseLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
}

/** Runs `write`, again after a pause while the database is locked by another connection. */
export async function retryLocked<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseLocked(error) || attempt >= PAUSES_MS.length) throw error;
      await new Promise((r) => setTimeout(r, PAUSES_MS[attempt]! * (0.5 + Math.random())));
    }
  }
}
