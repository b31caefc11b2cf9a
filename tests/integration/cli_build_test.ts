/**
 * `mcp-registry add` on a server built from source (issue 15, item 2, "the person decides"),
 * run as a user runs it over a local catalog naming real local git repositories, built with
 * real podman on the local test image: nothing is built without a yes; without a terminal it
 * says the command with --yes; at a terminal (util-linux `script`) it asks "Build and start
 * it? [y/N]"; --yes builds and records; a failed build says its last lines and its log and
 * records nothing.
 */
import { deepEqual, doesNotMatch, equal, match, ok } from "node:assert/strict";
import { type CliFixture, cliFixture, describeRun } from "../_helpers/cli.ts";
import { BUILD_BASE, commitFiles, labelled, makeBuildRepos } from "../_helpers/build_repos.ts";
import { ROOT } from "../_helpers/processes.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { HAS_SCRIPT, onTerminal } from "../_helpers/terminal.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** `text` with its line breaks (human output is wrapped at 100 columns) made spaces. */
const flat = (text: string) => text.replace(/\s+/g, " ");

/** Runs `args` and checks the exit code and that no stack trace reached the user. */
async function expect(t: CliFixture, args: string[], code: number) {
  const run = await t.run(args);
  equal(run.code, code, describeRun(args, run));
  doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace: ${describeRun(args, run)}`);
  return run;
}

const imageExists = async (image: string) => (await podman("images", "--quiet", image)) !== "";

const recorded = async (t: CliFixture) =>
  JSON.parse((await t.run(["active", "--json"])).stdout).servers.map((s: Json) => s.id);

Deno.test({
  name: "add on a build entry: builds nothing without a yes; --yes builds and records it; " +
    "--check starts the image built; a failed build records nothing",
  ignore: !HAS_PODMAN,
  async fn() {
    await using t = await cliFixture({ MCP_REGISTRY_SOURCES: "docker,local" });
    await using repos = await makeBuildRepos(t.dir, "cli-yes");
    const { ids, commit } = repos;
    t.env.MCP_REGISTRY_CATALOGS = repos.catalog;
    await expect(t, ["refresh", "local"], 0);

    // No terminal, no --yes: the plan, the command to type, nothing built or recorded.
    const refused = await expect(t, ["add", ids.hello], 1);
    const said = flat(refused.stderr);
    match(said, /is built from its repository before it can start/);
    match(said, new RegExp(`repository: file://${t.dir}/hello-repo`));
    match(said, new RegExp(`commit: ${commit}`));
    match(said, /file: Containerfile \(podman build/);
    match(said, new RegExp(`image: ${repos.image(ids.hello)}`));
    match(said, /a build needs your yes, and there is no terminal to ask at/);
    match(refused.stderr, new RegExp(`^  mcp-registry add ${ids.hello} --yes$`, "m"));
    const refusedJson = await expect(t, ["add", ids.hello, "--check", "--json"], 1);
    const plan = JSON.parse(refusedJson.stdout);
    deepEqual(
      [plan.added, plan.needs_build, plan.plan.commit, plan.plan.kind, plan.command],
      [false, true, commit, "containerfile", `mcp-registry add ${ids.hello} --check --yes`],
    );
    ok(!(await imageExists(repos.image(ids.hello))), "nothing was built");
    deepEqual(await recorded(t), []);

    // --yes: built (progress on stderr), recorded; the image is labelled with the commit.
    const added = await expect(t, ["add", ids.hello, "--yes"], 0);
    match(added.stderr, /cloning .*hello-repo/);
    match(added.stderr, /STEP \d+\/\d+: FROM localhost\/mcp-registry-test\/node:base/);
    match(added.stdout, new RegExp(`^Built ${repos.image(ids.hello)} from .* at ${commit}\\.`));
    match(flat(added.stdout), /will start the next time mcp-registry starts/);
    const labels = JSON.parse(
      await podman("image", "inspect", "--format", "{{json .Labels}}", repos.image(ids.hello)),
    );
    equal(labels["io.mcp-registry.build.commit"], commit);
    deepEqual(await recorded(t), [ids.hello]);

    // Built before: no question, no build; --check starts that image once and lists its tools.
    const imageId = await podman("images", "--quiet", repos.image(ids.hello));
    const checked = await expect(t, ["add", ids.hello, "--check", "--json"], 0);
    const result = JSON.parse(checked.stdout);
    deepEqual(result.check.tools.map((x: Json) => x.tool), ["hello"]);
    deepEqual([result.built, result.image], [null, repos.image(ids.hello)]);
    doesNotMatch(checked.stderr, /cloning|STEP/, "nothing cloned or built again");
    equal(await podman("images", "--quiet", repos.image(ids.hello)), imageId);
    equal(await podman("ps", "-a", "--filter", `name=^${result.check.container}$`, "-q"), "");

    // A build that fails: its last lines and its log, exit 1, nothing recorded or left.
    const failed = await expect(t, ["add", ids.broken, "--yes"], 1);
    const why = flat(failed.stderr);
    match(why, new RegExp(`Cannot build ${ids.broken}: the build of .* failed; its last lines:`));
    match(why, /boom at step 2/);
    match(why, new RegExp(`whole log: ${t.dir}/cache/builds/${ids.broken}\\.log`));
    match(why, /Nothing was recorded\./);
    match(await Deno.readTextFile(`${t.dir}/cache/builds/${ids.broken}.log`), /boom at step 2/);
    equal(await labelled(ids.broken), "", "no image or container of the failed build");
    const failedJson = JSON.parse(
      (await expect(t, ["add", ids.broken, "--yes", "--json"], 1))
        .stdout,
    );
    deepEqual([failedJson.added, failedJson.error.slice(0, 13)], [false, "the build of "]);

    // Nothing to build: what was looked for, and what the person can do.
    const nothing = await expect(t, ["add", ids.nothing, "--yes"], 1);
    match(flat(nothing.stderr), /nothing to (build|run) in .*empty-repo/);
    match(flat(nothing.stderr), /MCP_REGISTRY_CATALOGS.*mcp-registry refresh local/);
    deepEqual(await recorded(t), [ids.hello]);

    // An unknown id, and --yes on an entry that builds nothing: as add always was.
    const unknown = await expect(t, ["add", `${ids.hello}x`, "--yes"], 3);
    match(unknown.stderr, new RegExp(`Did you mean: .*${ids.hello}`));
    const memory = await expect(t, ["add", "memory", "--yes"], 0);
    match(memory.stdout, /^Added memory \(Memory \(Reference\)\)\./);
    doesNotMatch(memory.stderr, /build/i);
    const notBuilt = await expect(t, ["add", "memory", "--rebuild"], 2);
    match(flat(notBuilt.stderr), /memory is not built from source \(it runs as podman\)/);
    deepEqual((await recorded(t)).sort(), [ids.hello, "memory"].sort());

    // --rebuild asks again (here: --yes) and builds again; without the image, active says so.
    const rebuilt = await expect(t, ["add", ids.hello, "--rebuild", "--yes"], 0);
    match(rebuilt.stderr, /built again even though an image of it is at hand/);
    match(rebuilt.stderr, /STEP 1\/\d+: FROM/);
    const noRebuild = await expect(t, ["add", ids.hello, "--rebuild"], 1);
    match(noRebuild.stderr, new RegExp(`mcp-registry add ${ids.hello} --rebuild --yes`));
    match((await expect(t, ["active"], 0)).stdout, new RegExp(`${ids.hello} .* build: ready`));
    await podman(
      "rmi",
      "--force",
      repos.image(ids.hello),
      repos.image(ids.hello).replace(/:\w+$/, ":latest"),
    );
    const unbuilt = await expect(t, ["active"], 1);
    match(
      flat(unbuilt.stdout),
      new RegExp(`not built yet \\(mcp-registry add ${ids.hello} builds`),
    );
  },
});

