import { deepEqual, equal, match, ok } from "node:assert/strict";
import { HAS_PODMAN } from "../../tests/_helpers/podman.ts";
import { readConfig } from "../config.ts";
import { runGit } from "../sources/git.ts";
import {
  checkCatalogs,
  checkDeno,
  checkDirectory,
  checkGit,
  checkGitSource,
  checkHttpSource,
  checkLimits,
  checkPodman,
  checkRuntimeDir,
  checkSubIds,
  formatReport,
  runChecks,
} from "./doctor.ts";

const TEST_CONF = new URL("../../tests/podman/containers.conf", import.meta.url).pathname;
const ROOT = Deno.uid() === 0;

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "mcp-registry-doctor-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.chmod(path, 0o700).catch(() => {});
      await Deno.remove(path, { recursive: true });
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was bound, then closed). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function serve(handler: (request: Request) => Response | Promise<Response>) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
}

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

Deno.test("checkSubIds() passes with 65536 ids for the user's name or uid in each file", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/subuid`, "other:100000:65536\nalice:165536:65536\n");
  await Deno.writeTextFile(`${dir}/subgid`, "1000:165536:65536\n");
  const result = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/subuid`,
    subgidFile: `${dir}/subgid`,
  });
  equal(result.status, "ok", result.detail);
});

Deno.test("checkSubIds() fails without a range for the user and gives the usermod command", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/subuid`, "other:100000:65536\n");
  await Deno.writeTextFile(`${dir}/subgid`, "alice:100000:65536\n");
  const result = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/subuid`,
    subgidFile: `${dir}/subgid`,
  });
  equal(result.status, "failed");
  match(result.detail, /no range for alice in .*subuid/);
  ok(!result.detail.includes("subgid"));
  match(
    result.fix!,
    /sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice/,
  );
});

Deno.test("checkSubIds() fails on a missing file and warns on a small range", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/subgid`, "alice:100000:1000\n");
  const missing = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/absent`,
    subgidFile: `${dir}/subgid`,
  });
  equal(missing.status, "failed");
  match(missing.detail, /cannot read .*absent/);
  await Deno.writeTextFile(`${dir}/subuid`, "alice:100000:65536\n");
  const small = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/subuid`,
    subgidFile: `${dir}/subgid`,
  });
  equal(small.status, "warning");
  match(small.detail, /only 1000 ids/);
});

Deno.test("checkRuntimeDir() warns when XDG_RUNTIME_DIR is unset and fails when unusable", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const unset = await checkRuntimeDir({ env: {}, uid: 1000 });
  equal(unset.status, "warning");
  match(unset.fix!, /export XDG_RUNTIME_DIR=\/run\/user\/\$\(id -u\)/);
  const absent = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: `${dir}/absent` }, uid: 1000 });
  equal(absent.status, "failed");
  match(absent.detail, /does not exist/);
  await Deno.writeTextFile(`${dir}/file`, "");
  const file = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: `${dir}/file` }, uid: 1000 });
  equal(file.status, "failed");
  match(file.detail, /is not a folder/);
  const good = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: dir }, uid: 1000 });
  equal(good.status, "ok", good.detail);
});

Deno.test({
  name: "checkRuntimeDir() fails on a folder the user cannot write",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using tmp = await tempDir();
    // Root writes anywhere a mode allows nobody to: /sys refuses even root.
    const dir = ROOT ? "/sys" : tmp.path;
    if (!ROOT) await Deno.chmod(dir, 0o500);
    const result = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: dir }, uid: 1000 });
    equal(result.status, "failed");
    match(result.detail, /not writable/);
  },
});

Deno.test("checkGit() fails on a git that is not installed and passes on the real one", async () => {
  const missing = await checkGit({ binary: "/nonexistent/git" });
  equal(missing.status, "failed");
  match(missing.fix!, /sudo dnf install git/);
  match(missing.fix!, /sudo apt install git/);
  const real = await checkGit();
  equal(real.status, "ok", real.detail);
  match(real.detail, /^git version \d/);
});

Deno.test("checkDirectory() passes on a writable folder and on one that can be created", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const here = await checkDirectory(dir, { label: "cache dir", setting: "MCP_REGISTRY_CACHE_DIR" });
  equal(here.status, "ok", here.detail);
  const later = await checkDirectory(`${dir}/a/b`, {
    label: "cache dir",
    setting: "MCP_REGISTRY_CACHE_DIR",
  });
  equal(later.status, "ok", later.detail);
  match(later.detail, /will be created/);
  ok(!(await Deno.stat(`${dir}/a`).then(() => true, () => false)), "the check creates nothing");
});

Deno.test("checkDirectory() fails when a file is in the way", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/file`, "");
  const result = await checkDirectory(`${dir}/file/cache`, {
    label: "cache dir",
    setting: "MCP_REGISTRY_CACHE_DIR",
  });
  equal(result.status, "failed");
  match(result.detail, /is not a folder/);
  match(result.fix!, /MCP_REGISTRY_CACHE_DIR/);
});

