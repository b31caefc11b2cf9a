/**
 * The git check of `mcp-registry doctor`, and how doctor runs git for it and for the git
 * sources. `runGit()` in src/sources/git.ts, the registry's one place that runs git, takes no
 * binary and reports a missing git only as a message, while these checks take the binary as a
 * seam and must tell a missing git, a timeout and a failure apart; so git runs here as well,
 * with that module's environment (`gitEnv()`).
 *
 * @module
 */
import { gitEnv, summarizeStderr } from "../../sources/git.ts";
import type { CheckResult } from "./check.ts";

export const INSTALL_GIT = "Install git: sudo dnf install git (Fedora) or sudo apt install git " +
  "(Debian/Ubuntu)";

/** The output of a finished git; `null` from {@linkcode runGitBinary} when git is missing. */
export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `binary` (a git) with exactly `env`; resolves to `null` when the binary does not exist. */
export async function runGitBinary(
  binary: string,
  args: string[],
  { env, timeoutMs }: { env: Record<string, string>; timeoutMs: number },
): Promise<GitOutput | null> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(binary, {
      args,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: timeout,
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (timeout.aborted) return { code: -1, stdout: "", stderr: "", timedOut: true };
    if (error instanceof Deno.errors.PermissionDenied) {
      return {
        code: -1,
        stdout: "",
        stderr: `cannot run ${binary}: permission denied`,
        timedOut: false,
      };
    }
    throw error;
  }
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return {
    code: output.signal ? -1 : output.code,
    stdout: decode(output.stdout),
    stderr: decode(output.stderr),
    timedOut: timeout.aborted,
  };
}

/** Options for {@linkcode checkGit}. */
export interface CheckGitOptions {
  /** @default "git" */
  binary?: string;
  /** @default gitEnv() */
  env?: Record<string, string>;
  /** @default 10_000 */
  timeoutMs?: number;
}

/** git is present (the docker and awesome sources clone with it). */
export async function checkGit(options: CheckGitOptions = {}): Promise<CheckResult> {
  const { binary = "git", env = gitEnv(), timeoutMs = 10_000 } = options;
  const out = await runGitBinary(binary, ["--version"], { env, timeoutMs });
  if (out === null) {
    return { check: "git", status: "failed", detail: `"${binary}" not found`, fix: INSTALL_GIT };
  }
  if (out.code !== 0) {
    return {
      check: "git",
      status: "failed",
      detail: `${binary} --version failed: ${summarizeStderr(out.stderr) || `exit ${out.code}`}`,
      fix: INSTALL_GIT,
    };
  }
  return { check: "git", status: "ok", detail: out.stdout };
}