Deno.test({
  name: "add on a build entry at a terminal asks 'Build and start it? [y/N]': 'n' builds " +
    "nothing, y builds, --check starts it once, and it is recorded",
  ignore: !HAS_PODMAN || !HAS_SCRIPT,
  async fn() {
    await using t = await cliFixture({ MCP_REGISTRY_SOURCES: "docker,local" });
    await using repos = await makeBuildRepos(t.dir, "cli-tty");
    const { ids, commit } = repos;
    t.env.MCP_REGISTRY_CATALOGS = repos.catalog;
    await expect(t, ["refresh", "local"], 0);
    const ask = (keys: string) =>
      onTerminal({
        env: t.env,
        args: ["add", ids.hello2, "--check"],
        keys,
        after: "Build and start it? [y/N] ",
      });

    const declined = await ask("n\r");
    equal(declined.code, 1, declined.screen);
    match(flat(declined.screen), new RegExp(`commit: ${commit}`));
    match(flat(declined.screen), /Nothing was built or recorded\. To build it later: /);
    ok(!(await imageExists(repos.image(ids.hello2))), "nothing was built");
    deepEqual(await recorded(t), []);

    const agreed = await ask("y\r");
    equal(agreed.code, 0, agreed.screen);
    match(flat(agreed.screen), new RegExp(`Built ${repos.image(ids.hello2)} from `));
    match(flat(agreed.screen), new RegExp(`${ids.hello2} started in \\d+ ms with 1 tools`));
    ok(await imageExists(repos.image(ids.hello2)));
    deepEqual(await recorded(t), [ids.hello2]);
  },
});

