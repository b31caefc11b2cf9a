/**
 * `mcp-registry doctor`: checks what the registry needs (podman and its rootless setup, git,
 * its folders, each source, Deno) and prints the fix for each problem.
 *
 * Every check is a function that takes what it checks (a binary name, the environment, a path,
 * a `fetch`) as options, so tests run it against real failures: a binary that does not exist,
 * a folder nobody can write, a port nobody listens on.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { Podman } from "../runtime/podman.ts";
import { gitEnv, redactUrl, resolveRepoUrl, summarizeStderr } from "../sources/git.ts";
import type { Command } from "./command.ts";
import { checkArgs, emit, EXIT, parseCommand, textWidth, wrap } from "./_io.ts";
import { cliConfig } from "./_session.ts";

/** How a check went: a warning does not make `doctor` fail. */
export type CheckStatus = "ok" | "warning" | "failed";

/** The outcome of one check. */
export interface CheckResult {
  /** What was checked, e.g. `podman` or `source docker`. */
  check: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a warning or failure. */
  fix?: string;
}

const INSTALL_PODMAN =
  "Install podman: sudo dnf install podman (Fedora) or sudo apt install podman (Debian/Ubuntu), " +
  "or set MCP_REGISTRY_PODMAN to its path";
const INSTALL_GIT = "Install git: sudo dnf install git (Fedora) or sudo apt install git " +
  "(Debian/Ubuntu)";
const INSTALL_RUNTIME = "Install an OCI runtime: sudo dnf install crun (Fedora) or " +
  "sudo apt install crun (Debian/Ubuntu; or runc)";

