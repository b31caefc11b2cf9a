/**
 * `mcp-registry doctor` as a user runs it: `deno run -A main.ts doctor` in a child process, on
 * this machine's real podman and git, with the docker source on a local git repository (no
 * network needed).
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createGitFixture } from "../_helpers/git_fixture.ts";
import { HAS_PODMAN } from "../_helpers/podman.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const CONTAINERS_CONF = new URL("../podman/containers.conf", import.meta.url).pathname;

async function doctor(env: Record<string, string>, args: string[] = []) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "doctor", ...args],
    env: { ...Deno.env.toObject(), ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function setup() {
  const fixture = await createGitFixture(["memory"]);
  const env = {
    MCP_REGISTRY_SOURCES: "docker",
    MCP_REGISTRY_DOCKER_REPO: fixture.repo,
    MCP_REGISTRY_CACHE_DIR: `${fixture.dir}/cache`,
    MCP_REGISTRY_DATA_DIR: `${fixture.dir}/data`,
    CONTAINERS_CONF,
  };
  return { fixture, env };
}

Deno.test({
  name: "mcp-registry doctor passes on this machine with a local docker source",
  ignore: !HAS_PODMAN,
  async fn() {
    const { fixture, env } = await setup();
    await using _ = fixture;
    const run = await doctor(env);
    equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    match(run.stdout, /^ok +podman +podman \d+\.\d+/m);
    match(run.stdout, /^ok +OCI runtime +runc/m);
    match(run.stdout, /^ok +git +git version/m);
    match(run.stdout, /^ok +source docker +\/\S+\/repo answers/m);
    match(run.stdout, /^ok +deno +Deno 2\./m);
    match(run.stdout, /All \d+ checks passed/);
    ok(!(await Deno.stat(`${fixture.dir}/cache`).then(() => true, () => false)), "creates nothing");

    const json = await doctor(env, ["--json"]);
    equal(json.code, 0);
    const report = JSON.parse(json.stdout);
    equal(report.ok, true);
    ok(report.checks.every((c: { status: string }) => c.status !== "failed"));
  },
});

Deno.test("mcp-registry doctor exits 4 and prints the fix when podman is missing", async () => {
  const { fixture, env } = await setup();
  await using _ = fixture;
  const run = await doctor({ ...env, MCP_REGISTRY_PODMAN: "/nonexistent/podman" });
  equal(run.code, 4, `${run.stdout}\n${run.stderr}`);
  match(run.stdout, /^FAILED +podman +"\/nonexistent\/podman" not found/m);
  // The fix is wrapped under the check, indented past its column.
  match(
    run.stdout.replace(/\s+/g, " "),
    /fix: Install podman: sudo dnf install podman \(Fedora\) or sudo apt install podman/,
  );
  ok(run.stdout.split("\n").every((line) => line.length <= 100), run.stdout);
  match(run.stdout, /^ok +source docker/m); // the other checks still ran
  match(run.stdout, /1 of \d+ checks FAILED/);
});

Deno.test("mcp-registry doctor exits 4 when podman is not on PATH", async () => {
  const { fixture, env } = await setup();
  await using _ = fixture;
  // A PATH holding git only: deno is started by its absolute path.
  const bin = `${fixture.dir}/bin`;
  await Deno.mkdir(bin);
  const git = (await new Deno.Command("sh", { args: ["-c", "command -v git"], stdout: "piped" })
    .output()).stdout;
  await Deno.symlink(new TextDecoder().decode(git).trim(), `${bin}/git`);
  const run = await doctor({ ...env, PATH: bin }, ["--json"]);
  equal(run.code, 4, `${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(run.stdout);
  equal(report.ok, false);
  const failed = report.checks.filter((c: { status: string }) => c.status === "failed");
  deepEqual(failed.map((c: { check: string }) => c.check), ["podman"]);
  match(failed[0].fix, /sudo dnf install podman/);
});