Deno.test({
  name: "checkDirectory() fails on a folder nobody may create files in (/sys)",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const result = await checkDirectory("/sys", {
      label: "data dir",
      setting: "MCP_REGISTRY_DATA_DIR",
    });
    equal(result.status, "failed");
    match(result.detail, /not writable/);
  },
});

Deno.test({
  name: "checkDirectory() fails on a folder the user cannot write",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using tmp = await tempDir();
    const dir = tmp.path;
    // chmod stops everyone but root; the immutable attribute stops root too.
    const locked = ROOT
      ? (await new Deno.Command("chattr", { args: ["+i", dir] }).output().catch(() => null))
        ?.success
      : (await Deno.chmod(dir, 0o500), true);
    try {
      const result = await checkDirectory(`${locked ? dir : "/sys"}/cache`, {
        label: "cache dir",
        setting: "MCP_REGISTRY_CACHE_DIR",
      });
      equal(result.status, "failed", result.detail);
      match(result.detail, /permission denied|not permitted|not writable/i);
    } finally {
      if (ROOT && locked) await new Deno.Command("chattr", { args: ["-i", dir] }).output();
    }
  },
});

Deno.test({
  name: "checkDirectory() warns when the data folder is readable by others",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using tmp = await tempDir();
    const dir = tmp.path;
    await Deno.chmod(dir, 0o755);
    const open = await checkDirectory(dir, {
      label: "data dir",
      setting: "MCP_REGISTRY_DATA_DIR",
      private: true,
    });
    equal(open.status, "warning");
    match(open.detail, /mode 0755/);
    equal(open.fix, `chmod 700 ${dir}`);
    await Deno.chmod(dir, 0o700);
    const closed = await checkDirectory(dir, {
      label: "data dir",
      setting: "MCP_REGISTRY_DATA_DIR",
      private: true,
    });
    equal(closed.status, "ok", closed.detail);
  },
});

Deno.test("checkGitSource() passes on a local repository and fails on a missing path or a plain folder", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const options = { name: "docker", setting: "MCP_REGISTRY_DOCKER_REPO" };
  await Deno.mkdir(`${dir}/repo`);
  await Deno.writeTextFile(`${dir}/repo/README.md`, "hi\n");
  const plain = await checkGitSource(`${dir}/repo`, options);
  equal(plain.status, "failed");
  match(plain.detail, /git ls-remote/);

  const identity = ["-c", "user.name=t", "-c", "user.email=t@invalid"];
  await runGit(["init", "--quiet"], { cwd: `${dir}/repo` });
  await runGit([...identity, "add", "-A"], { cwd: `${dir}/repo` });
  await runGit([...identity, "commit", "--quiet", "-m", "one"], { cwd: `${dir}/repo` });
  const good = await checkGitSource(`${dir}/repo`, options);
  equal(good.status, "ok", good.detail);

  const missing = await checkGitSource(`${dir}/absent`, options);
  equal(missing.status, "failed");
  match(missing.detail, /does not exist/);
  match(missing.fix!, /MCP_REGISTRY_DOCKER_REPO/);

  const noGit = await checkGitSource(`${dir}/repo`, { ...options, git: "/nonexistent/git" });
  equal(noGit.status, "failed");
  match(noGit.fix!, /install git/);
});

Deno.test("checkGitSource() fails on a URL nobody answers at", async () => {
  const url = `http://127.0.0.1:${closedPort()}/docker/mcp-registry.git`;
  const result = await checkGitSource(url, {
    name: "awesome",
    setting: "MCP_REGISTRY_AWESOME_REPO",
    timeoutMs: 5_000,
  });
  equal(result.status, "failed");
  match(result.detail, /git ls-remote http:\/\/127\.0\.0\.1/);
  match(result.fix!, /MCP_REGISTRY_AWESOME_REPO/);
});