/** The output of a finished process; `null` from {@linkcode runProgram} when it is missing. */
interface ProgramOutput {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `binary` with exactly `env`; resolves to `null` when the binary does not exist. */
async function runProgram(
  binary: string,
  args: string[],
  { env, timeoutMs }: { env: Record<string, string>; timeoutMs: number },
): Promise<ProgramOutput | null> {
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

async function isFile(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isFile, () => false);
}

/** Options for {@linkcode checkPodman}. */
export interface CheckPodmanOptions {
  /** The podman binary (`MCP_REGISTRY_PODMAN`). @default "podman" */
  binary?: string;
  /** The environment podman's variables are taken from. @default Deno.env.toObject() */
  env?: Record<string, string>;
  /** @default 20_000 */
  timeoutMs?: number;
  /** Folders searched for crun and runc when `podman info` cannot say. @default PATH + sbin */
  searchPath?: string[];
}

/**
 * Podman is present and `podman info` works (its version, rootless or not), and the OCI
 * runtime it uses (crun, runc) exists. Two results: `podman` and `OCI runtime`; only the first
 * when podman is missing.
 */
export async function checkPodman(options: CheckPodmanOptions = {}): Promise<CheckResult[]> {
  const { binary = "podman", env = Deno.env.toObject(), timeoutMs = 20_000 } = options;
  const podmanEnv = new Podman({ binary, env }).env();
  const out = await runProgram(binary, ["info", "--format", "json"], {
    env: podmanEnv,
    timeoutMs,
  });
  if (out === null) {
    return [{
      check: "podman",
      status: "failed",
      detail: `"${binary}" not found`,
      fix: INSTALL_PODMAN,
    }];
  }
  const searchPath = options.searchPath ??
    [...(podmanEnv.PATH ?? "").split(":").filter(Boolean), "/usr/sbin", "/usr/libexec/podman"];
  if (out.timedOut || out.code !== 0) {
    const why = out.timedOut
      ? `podman info gave no answer within ${timeoutMs / 1000} s`
      : `podman info failed: ${summarizeStderr(out.stderr) || `exit code ${out.code}`}`;
    const runtimeMissing = /OCI runtime|runtime .*not found|no valid executable/i.test(out.stderr);
    return [
      {
        check: "podman",
        status: "failed",
        detail: why,
        fix: runtimeMissing
          ? "Install the OCI runtime (see below), then run podman info to confirm"
          : `Run "${binary} info" to see the whole error; for rootless podman fix the checks ` +
            `below, then run ${binary} system migrate`,
      },
      await findOciRuntime(searchPath, runtimeMissing),
    ];
  }
  let info: PodmanInfo;
  try {
    info = JSON.parse(out.stdout) as PodmanInfo;
  } catch {
    return [{
      check: "podman",
      status: "failed",
      detail: "podman info printed no JSON",
      fix: `Run "${binary} info --format json" and check its output; reinstall podman`,
    }];
  }
  const version = info.version?.Version ?? "unknown version";
  const mode = info.host?.security?.rootless === true ? "rootless" : "rootful";
  const remote = info.host?.serviceIsRemote === true || podmanEnv.CONTAINER_HOST
    ? `, remote: ${podmanEnv.CONTAINER_HOST ?? "the default socket"}`
    : "";
  const podman: CheckResult = {
    check: "podman",
    status: "ok",
    detail: `${binary} ${version} (${mode}${remote}); podman info works`,
  };
  const runtime = info.host?.ociRuntime;
  const limits = remote ? [] : [checkLimits(info)];
  if (!runtime?.name) return [podman, await findOciRuntime(searchPath, false), ...limits];
  const runtimeVersion = runtime.version?.split("\n")[0]?.trim();
  // A remote podman's runtime lives on the other machine: its path cannot be checked here.
  const exists = remote || !runtime.path || await isFile(runtime.path);
  return [
    podman,
    exists
      ? {
        check: "OCI runtime",
        status: "ok",
        detail: [runtime.name, runtime.path && `(${runtime.path})`, runtimeVersion]
          .filter(Boolean).join(" "),
      }
      : {
        check: "OCI runtime",
        status: "failed",
        detail: `podman uses ${runtime.name} at ${runtime.path}, which does not exist`,
        fix: INSTALL_RUNTIME,
      },
    ...limits,
  ];
}

/** The cgroup controllers the registry's `--memory`, `--cpus` and `--pids-limit` need. */
const LIMIT_CONTROLLERS = ["memory", "cpu", "pids"];

/**
 * Whether podman can apply the registry's container limits: rootless podman ignores them on
 * cgroup v1, and on cgroup v2 needs the controllers delegated to the user (else a start with
 * `--cpus` can fail).
 */
export function checkLimits(info: PodmanInfo): CheckResult {
  const rootless = info.host?.security?.rootless === true;
  const version = info.host?.cgroupVersion;
  const controllers = info.host?.cgroupControllers ?? [];
  if (rootless && version === "v1") {
    return {
      check: "container limits",
      status: "warning",
      detail: "rootless podman on cgroup v1 ignores memory, CPU and process limits: the " +
        "servers' containers run without them",
      fix: "Use cgroup v2 (the default on Fedora and recent distributions; elsewhere boot with " +
        "systemd.unified_cgroup_hierarchy=1)",
    };
  }
  const missing = LIMIT_CONTROLLERS.filter((c) => !controllers.includes(c));
  if (rootless && version === "v2" && missing.length > 0) {
    return {
      check: "container limits",
      status: "warning",
      detail: `the cgroup controllers ${missing.join(", ")} are not delegated to your user: ` +
        "containers started with limits may fail",
      fix: "sudo mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\n" +
        "Delegate=cpu cpuset io memory pids\\n' | sudo tee " +
        "/etc/systemd/system/user@.service.d/delegate.conf && sudo systemctl daemon-reload, " +
        "then log in again",
    };
  }
  return {
    check: "container limits",
    status: "ok",
    detail: `memory, CPU and process limits apply (cgroup ${version ?? "unknown"})`,
  };
}

/** The parts of `podman info --format json` the checks read. */
export interface PodmanInfo {
  version?: { Version?: string };
  host?: {
    ociRuntime?: { name?: string; path?: string; version?: string };
    security?: { rootless?: boolean };
    cgroupVersion?: string;
    cgroupControllers?: string[];
    /** True for podman-remote: the containers run where the socket leads. */
    serviceIsRemote?: boolean;
  };
}

/** crun or runc in `dirs`, for when podman cannot say which runtime it uses. */
async function findOciRuntime(dirs: string[], podmanSaysMissing: boolean): Promise<CheckResult> {
  for (const name of ["crun", "runc"]) {
    for (const dir of dirs) {
      if (await isFile(`${dir}/${name}`)) {
        return {
          check: "OCI runtime",
          status: podmanSaysMissing ? "warning" : "ok",
          detail: podmanSaysMissing
            ? `${name} is at ${dir}/${name}, but podman looks for another runtime`
            : `${name} found at ${dir}/${name}`,
          ...(podmanSaysMissing
            ? {
              fix: `Set runtime = "${name}" under [engine] in ~/.config/containers/containers.conf`,
            }
            : {}),
        };
      }
    }
  }
  return {
    check: "OCI runtime",
    status: "failed",
    detail: "neither crun nor runc was found",
    fix: INSTALL_RUNTIME,
  };
}

/** Options for {@linkcode checkSubIds}. */
export interface CheckSubIdsOptions {
  /** The user's name. */
  user: string;
  /** The user's uid (ranges may name it instead of the name). */
  uid: number;
  /** @default "/etc/subuid" */
  subuidFile?: string;
  /** @default "/etc/subgid" */
  subgidFile?: string;
}

/** Rootless podman needs subordinate uid and gid ranges for the user (65536 ids each). */
export async function checkSubIds(options: CheckSubIdsOptions): Promise<CheckResult> {
  const { user, uid, subuidFile = "/etc/subuid", subgidFile = "/etc/subgid" } = options;
  const counts = await Promise.all(
    [subuidFile, subgidFile].map(async (file) => {
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch {
        return { file, count: 0, readable: false };
      }
      let count = 0;
      for (const line of text.split("\n")) {
        const [owner, , size] = line.trim().split(":");
        if (owner === user || owner === String(uid)) count += Number(size) || 0;
      }
      return { file, count, readable: true };
    }),
  );
  const fix = `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user} ` +
    "&& podman system migrate";
  const missing = counts.filter((c) => c.count === 0);
  if (missing.length) {
    return {
      check: "subuid/subgid",
      status: "failed",
      detail: missing.map((c) =>
        c.readable ? `no range for ${user} in ${c.file}` : `cannot read ${c.file}`
      ).join("; "),
      fix,
    };
  }
  const small = counts.filter((c) => c.count < 65536);
  if (small.length) {
    return {
      check: "subuid/subgid",
      status: "warning",
      detail: small.map((c) => `${c.file} gives ${user} only ${c.count} ids`).join("; ") +
        " (images with users above that id fail to start)",
      fix,
    };
  }
  return {
    check: "subuid/subgid",
    status: "ok",
    detail: counts.map((c) => `${c.count} ids in ${c.file}`).join(", "),
  };
}

/** Options for {@linkcode checkRuntimeDir}. */
export interface CheckRuntimeDirOptions {
  /** @default Deno.env.toObject() */
  env?: Record<string, string | undefined>;
  /** The user's uid, for the folder to suggest. @default Deno.uid() */
  uid?: number | null;
}

/**
 * `XDG_RUNTIME_DIR` is set and writable: rootless podman keeps its sockets and locks there.
 * Unset is a warning: podman then falls back to a folder in /tmp.
 */
export async function checkRuntimeDir(options: CheckRuntimeDirOptions = {}): Promise<CheckResult> {
  const { env = Deno.env.toObject(), uid = Deno.uid() } = options;
  const dir = env.XDG_RUNTIME_DIR?.trim();
  const fix = "export XDG_RUNTIME_DIR=/run/user/$(id -u) (log in through a systemd session, or " +
    `sudo loginctl enable-linger ${env.USER ?? "$USER"}, so that /run/user/${
      uid ?? "<uid>"
    } exists)`;
  if (!dir) {
    return {
      check: "XDG_RUNTIME_DIR",
      status: "warning",
      detail: "not set: rootless podman falls back to a folder in /tmp",
      fix,
    };
  }
  const why = await notWritable(dir);
  if (why) return { check: "XDG_RUNTIME_DIR", status: "failed", detail: `${dir}: ${why}`, fix };
  return { check: "XDG_RUNTIME_DIR", status: "ok", detail: `${dir} is writable` };
}

/** Why `dir` is not a folder this process can write in, or `null` when it is. */
async function notWritable(dir: string): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "does not exist";
    return (error as Error).message;
  }
  if (!info.isDirectory) return "is not a folder";
  try {
    const probe = await Deno.makeTempFile({ dir, prefix: ".mcp-registry-doctor-" });
    await Deno.remove(probe);
  } catch (error) {
    return error instanceof Deno.errors.PermissionDenied
      ? "not writable (permission denied)"
      : `not writable (${(error as Error).message})`;
  }
  return null;
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
  const out = await runProgram(binary, ["--version"], { env, timeoutMs });
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

