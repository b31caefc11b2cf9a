import { equal, match } from "node:assert/strict";
import { HAS_PODMAN } from "../../../tests/_helpers/podman.ts";
import { tempDir } from "../../../tests/_helpers/doctor.ts";
import { checkPodman } from "./podman.ts";

const TEST_CONF = new URL("../../../tests/podman/containers.conf", import.meta.url).pathname;

Deno.test("checkPodman() fails on a podman that is not installed, naming the install commands", async () => {
  const results = await checkPodman({ binary: "/nonexistent/podman", env: {} });
  equal(results.length, 1);
  equal(results[0]!.check, "podman");
  equal(results[0]!.status, "failed");
  match(results[0]!.detail, /"\/nonexistent\/podman" not found/);
  match(results[0]!.fix!, /sudo dnf install podman/);
  match(results[0]!.fix!, /sudo apt install podman/);
  match(results[0]!.fix!, /MCP_REGISTRY_PODMAN/);
});

Deno.test({
  name: "checkPodman() reports the version and the OCI runtime of a working podman",
  ignore: !HAS_PODMAN,
  async fn() {
    const env = { ...Deno.env.toObject(), CONTAINERS_CONF: TEST_CONF };
    const [podman, runtime] = await checkPodman({ env });
    equal(podman!.status, "ok", podman!.detail);
    match(podman!.detail, /podman \d+\.\d+\.\d+ \((rootless|rootful)\); podman info works/);
    equal(runtime!.check, "OCI runtime");
    equal(runtime!.status, "ok", runtime!.detail);
    match(runtime!.detail, /^runc \(\/\S*runc\)/); // tests/podman/containers.conf picks runc
  },
});

Deno.test({
  name: "checkPodman() fails when podman's configured OCI runtime does not exist",
  ignore: !HAS_PODMAN,
  async fn() {
    await using tmp = await tempDir();
    const dir = tmp.path;
    await Deno.writeTextFile(`${dir}/containers.conf`, '[engine]\nruntime = "no-such-runtime"\n');
    const env = { ...Deno.env.toObject(), CONTAINERS_CONF: `${dir}/containers.conf` };
    const [podman, runtime] = await checkPodman({ env, searchPath: [dir] });
    equal(podman!.status, "failed");
    match(podman!.detail, /no-such-runtime/);
    equal(runtime!.status, "failed"); // and neither crun nor runc in the folder searched
    match(runtime!.fix!, /sudo dnf install crun/);
  },
});