Deno.test({
  name: "add on a build entry: Ctrl-C during the build stops it; exit 1, nothing recorded",
  ignore: !HAS_PODMAN,
  async fn() {
    await using t = await cliFixture({ MCP_REGISTRY_SOURCES: "docker,local" });
    // A base image of this test's own (a new image id), so that what the stopped build leaves
    // is found by its ancestor and removed, and nothing of another test is touched.
    const mark = crypto.randomUUID().slice(0, 8);
    const base = `localhost/mcp-registry-test/ctrlc-${mark}:base`;
    await Deno.writeTextFile(`${t.dir}/Basefile`, `FROM ${BUILD_BASE}\nLABEL test=${mark}\n`);
    await podman("build", "--pull=never", "--quiet", "-t", base, "-f", `${t.dir}/Basefile`, t.dir);
    const id = `cli-ctrlc-${mark}`;
    try {
      const repo = `${t.dir}/slow-repo`;
      await commitFiles(repo, {
        Containerfile: `FROM ${base}\nRUN ["/usr/bin/node", "-e", "console.log('sleeping'); ` +
          `setTimeout(() => {}, 120000)"]\n`,
      });
      t.env.MCP_REGISTRY_CATALOGS = `${t.dir}/slow.yaml`;
      await Deno.writeTextFile(
        t.env.MCP_REGISTRY_CATALOGS,
        `name: ${id}\ntype: server\nsource:\n  project: ${repo}\n`,
      );
      await expect(t, ["refresh", "local"], 0);

      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "main.ts", "add", id, "--yes"],
        cwd: ROOT,
        env: t.env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let stderr = "";
      while (!stderr.includes("sleeping")) {
        const { value, done } = await reader.read();
        if (done) break;
        stderr += value;
      }
      child.kill("SIGINT");
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        stderr += value;
      }
      const { code } = await child.status;
      clearTimeout(timer);
      await child.stdout.cancel();
      equal(code, 1, stderr);
      match(stderr, /Interrupted; stopping the build\./);
      match(stderr, new RegExp(`The build of ${id} was stopped; nothing was recorded\\.`));
      deepEqual(await recorded(t), []);
      equal(await podman("images", "--quiet", `localhost/mcp-registry-build/${id}`), "");
    } finally {
      const left = await podman(
        "ps",
        "--all",
        "--external",
        "--quiet",
        "--filter",
        `ancestor=${base}`,
      ).catch(() => "");
      if (left) await podman("rm", "--force", ...left.split("\n")).catch(() => {});
      await podman("rmi", "--force", "--ignore", base, `localhost/mcp-registry-build/${id}:latest`)
        .catch(() => {});
    }
  },
});
