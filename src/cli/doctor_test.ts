import { deepEqual, equal, ok } from "node:assert/strict";
import { closedPort, serveLocal, tempDir } from "../../tests/_helpers/doctor.ts";
import { readConfig } from "../config.ts";
import { runChecks } from "./doctor.ts";

Deno.test("runChecks() checks every source that is on, and the rootless setup when not root", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await using server = serveLocal(() => new Response("ok"));
  const env = {
    HOME: dir,
    USER: "alice",
    MCP_REGISTRY_SOURCES: "docker,official,mcpservers,local",
    MCP_REGISTRY_DOCKER_REPO: `${dir}/absent-repo`,
    MCP_REGISTRY_OFFICIAL_URL: `http://127.0.0.1:${server.addr.port}`,
    MCP_REGISTRY_MCPSERVERS_URL: `http://127.0.0.1:${closedPort()}`,
    MCP_REGISTRY_CATALOGS: dir,
    MCP_REGISTRY_PODMAN: "/nonexistent/podman",
  };
  const results = await runChecks(readConfig(env), { env, uid: 1000 });
  const status = Object.fromEntries(results.map((r) => [r.check, r.status]));
  deepEqual(Object.keys(status), [
    "podman",
    "subuid/subgid",
    "XDG_RUNTIME_DIR",
    "git",
    "cache dir",
    "data dir",
    "source local",
    "source docker",
    "source official",
    "source mcpservers",
    "deno",
  ]);
  equal(status["podman"], "failed");
  equal(status["XDG_RUNTIME_DIR"], "warning");
  equal(status["source docker"], "failed");
  equal(status["source official"], "ok");
  equal(status["source mcpservers"], "failed");
  equal(status["source local"], "ok");

  const asRoot = await runChecks(readConfig({ ...env, MCP_REGISTRY_SOURCES: "official" }), {
    env,
    uid: 0,
  });
  ok(!asRoot.some((r) => r.check === "subuid/subgid" || r.check === "XDG_RUNTIME_DIR"));
  const remote = await runChecks(readConfig({ ...env, MCP_REGISTRY_SOURCES: "official" }), {
    env: { ...env, CONTAINER_HOST: "unix:///run/user/1000/podman/podman.sock" },
    uid: 1000,
  });
  ok(!remote.some((r) => r.check === "subuid/subgid"), "the host's setup is not checked here");
});
