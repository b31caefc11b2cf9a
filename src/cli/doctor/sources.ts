/**
 * The source checks of `mcp-registry doctor`: each source that is on answers where the settings
 * say it is (`describeSources()` in src/registry/configured_sources.ts says where): a git
 * repository (`git ls-remote`), an HTTP address (`GET`), or the user's catalog files.
 *
 * @module
 */
import type { ConfiguredSource } from "../../registry/configured_sources.ts";
import { gitEnv, resolveRepoUrl, summarizeStderr } from "../../sources/git.ts";
import { redactUrl } from "../../util/redact_url.ts";
import type { CheckResult } from "./check.ts";
import { INSTALL_GIT, runGitBinary } from "./git.ts";

/** Options for {@linkcode checkSource}: the seams of the network checks. */
export interface CheckSourceOptions {
  /** @default "git" */
  git?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default 10_000 */
  timeoutMs?: number;
}

/** Checks one configured source where it is reached. */
export function checkSource(
  source: ConfiguredSource,
  options: CheckSourceOptions = {},
): Promise<CheckResult> {
  const { name, setting, reach } = source;
  const { git, fetch, timeoutMs } = options;
  switch (reach.kind) {
    case "git":
      return checkGitSource(reach.repo, { name, setting, git, timeoutMs });
    case "http":
      return checkHttpSource(reach.url, { name, setting, fetch, timeoutMs });
    case "files":
      return checkCatalogs(reach.paths);
  }
}

/** Options for {@linkcode checkGitSource}. */
export interface CheckGitSourceOptions {
  /** The source's name: `docker` or `awesome`. */
  name: string;
  /** The setting that moves it, e.g. `MCP_REGISTRY_DOCKER_REPO`. */
  setting: string;
  /** @default "git" */
  git?: string;
  /** @default gitEnv() */
  env?: Record<string, string>;
  /** @default 10_000 */
  timeoutMs?: number;
}

/** A git source answers: `git ls-remote` of its URL, or of its path (which must exist). */
export async function checkGitSource(
  repo: string,
  options: CheckGitSourceOptions,
): Promise<CheckResult> {
  const { name, setting, git = "git", env = gitEnv(), timeoutMs = 10_000 } = options;
  const check = `source ${name}`;
  const shown = redactUrl(repo);
  const fix = `Check the network (and proxy settings), or set ${setting} to a reachable git URL ` +
    "or a local clone";
  if (repo.startsWith("-")) {
    return { check, status: "failed", detail: `"${shown}" starts with "-"`, fix };
  }
  const target = resolveRepoUrl(repo);
  const isPath = !repo.includes("://") && !/^[^/]*:/.test(repo); // git's own rule, as in git.ts
  if (isPath && !(await Deno.lstat(target).then(() => true, () => false))) {
    return {
      check,
      status: "failed",
      detail: `${target} does not exist`,
      fix: `Clone the repository there, or set ${setting} to an existing clone or a git URL`,
    };
  }
  const started = Date.now();
  const out = await runGitBinary(git, ["ls-remote", "--", target, "HEAD"], { env, timeoutMs });
  if (out === null) {
    return {
      check,
      status: "failed",
      detail: `cannot reach ${shown}: git not found`,
      fix: INSTALL_GIT,
    };
  }
  if (out.timedOut || out.code !== 0) {
    const why = out.timedOut
      ? `no answer within ${timeoutMs / 1000} s`
      : summarizeStderr(out.stderr) || `exit code ${out.code}`;
    return { check, status: "failed", detail: `git ls-remote ${shown}: ${why}`, fix };
  }
  return { check, status: "ok", detail: `${shown} answers (${Date.now() - started} ms)` };
}

/** Options for {@linkcode checkHttpSource}. */
export interface CheckHttpSourceOptions {
  /** The source's name: `official` or `mcpservers`. */
  name: string;
  /** The setting that moves it, e.g. `MCP_REGISTRY_OFFICIAL_URL`. */
  setting: string;
  /** The seam for HTTP. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default 10_000 */
  timeoutMs?: number;
}

/** An HTTP source answers `GET url` with a 2xx status. */
export async function checkHttpSource(
  url: string,
  options: CheckHttpSourceOptions,
): Promise<CheckResult> {
  const { name, setting, fetch: fetchFn = globalThis.fetch, timeoutMs = 10_000 } = options;
  const check = `source ${name}`;
  const fix = `Check the network (and proxy settings), or set ${setting} to a reachable URL`;
  const started = Date.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetchFn(url, {
      signal: timeout,
      headers: { accept: "application/json, text/html;q=0.9, */*;q=0.1" },
    });
  } catch (error) {
    const why = timeout.aborted
      ? `no answer within ${timeoutMs / 1000} s`
      : `cannot connect: ${errorText(error)}`;
    return { check, status: "failed", detail: `GET ${url}: ${why}`, fix };
  }
  await response.body?.cancel().catch(() => {});
  if (!response.ok) {
    return {
      check,
      status: "failed",
      detail: `GET ${url}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
      fix,
    };
  }
  return {
    check,
    status: "ok",
    detail: `GET ${url}: HTTP ${response.status} (${Date.now() - started} ms)`,
  };
}

/** An error's message and its causes' (fetch says only "fetch failed"; its cause says why). */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error && parts.length < 3; e = e.cause) parts.push(e.message);
  return parts.join(": ");
}

/** Each of the user's catalog files or folders (`MCP_REGISTRY_CATALOGS`) exists. */
export async function checkCatalogs(paths: string[]): Promise<CheckResult> {
  const missing: string[] = [];
  for (const path of paths) {
    if (!(await Deno.stat(path).then(() => true, () => false))) missing.push(path);
  }
  if (paths.length === 0) {
    return {
      check: "source local",
      status: "failed",
      detail: "MCP_REGISTRY_CATALOGS names no file or folder",
      fix: "Set MCP_REGISTRY_CATALOGS to your catalog files or folders, or leave local out of " +
        "MCP_REGISTRY_SOURCES",
    };
  }
  if (missing.length) {
    return {
      check: "source local",
      status: "failed",
      detail: `not found: ${missing.join(", ")}`,
      fix: "Create them, or remove them from MCP_REGISTRY_CATALOGS",
    };
  }
  return {
    check: "source local",
    status: "ok",
    detail: `${paths.length} found: ${paths.join(", ")}`,
  };
}
