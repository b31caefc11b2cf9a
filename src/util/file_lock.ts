/**
 * An exclusive lock between registry processes sharing a folder: the file `<target>.lock`,
 * holding `<pid>:<time>`. Used for git checkouts (refreshes) and the secrets file (settings).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { dirname, resolve } from "node:path";
import { processAlive } from "./process.ts";

/** A lock that could not be had; the message says who holds it and what to do. */
export class LockError extends Error {
  override name = "LockError";
}

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** What is locked; the lock is the file `<target>.lock`. */
  target: string;
  /** What a holder is doing, for the message when it holds too long: "refreshing". */
  doing: string;
  /** Stops waiting for the lock. */
  signal?: AbortSignal | undefined;
  /** How long to wait for another process to finish. @default 300_000 */
  waitMs?: number | undefined;
}

/** A lock this old (not refreshed by its holder's heartbeat) is abandoned. */
const STALE_MS = 10 * 60_000;

/** The locks the current chain of calls holds, so that a nested call does not wait for itself. */
const heldLocks = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `fn` while holding the lock of `target`. A lock older than 10 minutes, or whose process
 * is gone, is taken over; otherwise this waits (5 minutes at most, then throws a
 * {@linkcode LockError}: "another mcp-registry is <doing> <target>"). Calls nested in `fn` for
 * the same target run at once.
 */
export async function withFileLock<T>(
  options: FileLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const { target, doing, signal, waitMs = 300_000 } = options;
  const path = `${resolve(target)}.lock`;
  const held = heldLocks.getStore() ?? new Set<string>();
  if (held.has(path)) return await fn();
  await Deno.mkdir(dirname(path), { recursive: true });
  const file = await acquireLock(path, { target, doing, signal, waitMs });
  // A long hold stays fresh, so that nobody takes it for abandoned.
  const heartbeat = setInterval(() => stampLock(file).catch(() => {}), 60_000);
  try {
    return await heldLocks.run(new Set([...held, path]), fn);
  } finally {
    clearInterval(heartbeat);
    const mine = await file.stat().catch(() => null);
    file.close();
    const current = await Deno.lstat(path).catch(() => null);
    // Remove it only if it is still our file (not one that replaced it after a takeover).
    if (current && (mine?.ino == null || current.ino === mine.ino)) {
      await Deno.remove(path).catch(() => {});
    }
  }
}

async function acquireLock(
  path: string,
  { target, doing, signal, waitMs }: FileLockOptions & { waitMs: number },
): Promise<Deno.FsFile> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const file = await Deno.open(path, { createNew: true, write: true });
      await stampLock(file);
      return file;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) {
        throw new LockError(`Cannot lock ${target}: ${(error as Error).message}`);
      }
    }
    if (await takeOverIfStale(path)) continue;
    if (Date.now() >= deadline) {
      throw new LockError(`another mcp-registry is ${doing} ${target}; try again later`);
    }
    if (signal?.aborted) throw new LockError(`Waiting for the lock of ${target}: cancelled`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function stampLock(file: Deno.FsFile) {
  await file.truncate(0);
  await file.seek(0, Deno.SeekMode.Start);
  await file.write(new TextEncoder().encode(`${Deno.pid}:${Date.now()}`));
}

/**
 * Removes the lock at `path` when it is abandoned; true when it is gone. The lock is first moved
 * aside under a name of our own, so that of several processes that found it abandoned only one
 * removes it, and a fresh lock that replaced it meanwhile is put back.
 */
async function takeOverIfStale(path: string): Promise<boolean> {
  let text: string;
  let info: Deno.FileInfo;
  try {
    text = await Deno.readTextFile(path);
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw new LockError(`Cannot read the lock ${path}: ${(error as Error).message}`);
  }
  if (!isStale(text, info.mtime)) return false;
  const aside = `${path}.stale-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(path, aside);
  } catch {
    return true; // someone else took it over first; try again
  }
  const moved = await Deno.readTextFile(aside).catch(() => "");
  if (moved !== text) await Deno.link(aside, path).catch(() => {});
  await Deno.remove(aside).catch(() => {});
  return moved === text;
}

function isStale(text: string, mtime: Date | null): boolean {
  const match = text.match(/^(\d+):(\d+)$/);
  // Empty: created, not yet written; that takes microseconds, unless its process died then.
  if (!match) return Date.now() - (mtime?.getTime() ?? 0) > 10_000;
  if (Date.now() - Number(match[2]) > STALE_MS) return true;
  return !processAlive(Number(match[1])); // without /proc, age alone decides
}
