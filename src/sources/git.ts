/**
 * The one place that runs `git`: clone a repository, or bring an existing clone up to date,
 * under a lock that other registry processes sharing the folder respect.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { LockError, withFileLock } from "../util/file_lock.ts";
import { redactUrl } from "../util/redact_url.ts";

/** `git` failed or could not be run, or a checkout could not be used; `message` says why. */
export class GitError extends Error {
  override name = "GitError";
}

/** Options for {@linkcode runGit}. */
export interface RunGitOptions {
  cwd?: string;
  /** @default 120_000 */
  timeoutMs?: number;
  /** Stops git early (the registry is shutting down). */
  signal?: AbortSignal;
}

/** The user's variables git may see: finding programs, certificates and proxies. */
const PASSED_ENV = [
  "PATH",
  "HOME",
  "TMPDIR",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
];

/**
 * The whole environment git runs with. Nothing else of the user's gets through, so `GIT_DIR`,
 * `GIT_WORK_TREE`, `GIT_CONFIG_*` and the like cannot send it to another repository.
 */
export function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_ENV) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return { ...env, LANG: "C", LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "true" };
}

/**
 * Runs `git` with the given arguments and returns its stdout. Never prompts for credentials,
 * and runs with {@linkcode gitEnv} only.
 */
export async function runGit(args: string[], options: RunGitOptions = {}): Promise<string> {
  const { cwd, timeoutMs = 120_000, signal } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("git", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      clearEnv: true,
      env: gitEnv(),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new GitError("Cannot run git: it is not installed or not on PATH; install git");
    }
    throw new GitError(`Cannot run git ${args[0]}: ${(error as Error).message}`);
  }
  if (!output.success) {
    const why = signal?.aborted
      ? "cancelled"
      : timeout.aborted
      ? `no answer within ${timeoutMs / 1000} s`
      : summarizeStderr(new TextDecoder().decode(output.stderr));
    throw new GitError(`git ${args[0]} failed: ${why || `exit code ${output.code}`}`);
  }
  return new TextDecoder().decode(output.stdout).trim();
}

/**
 * The end of git's error output on one line: its last 6 lines joined with `" | "`, whole lines
 * dropped from the front to stay within 600 characters, and any URL credentials masked.
 */
export function summarizeStderr(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim()).filter(Boolean).slice(-6);
  while (lines.length > 1 && lines.join(" | ").length > 600) lines.shift();
  const text = redactUrl(lines.join(" | "));
  return text.length > 600 ? `${text.slice(0, 599)}\u2026` : text;
}

/**
 * What git is given for `url`: a local path made absolute (so `repo` and `./repo/` name the same
 * checkout), any other URL (`scheme://...`, `user@host:path`, `host:path`) unchanged.
 */
export function resolveRepoUrl(url: string): string {
  if (url.includes("://")) return url;
  // git's own rule: a colon before the first slash makes it an scp-like ssh address.
  if (/^[^/]*:/.test(url)) return url;
  return resolve(url);
}

/** The arguments of the clone: `--` keeps a URL from ever being read as an option. */
export function gitCloneArgs(url: string, dest: string): string[] {
  return ["clone", "--quiet", "--depth", "1", "--", url, dest];
}

/** Inside `.git/`, so that `git status` of the checkout stays clean. */
const MARKER = ".git/mcp-registry-checkout";
/** Age after which a lock or a half-made clone is taken to be abandoned. */
const STALE_MS = 10 * 60_000;

/**
 * Makes `dir` a shallow checkout of the default branch of `url` and returns its commit.
 *
 * An existing checkout of the same URL is fetched and reset; when that fails (a lock file left
 * by a crash, a damaged clone) it is cloned afresh. A checkout of another URL is replaced. Only
 * folders syncRepo made itself (they carry a marker in `.git/`) are ever replaced; an absent or
 * empty `dir` is fine, anything else is refused. A failed clone leaves the previous checkout as
 * it was. Holds the lock of {@linkcode withCheckoutLock} on `dir` while it works.
 */
export async function syncRepo(url: string, dir: string, signal?: AbortSignal): Promise<string> {
  if (url.startsWith("-")) throw new GitError(`Refusing git URL "${url}": it starts with "-"`);
  const source = resolveRepoUrl(url);
  return await withCheckoutLock({ dir, signal }, async () => {
    const state = await checkoutState(dir);
    if (state === "foreign") {
      throw new GitError(
        `Refusing to replace ${dir}: the folder is not a checkout mcp-registry made; ` +
          "remove it or set MCP_REGISTRY_SOURCES_DIR to another folder",
      );
    }
    let pullError: GitError | undefined;
    if (state === "ours" && (await originOf(dir)) === source) {
      try {
        await runGit(["fetch", "--quiet", "--depth", "1", "origin", "HEAD"], { cwd: dir, signal });
        await runGit(["reset", "--quiet", "--hard", "FETCH_HEAD"], { cwd: dir, signal });
        return await runGit(["rev-parse", "HEAD"], { cwd: dir, signal });
      } catch (error) {
        if (signal?.aborted || !(error instanceof GitError)) throw error;
        pullError = error;
      }
    }
    try {
      await freshClone(source, dir, signal);
    } catch (error) {
      if (pullError && error instanceof GitError) {
        throw new GitError(`${error.message} (after ${pullError.message})`);
      }
      throw error;
    }
    return await runGit(["rev-parse", "HEAD"], { cwd: dir, signal });
  });
}

