/**
 * `mcp-registry doctor`: checks what the registry needs (podman and its rootless setup, git,
 * its folders, each source, Deno) and prints the fix for each problem. One file per family of
 * checks in `doctor/`; this one runs them all and prints the report.
 *
 * Every check is a function that takes what it checks (a binary name, the environment, a path,
 * a `fetch`) as options, so tests run it against real failures: a binary that does not exist,
 * a folder nobody can write, a port nobody listens on.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { describeSources } from "../registry/configured_sources.ts";
import type { Command } from "./command.ts";
import { checkArgs, emit, EXIT, parseCommand } from "./_io.ts";
import { cliConfig } from "./_session.ts";
import type { CheckResult } from "./doctor/check.ts";
import { checkDeno } from "./doctor/deno.ts";
import { checkDirectory } from "./doctor/folders.ts";
import { checkGit } from "./doctor/git.ts";
import { checkPodman } from "./doctor/podman.ts";
import { formatReport } from "./doctor/report.ts";
import { checkRuntimeDir, checkSubIds } from "./doctor/rootless.ts";
import { checkSource } from "./doctor/sources.ts";

/** Options for {@linkcode runChecks}: the seams of every check. */
export interface RunChecksOptions {
  /** @default Deno.env.toObject() */
  env?: Record<string, string>;
  /** @default Deno.uid() */
  uid?: number | null;
  /** @default "git" */
  git?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** For the network checks. @default 10_000 */
  timeoutMs?: number;
}

/** Runs every check for `config` at once; the results come in a fixed order. */
export async function runChecks(
  config: RegistryConfig,
  options: RunChecksOptions = {},
): Promise<CheckResult[]> {
  const { env = Deno.env.toObject(), uid = Deno.uid(), git = "git", timeoutMs = 10_000 } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const checks: Promise<CheckResult | CheckResult[]>[] = [
    checkPodman({ binary: config.podman, env }),
  ];
  // Rootless setup matters where podman runs: here, unless CONTAINER_HOST sends it elsewhere.
  if (uid !== null && uid !== 0 && !env.CONTAINER_HOST) {
    const user = env.USER || env.LOGNAME || String(uid);
    checks.push(checkSubIds({ user, uid }), checkRuntimeDir({ env, uid }));
  }
  checks.push(
    checkGit({ binary: git }),
    checkDirectory(config.cacheDir, { label: "cache dir", setting: "MCP_REGISTRY_CACHE_DIR" }),
    checkDirectory(config.dataDir, {
      label: "data dir",
      setting: "MCP_REGISTRY_DATA_DIR",
      private: true,
    }),
    ...describeSources(config).map((source) =>
      checkSource(source, { git, fetch: fetchFn, timeoutMs })
    ),
    Promise.resolve(checkDeno()),
  );
  return (await Promise.all(checks)).flat();
}

export const doctorCommand: Command = {
  name: "doctor",
  usage: `Usage: mcp-registry doctor [--json]

Checks what the registry needs and prints ok, warning or FAILED for each, with the fix for each
problem: podman (MCP_REGISTRY_PODMAN) and podman info; when not root, the rootless setup
(subuid/subgid ranges, XDG_RUNTIME_DIR); the OCI runtime; git; the cache and data folders; each
source that is on (git ls-remote, an HTTP GET, or the catalog paths; 10 s each, all at once);
Deno.

Exit codes: 0 every check passed (warnings allowed), 2 bad arguments or settings, 4 a check
failed.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {});
    checkArgs(positionals, { what: "no arguments" });
    const results = await runChecks(cliConfig());
    const failed = results.some((r) => r.status === "failed");
    emit(out, values.json === true, { ok: !failed, checks: results }, () => formatReport(results));
    return failed ? EXIT.unavailable : EXIT.ok;
  },
};