/** Options for {@linkcode checkDirectory}. */
export interface CheckDirectoryOptions {
  /** The name shown, e.g. `cache dir`. */
  label: string;
  /** The setting that moves it, e.g. `MCP_REGISTRY_CACHE_DIR`. */
  setting: string;
  /** True for a folder that holds secrets: it should be mode 0700. @default false */
  private?: boolean;
}

/**
 * `path` is a writable folder, or can be created (its nearest existing parent is writable);
 * a private folder should be readable by its owner only (mode 0700).
 */
export async function checkDirectory(
  path: string,
  options: CheckDirectoryOptions,
): Promise<CheckResult> {
  const { label, setting, private: secret = false } = options;
  const fix = `Make ${path} a folder you can write (mkdir -p ${path}), or set ${setting} to one`;
  let existing = path;
  for (;;) {
    const exists = await Deno.lstat(existing).then(() => true, () => false);
    if (exists) break;
    const parent = existing.replace(/\/[^/]+\/*$/, "") || "/";
    if (parent === existing) break;
    existing = parent;
  }
  const why = await notWritable(existing);
  if (why) {
    const where = existing === path ? path : `${path} cannot be created: ${existing}`;
    return { check: label, status: "failed", detail: `${where} ${why}`, fix };
  }
  if (existing !== path) {
    return {
      check: label,
      status: "ok",
      detail: `${path} will be created (${existing} is writable)`,
    };
  }
  if (secret) {
    const mode = (await Deno.stat(path)).mode;
    if (mode !== null && (mode & 0o077) !== 0) {
      return {
        check: label,
        status: "warning",
        detail: `${path} is mode ${(mode & 0o777).toString(8).padStart(4, "0")}: others may ` +
          "read the settings and secrets in it",
        fix: `chmod 700 ${path}`,
      };
    }
  }
  return {
    check: label,
    status: "ok",
    detail: `${path} is writable${secret ? " (mode 0700)" : ""}`,
  };
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
  const out = await runProgram(git, ["ls-remote", "--", target, "HEAD"], { env, timeoutMs });
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

/** Options for {@linkcode checkDeno}. */
export interface CheckDenoOptions {
  /** @default Deno.version.deno */
  version?: string;
}

/** Deno 2 runs the registry; it is built and tested with 2.9. */
export function checkDeno(options: CheckDenoOptions = {}): CheckResult {
  const { version = Deno.version.deno } = options;
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < 2) {
    return {
      check: "deno",
      status: "failed",
      detail: `Deno ${version}: the registry needs Deno 2`,
      fix: "deno upgrade (or install Deno 2: npm install -g deno)",
    };
  }
  if (major === 2 && minor < 9) {
    return {
      check: "deno",
      status: "warning",
      detail: `Deno ${version}: the registry is tested with 2.9`,
      fix: "deno upgrade",
    };
  }
  return { check: "deno", status: "ok", detail: `Deno ${version}` };
}

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
  );
  for (const name of config.sources) {
    switch (name) {
      case "docker":
        checks.push(checkGitSource(config.dockerRepo, {
          name,
          setting: "MCP_REGISTRY_DOCKER_REPO",
          git,
          timeoutMs,
        }));
        break;
      case "awesome":
        checks.push(checkGitSource(config.awesomeRepo, {
          name,
          setting: "MCP_REGISTRY_AWESOME_REPO",
          git,
          timeoutMs,
        }));
        break;
      case "official":
        checks.push(checkHttpSource(`${config.officialUrl}/v0.1/servers?limit=1`, {
          name,
          setting: "MCP_REGISTRY_OFFICIAL_URL",
          fetch: fetchFn,
          timeoutMs,
        }));
        break;
      case "mcpservers":
        checks.push(checkHttpSource(`${config.mcpserversUrl}/`, {
          name,
          setting: "MCP_REGISTRY_MCPSERVERS_URL",
          fetch: fetchFn,
          timeoutMs,
        }));
        break;
      case "local":
        checks.push(checkCatalogs(config.catalogs));
        break;
    }
  }
  checks.push(Promise.resolve(checkDeno()));
  return (await Promise.all(checks)).flat();
}