/** Clones into a temporary folder beside `dir`, then swaps it in. */
async function freshClone(url: string, dir: string, signal?: AbortSignal) {
  const parent = dirname(dir);
  await Deno.mkdir(parent, { recursive: true });
  await sweepStaleClones(parent);
  const temp = await Deno.makeTempDir({ dir: parent, prefix: ".clone-" });
  const old = `${temp}-old`; // also `.clone-*`: swept if a crash leaves it
  try {
    await runGit(gitCloneArgs(url, temp), { signal });
    await Deno.writeTextFile(
      `${temp}/${MARKER}`,
      "Made by mcp-registry, which replaces this checkout at will.\n",
    );
    const replacing = await Deno.lstat(dir).then(() => true, () => false);
    if (replacing) await Deno.rename(dir, old);
    try {
      await Deno.rename(temp, dir);
    } catch (error) {
      if (replacing) await Deno.rename(old, dir).catch(() => {});
      throw error;
    }
  } finally {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    await Deno.remove(old, { recursive: true }).catch(() => {});
  }
}

/**
 * Removes half-made clones (and set-aside locks) left by a process that died mid-way. Only
 * those untouched for 10 minutes: a younger one may be a clone in progress.
 */
async function sweepStaleClones(parent: string) {
  const now = Date.now();
  for await (const item of Deno.readDir(parent)) {
    const clone = item.isDirectory && item.name.startsWith(".clone-");
    const lock = item.isFile && item.name.includes(".lock.stale-");
    if (!clone && !lock) continue;
    const path = `${parent}/${item.name}`;
    const mtime = (await Deno.lstat(path).catch(() => null))?.mtime?.getTime();
    if (mtime === undefined || now - mtime < STALE_MS) continue;
    await Deno.remove(path, { recursive: true }).catch(() => {});
  }
}

/** Whether `dir` may be (re)placed: absent, empty, made by us, or someone else's. */
async function checkoutState(dir: string): Promise<"absent" | "empty" | "ours" | "foreign"> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "absent";
    throw new GitError(`Cannot use ${dir}: ${(error as Error).message}`);
  }
  if (!info.isDirectory) return "foreign";
  if (await Deno.lstat(`${dir}/${MARKER}`).then((m) => m.isFile, () => false)) return "ours";
  for await (const _ of Deno.readDir(dir)) return "foreign";
  return "empty";
}

/** `remote.origin.url` as written in the checkout's config (no `insteadOf` rewriting). */
async function originOf(dir: string): Promise<string | undefined> {
  try {
    return await runGit(["config", "--get", "remote.origin.url"], { cwd: dir });
  } catch {
    return undefined;
  }
}

/** Options for {@linkcode withCheckoutLock}. */
export interface CheckoutLockOptions {
  /** The checkout; the lock is the file `<dir>.lock`. */
  dir: string;
  /** Stops waiting for the lock. */
  signal?: AbortSignal;
  /** How long to wait for another process to finish. @default 300_000 */
  waitMs?: number;
}

/**
 * Runs `fn` while holding the lock of a checkout (see `withFileLock()`), so that two registry
 * processes sharing the sources folder never write or read it at the same time; a lock it
 * cannot get is a {@linkcode GitError}.
 */
export async function withCheckoutLock<T>(
  lock: string | CheckoutLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const { dir, ...rest } = typeof lock === "string" ? { dir: lock } : lock;
  try {
    return await withFileLock({ target: dir, doing: "refreshing", ...rest }, fn);
  } catch (error) {
    if (error instanceof LockError) throw new GitError(error.message);
    throw error;
  }
}

/** Options for {@linkcode cloneAtCommit}. */
export interface CloneAtCommitOptions {
  /** A commit, branch or tag; absent means the default branch's head. */
  commit?: string;
  signal?: AbortSignal;
  /** @default 300_000 */
  timeoutMs?: number;
}

/**
 * Makes `dir` (absent or empty) a shallow checkout of `url` at one commit and returns that
 * commit's full hash: only that commit is fetched (`--depth 1`), its submodules are not. On
 * failure `dir` is removed again.
 */
export async function cloneAtCommit(
  url: string,
  dir: string,
  options: CloneAtCommitOptions = {},
): Promise<string> {
  const { commit, signal, timeoutMs = 300_000 } = options;
  if (url.startsWith("-")) throw new GitError(`Refusing git URL "${url}": it starts with "-"`);
  if (commit !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(commit)) {
    throw new GitError(`Refusing git commit "${commit}": not a commit, branch or tag name`);
  }
  const run = (args: string[]) => runGit(args, { cwd: dir, signal, timeoutMs });
  await Deno.mkdir(dir, { recursive: true });
  try {
    await run(["init", "--quiet"]);
    await run(["remote", "add", "origin", "--", resolveRepoUrl(url)]);
    await run(["fetch", "--quiet", "--depth", "1", "origin", "--", commit ?? "HEAD"]);
    await run(["-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD"]);
    return await run(["rev-parse", "HEAD"]);
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
}
