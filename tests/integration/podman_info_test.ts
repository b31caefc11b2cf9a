/** `Podman.info()` on this machine's real podman: what `podman info` says, as data. */
import { equal, match, ok } from "node:assert/strict";
import { Podman } from "../../src/runtime/podman.ts";
import { HAS_PODMAN } from "../_helpers/podman.ts";

const CONTAINERS_CONF = new URL("../podman/containers.conf", import.meta.url).pathname;

Deno.test("Podman.info() says a missing podman is missing", async () => {
  const answer = await new Podman({ binary: "/nonexistent/podman", env: {} }).info();
  equal(answer.status, "missing");
});

Deno.test({
  name: "Podman.info() reads the version, mode, OCI runtime and cgroups of a working podman",
  ignore: !HAS_PODMAN,
  async fn() {
    const env = { ...Deno.env.toObject(), CONTAINERS_CONF };
    const answer = await new Podman({ env }).info();
    if (answer.status !== "ok") throw new Error(`podman info: ${JSON.stringify(answer)}`);
    match(answer.info.version ?? "", /^\d+\.\d+\.\d+/);
    equal(answer.info.rootless, Deno.uid() !== 0);
    equal(answer.info.remote, false);
    equal(answer.info.ociRuntime?.name, "runc"); // tests/podman/containers.conf picks runc
    match(answer.info.cgroupVersion ?? "", /^v[12]$/);
    ok(Array.isArray(answer.info.cgroupControllers));
  },
});

Deno.test({
  name: "Podman.info() hands back podman's whole stderr when it fails",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-podman-info-" });
    try {
      await Deno.writeTextFile(`${dir}/containers.conf`, '[engine]\nruntime = "no-such-runtime"\n');
      const env = { ...Deno.env.toObject(), CONTAINERS_CONF: `${dir}/containers.conf` };
      const answer = await new Podman({ env }).info();
      if (answer.status !== "failed") throw new Error(`expected a failure: ${answer.status}`);
      ok(answer.code !== 0);
      match(answer.stderr, /no-such-runtime/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