/**
 * The report for people: one line per check, the fix under each problem, a summary; wrapped to
 * `columns`.
 */
export function formatReport(results: CheckResult[], columns: number = textWidth()): string {
  const width = Math.max(...results.map((r) => r.check.length));
  const label = { ok: "ok", warning: "warning", failed: "FAILED" } as const;
  const indent = " ".repeat(9 + width + 2);
  const lines = results.flatMap((r) => [
    wrap(r.detail, {
      width: columns,
      first: `${label[r.status].padEnd(8)} ${r.check.padEnd(width)}  `,
      indent,
    }),
    ...(r.fix && r.status !== "ok"
      ? [wrap(`fix: ${r.fix}`, { width: columns, indent: `${indent}     `, first: indent })]
      : []),
  ]);
  const failed = results.filter((r) => r.status === "failed").length;
  const warned = results.filter((r) => r.status === "warning").length;
  const warnings = warned ? ` (${warned} warning${warned === 1 ? "" : "s"})` : "";
  lines.push(
    "",
    wrap(
      failed
        ? `${failed} of ${results.length} checks FAILED${warnings}: apply the fixes above and ` +
          "run mcp-registry doctor again."
        : `All ${results.length} checks passed${warnings}.`,
      { width: columns },
    ),
  );
  return lines.join("\n");
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check what the registry needs and print the fix for each problem",
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
