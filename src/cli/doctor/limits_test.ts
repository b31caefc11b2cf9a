import { equal, match } from "node:assert/strict";
import { checkLimits } from "./limits.ts";

Deno.test("checkLimits() warns where rootless podman cannot apply the container limits", () => {
  const v1 = checkLimits({ rootless: true, cgroupVersion: "v1", cgroupControllers: [] });
  equal(v1.status, "warning");
  match(v1.detail, /ignores memory, CPU and process limits/);
  match(v1.fix!, /cgroup v2/);
  const undelegated = checkLimits({
    rootless: true,
    cgroupVersion: "v2",
    cgroupControllers: ["memory", "pids"],
  });
  equal(undelegated.status, "warning");
  match(undelegated.detail, /controllers cpu are not delegated/);
  match(undelegated.fix!, /Delegate=cpu cpuset io memory pids/);
  const fine = checkLimits({
    rootless: true,
    cgroupVersion: "v2",
    cgroupControllers: ["cpuset", "cpu", "io", "memory", "pids"],
  });
  equal(fine.status, "ok", fine.detail);
  const rootful = checkLimits({ rootless: false, cgroupVersion: "v1", cgroupControllers: [] });
  equal(rootful.status, "ok");
});