Deno.test("checkHttpSource() passes on HTTP 200 and fails on HTTP 500", async () => {
  const seen: string[] = [];
  await using server = serve((request) => {
    const url = new URL(request.url);
    seen.push(url.pathname + url.search);
    return url.pathname === "/broken/"
      ? new Response("boom", { status: 500 })
      : Response.json({ servers: [] });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const options = { name: "official", setting: "MCP_REGISTRY_OFFICIAL_URL" };
  const good = await checkHttpSource(`${base}/v0.1/servers?limit=1`, options);
  equal(good.status, "ok", good.detail);
  match(good.detail, /HTTP 200/);
  const bad = await checkHttpSource(`${base}/broken/`, options);
  equal(bad.status, "failed");
  match(bad.detail, /HTTP 500/);
  match(bad.fix!, /MCP_REGISTRY_OFFICIAL_URL/);
  deepEqual(seen, ["/v0.1/servers?limit=1", "/broken/"]);
});

Deno.test("checkHttpSource() fails on a closed port and on a server that does not answer in time", async () => {
  const options = { name: "mcpservers", setting: "MCP_REGISTRY_MCPSERVERS_URL" };
  const refused = await checkHttpSource(`http://127.0.0.1:${closedPort()}/`, options);
  equal(refused.status, "failed");
  match(refused.detail, /cannot connect/);

  const release = Promise.withResolvers<void>();
  await using server = serve(async () => {
    await release.promise;
    return new Response("late");
  });
  const started = Date.now();
  const slow = await checkHttpSource(`http://127.0.0.1:${server.addr.port}/`, {
    ...options,
    timeoutMs: 300,
  });
  release.resolve();
  equal(slow.status, "failed");
  match(slow.detail, /no answer within 0\.3 s/);
  ok(Date.now() - started < 3_000);
});

Deno.test("checkCatalogs() fails on a catalog path that does not exist", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  equal((await checkCatalogs([dir])).status, "ok");
  const result = await checkCatalogs([dir, `${dir}/absent.yaml`]);
  equal(result.status, "failed");
  match(result.detail, /absent\.yaml/);
  match(result.fix!, /MCP_REGISTRY_CATALOGS/);
});

Deno.test("checkDeno() fails before Deno 2 and warns before 2.9", () => {
  equal(checkDeno({ version: "1.46.3" }).status, "failed");
  equal(checkDeno({ version: "2.1.0" }).status, "warning");
  equal(checkDeno({ version: "2.9.6" }).status, "ok");
  equal(checkDeno().status, "ok");
});

Deno.test("runChecks() checks every source that is on, and the rootless setup when not root", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await using server = serve(() => new Response("ok"));
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

Deno.test("formatReport() prints the fix under each problem and a summary", () => {
  const text = formatReport([
    { check: "podman", status: "ok", detail: "podman 5.4.0 (rootless)" },
    { check: "XDG_RUNTIME_DIR", status: "warning", detail: "not set", fix: "export X=1" },
    { check: "git", status: "failed", detail: '"git" not found', fix: "sudo dnf install git" },
  ]);
  const lines = text.split("\n");
  match(lines[0]!, /^ok {7}podman {11}podman 5\.4\.0/);
  equal(lines[1], "warning  XDG_RUNTIME_DIR  not set");
  match(lines[2]!, /^ +fix: export X=1$/);
  equal(lines[3], `FAILED   git${" ".repeat(14)}"git" not found`);
  match(lines[4]!, /^ +fix: sudo dnf install git$/);
  match(lines.at(-1)!, /1 of 3 checks FAILED \(1 warning\)/);
  match(
    formatReport([{ check: "deno", status: "ok", detail: "Deno 2.9.6" }]),
    /All 1 checks passed\.$/,
  );
});

Deno.test("checkLimits() warns where rootless podman cannot apply the container limits", () => {
  const v1 = checkLimits({ host: { security: { rootless: true }, cgroupVersion: "v1" } });
  equal(v1.status, "warning");
  match(v1.detail, /ignores memory, CPU and process limits/);
  match(v1.fix!, /cgroup v2/);
  const undelegated = checkLimits({
    host: {
      security: { rootless: true },
      cgroupVersion: "v2",
      cgroupControllers: ["memory", "pids"],
    },
  });
  equal(undelegated.status, "warning");
  match(undelegated.detail, /controllers cpu are not delegated/);
  match(undelegated.fix!, /Delegate=cpu cpuset io memory pids/);
  const fine = checkLimits({
    host: {
      security: { rootless: true },
      cgroupVersion: "v2",
      cgroupControllers: ["cpuset", "cpu", "io", "memory", "pids"],
    },
  });
  equal(fine.status, "ok", fine.detail);
  equal(checkLimits({ host: { security: { rootless: false }, cgroupVersion: "v1" } }).status, "ok");
});
