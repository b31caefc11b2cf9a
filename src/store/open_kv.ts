/**
 * Opening a Kv file that may be damaged (a full disk, a crash mid-write, a stray file), and
 * keeping it private: the folder 0700, the store and its `-wal`/`-shm` files 0600, even when
 * the folder existed before with a wider mode.
 *
 * @module
 */
import type { Logger } from "../util/log.ts";
import { retryLocked } from "../util/retry.ts";

/**
 * Opens the Kv store at `path`. A file that is not a usable store is moved aside (kept for
 * recovery, never deleted) and a new one is made; if even that fails, the store lives in
 * memory for this run, and the registry still starts.
 *
 * The store is private (see {@linkcode makePrivate}); one in a folder that belongs to another
 * user is not used (they could read or replace it): the store lives in memory for this run.
 */
export async function openKvSafely(path: string, log: Logger): Promise<Deno.Kv> {
  const usable = await makePrivate(path, log).catch((error) => {
    log.error("cannot make the Kv store private", { path, error: String(error) });
    return true; // opening it says what is wrong, and falls back as for any unusable store
  });
  if (!usable) return await Deno.openKv(":memory:");
  try {
    // Another registry process opening the same new file at once holds it briefly: that is
    // a lock, not damage.
    return await retryLocked(async () => await probe(await Deno.openKv(path), path));
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
      await createPrivate(path);
      return await probe(await Deno.openKv(path), path);
    } catch (again) {
      log.error("cannot make a new Kv store; keeping state in memory for this run", {
        path,
        error: String(again),
      });
      return await Deno.openKv(":memory:");
    }
  }
}

async function probe(kv: Deno.Kv, path: string): Promise<Deno.Kv> {
  try {
    await kv.get(["probe"]);
    await chmodStoreFiles(path);
    return kv;
  } catch (error) {
    kv.close();
    throw error;
  }
}

/**
 * Makes the folder of the store at `path` private (0700; created so when missing) and creates
 * the store file itself 0600 before SQLite does (its `-wal` and `-shm` files take the store's
 * mode). A wider folder of this user is narrowed, and that is logged. False when the folder
 * belongs to another user: nothing is changed and the store must not be used. A shared folder
 * with the sticky bit (`/tmp`) is never narrowed; it is used with a warning.
 */
export async function makePrivate(path: string, log: Logger): Promise<boolean> {
  if (Deno.build.os === "windows") return true;
  const dir = path.replace(/\/[^/]*$/, "") || "/";
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await Deno.stat(dir);
  const uid = Deno.uid();
  const mode = (info.mode ?? 0) & 0o7777;
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    log.error(
      "the folder of a Kv store belongs to another user, who could read or replace it; " +
        "keeping this store in memory for this run. Choose a folder of your own " +
        "(MCP_REGISTRY_DATA_DIR, MCP_REGISTRY_CACHE_DIR)",
      { folder: dir, owner: info.uid, uid },
    );
    return false;
  }
  if (mode & 0o1000) {
    log.warn(
      "the folder of a Kv store is a shared one (sticky bit); it is left as it is. " +
        "Choose a folder of your own (MCP_REGISTRY_DATA_DIR, MCP_REGISTRY_CACHE_DIR)",
      {
        folder: dir,
        mode: mode.toString(8),
      },
    );
  } else if (mode & 0o077) {
    await Deno.chmod(dir, 0o700);
    log.info("made the folder of a Kv store private (0700)", {
      folder: dir,
      was: mode.toString(8),
    });
  }
  await createPrivate(path);
  await chmodStoreFiles(path);
  return true;
}

/** Creates the store file empty with mode 0600 (SQLite takes an empty file as a new store). */
async function createPrivate(path: string) {
  const file = await Deno.open(path, { create: true, write: true, mode: 0o600 });
  file.close();
}

/** Narrows the store and its SQLite siblings to 0600 (those made by older versions too). */
async function chmodStoreFiles(path: string) {
  if (Deno.build.os === "windows") return;
  for (const suffix of ["", "-wal", "-shm"]) {
    const info = await Deno.lstat(path + suffix).catch(() => null);
    if (info?.isFile && (info.mode ?? 0) & 0o077) {
      await Deno.chmod(path + suffix, 0o600).catch(() => {}); // not ours: makePrivate said so
    }
  }
}
