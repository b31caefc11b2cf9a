/**
 * The podman checks of `mcp-registry doctor`: podman answers `podman info`, and the OCI runtime
 * it uses (crun, runc) exists. Podman itself is run by `Podman` (src/runtime/podman.ts).
 *
 * @module
 */
import { Podman } from "../../runtime/podman.ts";
import { summarizeStderr } from "../../sources/git.ts";
import type { CheckResult } from "./check.ts";
import { checkLimits } from "./limits.ts";

const INSTALL_PODMAN =
  "Install podman: sudo dnf install podman (Fedora) or sudo apt install podman (Debian/Ubuntu), " +
  "or set MCP_REGISTRY_PODMAN to its path";
const INSTALL_RUNTIME = "Install an OCI runtime: sudo dnf install crun (Fedora) or " +
  "sudo apt install crun (Debian/Ubuntu; or runc)";

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
 * runtime it uses (crun, runc) exists. Two results: `podman` and `OCI runtime` (and the
 * container limits of a local podman); only the first when podman is missing.
 */
export async function checkPodman(options: CheckPodmanOptions = {}): Promise<CheckResult[]> {
  const { binary = "podman", env = Deno.env.toObject(), timeoutMs = 20_000 } = options;
  const podman = new Podman({ binary, env });
  const podmanEnv = podman.env();
  const answer = await podman.info({ timeoutMs });
  if (answer.status === "missing") {
    return [{
      check: "podman",
      status: "failed",
      detail: `"${binary}" not found`,
      fix: INSTALL_PODMAN,
    }];
  }
  const searchPath = options.searchPath ??
    [...(podmanEnv.PATH ?? "").split(":").filter(Boolean), "/usr/sbin", "/usr/libexec/podman"];
  if (answer.status === "timeout" || answer.status === "failed") {
    const stderr = answer.status === "failed" ? answer.stderr : "";
    const why = answer.status === "timeout"
      ? `podman info gave no answer within ${timeoutMs / 1000} s`
      : `podman info failed: ${summarizeStderr(stderr) || `exit code ${answer.code}`}`;
    const runtimeMissing = /OCI runtime|runtime .*not found|no valid executable/i.test(stderr);
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
  if (answer.status === "unreadable") {
    return [{
      check: "podman",
      status: "failed",
      detail: "podman info printed no JSON",
      fix: `Run "${binary} info --format json" and check its output; reinstall podman`,
    }];
  }
  const { info } = answer;
  const version = info.version ?? "unknown version";
  const mode = info.rootless ? "rootless" : "rootful";
  const remote = info.remote || podmanEnv.CONTAINER_HOST
    ? `, remote: ${podmanEnv.CONTAINER_HOST ?? "the default socket"}`
    : "";
  const works: CheckResult = {
    check: "podman",
    status: "ok",
    detail: `${binary} ${version} (${mode}${remote}); podman info works`,
  };
  const runtime = info.ociRuntime;
  const limits = remote ? [] : [checkLimits(info)];
  if (!runtime?.name) return [works, await findOciRuntime(searchPath, false), ...limits];
  const runtimeVersion = runtime.version?.split("\n")[0]?.trim();
  // A remote podman's runtime lives on the other machine: its path cannot be checked here.
  const exists = remote || !runtime.path || await isFile(runtime.path);
  return [
    works,
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

async function isFile(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isFile, () => false);
}
