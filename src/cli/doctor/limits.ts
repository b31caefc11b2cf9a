/**
 * The container-limits check of `mcp-registry doctor`: can podman apply the registry's
 * `--memory`, `--cpus` and `--pids-limit` here?
 *
 * @module
 */
import type { PodmanInfo } from "../../runtime/podman.ts";
import type { CheckResult } from "./check.ts";

/** The cgroup controllers the registry's `--memory`, `--cpus` and `--pids-limit` need. */
const LIMIT_CONTROLLERS = ["memory", "cpu", "pids"];

/**
 * Whether podman can apply the registry's container limits: rootless podman ignores them on
 * cgroup v1, and on cgroup v2 needs the controllers delegated to the user (else a start with
 * `--cpus` can fail).
 */
export function checkLimits(
  info: Pick<PodmanInfo, "rootless" | "cgroupVersion" | "cgroupControllers">,
): CheckResult {
  const { rootless, cgroupVersion: version, cgroupControllers: controllers } = info;
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
