/**
 * The one place that runs `git`: clone a repository, or bring an existing clone up to date.
 *
 * @module
 */

/** `git` failed or could not be run; `message` says which command and why. */
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

/** Runs `git` with the given arguments and returns its stdout. Never prompts for credentials. */
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
      env: { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "true", LC_ALL: "C" },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new GitError("Cannot run git: it is not installed or not on PATH; install git");
    }
    throw new GitError(`Cannot run git ${args[0]}: ${(error as Error).message}`);
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-3).join(" ");
    const why = signal?.aborted
      ? "cancelled"
      : timeout.aborted
      ? `no answer within ${timeoutMs / 1000} s`
      : stderr;
    throw new GitError(`git ${args[0]} failed: ${why || `exit code ${output.code}`}`);
  }
  return new TextDecoder().decode(output.stdout).trim();
}

/**
 * Makes `dir` a shallow checkout of the default branch of `url` and returns its commit.
 * An existing clone of the same URL is fetched and reset; anything else in `dir` is replaced.
 * A failed clone leaves the previous checkout as it was.
 */
export async function syncRepo(url: string, dir: string, signal?: AbortSignal): Promise<string> {
  if (url.startsWith("-")) throw new GitError(`Refusing git URL "${url}": it starts with "-"`);
  if (await isCloneOf(dir, url)) {
    await runGit(["fetch", "--quiet", "--depth", "1", "origin", "HEAD"], { cwd: dir, signal });
    await runGit(["reset", "--quiet", "--hard", "FETCH_HEAD"], { cwd: dir, signal });
  } else {
    const parent = dir.replace(/\/[^/]+\/?$/, "") || ".";
    await Deno.mkdir(parent, { recursive: true });
    await sweepStaleClones(parent);
    const temp = await Deno.makeTempDir({ dir: parent, prefix: ".clone-" });
    try {
      await runGit(["clone", "--quiet", "--depth", "1", "--", url, temp], { signal });
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.rename(temp, dir);
    } finally {
      await Deno.remove(temp, { recursive: true }).catch(() => {});
    }
  }
  return await runGit(["rev-parse", "HEAD"], { cwd: dir });
}

/** Removes half-made clones left by a process that died mid-clone. */
async function sweepStaleClones(parent: string) {
  for await (const item of Deno.readDir(parent)) {
    if (item.isDirectory && item.name.startsWith(".clone-")) {
      await Deno.remove(`${parent}/${item.name}`, { recursive: true }).catch(() => {});
    }
  }
}

async function isCloneOf(dir: string, url: string): Promise<boolean> {
  try {
    await Deno.stat(`${dir}/.git`);
    return (await runGit(["remote", "get-url", "origin"], { cwd: dir })) === url;
  } catch {
    return false;
  }
}
