/**
 * The Docker registry source against a real git repository on disk: clone, pull, failure.
 */
import { deepEqual, equal, match, notEqual, ok, rejects } from "node:assert/strict";
import { Catalog } from "../../src/registry/catalog.ts";
import { silentLogger } from "../../src/util/log.ts";
import { DockerRegistrySource } from "../../src/sources/docker_registry.ts";
import {
  gitCloneArgs,
  GitError,
  resolveRepoUrl,
  runGit,
  summarizeStderr,
  syncRepo,
  withCheckoutLock,
} from "../../src/sources/git.ts";
import { redactUrl } from "../../src/util/redact_url.ts";
import { CatalogStore } from "../../src/store/catalog_store.ts";
import { createGitFixture } from "../_helpers/git_fixture.ts";

const GIT_MODULE = new URL("../../src/sources/git.ts", import.meta.url).href;

/**
 * Runs `syncRepo(url, dir)` in a child Deno with its own working directory and environment: the
 * working directory and environment are the whole process's, and other tests run beside this one.
 */
async function syncRepoInChild(
  url: string,
  dir: string,
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const code = `import { syncRepo } from ${JSON.stringify(GIT_MODULE)};
console.log(await syncRepo(${JSON.stringify(url)}, ${JSON.stringify(dir)}));`;
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", code],
    cwd: options.cwd,
    env: options.env ?? {},
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  ok(success, `syncRepo() in a child failed: ${decoder.decode(stderr)}`);
  return decoder.decode(stdout).trim();
}

Deno.test("DockerRegistrySource clones the repository, then pulls a changed file", async () => {
  await using fixture = await createGitFixture();
  const source = new DockerRegistrySource({ repo: fixture.repo, sourcesDir: `${fixture.dir}/src` });
  const first = await source.refresh();
  equal(first.entries.length, 328);
  equal(first.revision, await runGit(["rev-parse", "HEAD"], { cwd: fixture.repo }));

  const memory = await Deno.readTextFile(`${fixture.repo}/servers/memory/server.yaml`);
  await fixture.commit(
    "servers/memory/server.yaml",
    memory.replace(/description: .*/, "description: Remembers things, now better."),
  );
  const head = await fixture.commit(
    "servers/brand-new/server.yaml",
    "name: brand-new\nimage: mcp/brand-new\n",
  );
  const second = await source.refresh();
  equal(second.revision, head);
  notEqual(second.revision, first.revision);
  equal(second.entries.length, 329);
  equal(
    second.entries.find((e) => e.id === "memory")?.description,
    "Remembers things, now better.",
  );
  ok(second.entries.some((e) => e.id === "brand-new"));
});

Deno.test("syncRepo() replaces a checkout of another repository it made", async () => {
  await using a = await createGitFixture(["memory"]);
  await using b = await createGitFixture(["slack"]);
  const checkout = `${a.dir}/checkout`;
  await syncRepo(a.repo, checkout);
  ok(await Deno.stat(`${checkout}/servers/memory`));
  await syncRepo(b.repo, checkout);
  ok(await Deno.stat(`${checkout}/servers/slack`));
  await rejects(Deno.stat(`${checkout}/servers/memory`));
});

Deno.test("syncRepo() refuses flag-like URLs before git runs, and clones after '--'", async () => {
  await using a = await createGitFixture(["memory"]);
  const pwned = `${a.dir}/pwned`;
  const checkout = `${a.dir}/checkout`;
  await rejects(
    syncRepo(`--upload-pack=touch ${pwned}`, checkout),
    (error) => error instanceof GitError && /it starts with "-"/.test(error.message),
  );
  await rejects(Deno.stat(pwned), Deno.errors.NotFound, "the injected command never ran");
  await rejects(Deno.stat(checkout), Deno.errors.NotFound, "git never ran");
  const args = gitCloneArgs("--upload-pack=x", "/dest");
  equal(args.indexOf("--"), args.indexOf("--upload-pack=x") - 1, "'--' comes right before the URL");
  equal(args.at(-1), "/dest");
});

Deno.test("Catalog keeps the last good catalog when a pull fails, and says why in status", async () => {
  await using fixture = await createGitFixture(["memory", "slack", "github-official"]);
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new CatalogStore(kv);
    const source = new DockerRegistrySource({ repo: fixture.repo, sourcesDir: `${fixture.dir}/s` });
    const catalog = new Catalog({
      sources: [source],
      store,
      refreshIntervalHours: 24,
      log: silentLogger,
    });
    await catalog.load();
    equal(catalog.status()[0]!.serving, "snapshot");
    equal(catalog.index.size, 328);
    ok(catalog.isDue("docker"));

    const ok1 = await catalog.refresh("docker");
    equal(ok1.ok, true);
    equal(catalog.index.size, 3);
    equal(catalog.status()[0]!.serving, "live");
    equal(catalog.isDue("docker"), false);

    // The repository disappears: the refresh fails, the three entries stay.
    await Deno.remove(fixture.repo, { recursive: true });
    await Deno.remove(`${fixture.dir}/s`, { recursive: true });
    const failed = await catalog.refresh("docker");
    equal(failed.ok, false);
    equal(catalog.index.size, 3);
    const status = catalog.status()[0]!;
    match(status.last_error ?? "", /git clone failed/);
    ok(status.last_refresh !== null, "the last success is still reported");

    // A restart serves the cache without touching git.
    const restarted = new Catalog({
      sources: [source],
      store,
      refreshIntervalHours: 24,
      log: silentLogger,
    });
    await restarted.load();
    equal(restarted.status()[0]!.serving, "cache");
    equal(restarted.index.size, 3);
    match(restarted.status()[0]!.last_error ?? "", /git clone failed/);
  } finally {
    kv.close();
  }
});

Deno.test("resolveRepoUrl() makes local paths absolute and leaves URLs alone", () => {
  const cwd = Deno.cwd();
  equal(resolveRepoUrl("repo"), `${cwd}/repo`);
  equal(resolveRepoUrl("./repo/"), `${cwd}/repo`);
  equal(resolveRepoUrl("/abs/repo/"), "/abs/repo");
  for (
    const url of [
      "https://github.com/docker/mcp-registry.git",
      "file:///srv/repo",
      "git@github.com:docker/mcp-registry.git",
      "github.com:docker/mcp-registry.git",
    ]
  ) equal(resolveRepoUrl(url), url);
});

Deno.test("syncRepo() fetches in place whichever way a local path is written", async () => {
  await using fixture = await createGitFixture(["memory"]);
  const checkout = `${fixture.dir}/checkout`;
  // Relative paths are resolved against the working directory: a child's, set to fixture.dir.
  await syncRepoInChild("repo", checkout, { cwd: fixture.dir });
  equal(
    await runGit(["config", "--get", "remote.origin.url"], { cwd: checkout }),
    fixture.repo,
    "the clone remembers the absolute path",
  );
  // An untracked file survives a fetch and reset, not a fresh clone.
  await Deno.writeTextFile(`${checkout}/.git/untouched`, "x");
  const head = await fixture.commit("servers/new/server.yaml", "name: new\nimage: mcp/new\n");
  equal(await syncRepoInChild("./repo/", checkout, { cwd: fixture.dir }), head);
  equal(await syncRepo(fixture.repo, checkout), head);
  ok(await Deno.stat(`${checkout}/.git/untouched`), "fetched in place, not cloned again");
});

Deno.test("syncRepo() clones afresh when a crash left git's lock files behind", async () => {
  await using fixture = await createGitFixture(["memory"]);
  const url = `file://${fixture.repo}`; // file:// keeps the clone shallow
  const checkout = `${fixture.dir}/checkout`;
  await syncRepo(url, checkout);
  await Deno.writeTextFile(`${checkout}/.git/shallow.lock`, "");
  await Deno.writeTextFile(`${checkout}/.git/index.lock`, "");
  const head = await fixture.commit("servers/new/server.yaml", "name: new\nimage: mcp/new\n");
  equal(await syncRepo(url, checkout), head);
  ok(await Deno.stat(`${checkout}/servers/new/server.yaml`));
  await rejects(Deno.stat(`${checkout}/.git/index.lock`), Deno.errors.NotFound);
  // Clean again: the next refresh fetches in place.
  const next = await fixture.commit("servers/new2/server.yaml", "name: new2\nimage: mcp/n\n");
  equal(await syncRepo(url, checkout), next);
});

Deno.test("summarizeStderr() keeps git's last lines whole, on one line, credentials masked", () => {
  const stderr = [
    "Cloning into '/tmp/x'...",
    ...Array.from({ length: 6 }, (_, i) => `remote: line ${i}`),
    "fatal: unable to access 'https://user:s3cret@example.com/r.git/': 403",
    "",
  ].join("\n");
  equal(
    summarizeStderr(stderr),
    "remote: line 1 | remote: line 2 | remote: line 3 | remote: line 4 | remote: line 5 | " +
      "fatal: unable to access 'https://***@example.com/r.git/': 403",
  );
  const long = summarizeStderr(`${"a".repeat(400)}\n${"b".repeat(300)}\nfatal: short`);
  equal(long, `${"b".repeat(300)} | fatal: short`, "whole lines dropped from the front");
  const huge = summarizeStderr(`fatal: ${"c".repeat(700)}`);
  ok(huge.startsWith("fatal: ") && huge.length === 600);
});

Deno.test("redactUrl() masks credentials in URLs, and the source's location uses it", async () => {
  equal(redactUrl("https://user:pa55@github.com/o/r.git"), "https://***@github.com/o/r.git");
  equal(redactUrl("https://ghp_token@github.com/o/r.git"), "https://***@github.com/o/r.git");
  equal(redactUrl("https://github.com/o/r.git"), "https://github.com/o/r.git");
  equal(redactUrl("git@github.com:o/r.git"), "git@github.com:o/r.git", "an ssh user is no secret");
  equal(redactUrl("/srv/repos/r"), "/srv/repos/r");
  await using fixture = await createGitFixture(["memory"]);
  const source = new DockerRegistrySource({
    repo: "https://x-access-token:ghs_abc@127.0.0.1:9/o/r.git",
    sourcesDir: `${fixture.dir}/s`,
  });
  equal(source.location, "https://***@127.0.0.1:9/o/r.git");
  const error = await source.refresh().then(() => null, (e: Error) => e);
  ok(error instanceof GitError);
  ok(!error.message.includes("ghs_abc"), error.message);
});

Deno.test("syncRepo() ignores the user's GIT_DIR and GIT_WORK_TREE", async () => {
  await using fixture = await createGitFixture(["memory"]);
  const user = `${fixture.dir}/user-project`;
  await Deno.mkdir(user);
  await runGit(["init", "--quiet", "--initial-branch=main"], { cwd: user });
  await Deno.writeTextFile(`${user}/work.txt`, "uncommitted work\n");
  // The user's variables are set for a child only: this process's environment is every test's.
  const revision = await syncRepoInChild(fixture.repo, `${fixture.dir}/checkout`, {
    cwd: fixture.dir,
    env: { GIT_DIR: `${user}/.git`, GIT_WORK_TREE: user },
  });
  equal(revision, await runGit(["rev-parse", "HEAD"], { cwd: fixture.repo }));
  ok(await Deno.stat(`${fixture.dir}/checkout/servers/memory/server.yaml`));
  equal(await Deno.readTextFile(`${user}/work.txt`), "uncommitted work\n");
  await rejects(runGit(["rev-parse", "HEAD"], { cwd: user }), GitError, "still no commit");
  await rejects(runGit(["config", "--get", "remote.origin.url"], { cwd: user }), GitError);
});

Deno.test("syncRepo() replaces only folders it made, and keeps git status clean", async () => {
  await using fixture = await createGitFixture(["memory"]);
  // A folder of the user's: refused, left as it was.
  const mine = `${fixture.dir}/mine`;
  await Deno.mkdir(mine);
  await Deno.writeTextFile(`${mine}/notes.txt`, "mine");
  await rejects(syncRepo(fixture.repo, mine), (error) => {
    ok(error instanceof GitError);
    match(error.message, /not a checkout mcp-registry made.*MCP_REGISTRY_SOURCES_DIR/);
    return true;
  });
  equal(await Deno.readTextFile(`${mine}/notes.txt`), "mine");
  // The user's own clone of the very same repository, with work in progress: refused too.
  const clone = `${fixture.dir}/clone`;
  await runGit(["clone", "--quiet", "--", fixture.repo, clone]);
  await Deno.writeTextFile(`${clone}/servers/memory/server.yaml`, "edited");
  await rejects(syncRepo(fixture.repo, clone), GitError);
  equal(await Deno.readTextFile(`${clone}/servers/memory/server.yaml`), "edited");
  // An empty folder is fine; the checkout carries the marker, and git sees nothing to commit.
  const empty = `${fixture.dir}/empty`;
  await Deno.mkdir(empty);
  await syncRepo(fixture.repo, empty);
  ok((await Deno.stat(`${empty}/.git/mcp-registry-checkout`)).isFile);
  equal(await runGit(["status", "--porcelain"], { cwd: empty }), "");
});

Deno.test("two DockerRegistrySource refreshes of one sources folder both load everything", async () => {
  await using fixture = await createGitFixture();
  const url = `file://${fixture.repo}`;
  const refreshBoth = (sourcesDir: string) =>
    Promise.all([0, 1].map(() => new DockerRegistrySource({ repo: url, sourcesDir }).refresh()));
  // Both find no checkout and clone (a few rounds: without the lock, one in two goes wrong).
  for (let round = 0; round < 5; round++) {
    for (const snapshot of await refreshBoth(`${fixture.dir}/fresh-${round}`)) {
      equal(snapshot.entries.length, 328);
      deepEqual(snapshot.errors, []);
    }
  }
  const sourcesDir = `${fixture.dir}/fresh-0`;
  // Upstream moved on; both fetch into the existing checkout at the same time.
  const head = await fixture.commit(
    "servers/memory/server.yaml",
    "name: memory\nimage: mcp/memory\nabout: { description: changed }\n",
  );
  for (const snapshot of await refreshBoth(sourcesDir)) {
    equal(snapshot.entries.length, 328);
    equal(snapshot.revision, head);
    equal(snapshot.entries.find((e) => e.id === "memory")?.description, "changed");
  }
  await rejects(Deno.stat(`${sourcesDir}/docker-mcp-registry.lock`), Deno.errors.NotFound);
});

Deno.test("two syncRepo() calls on one existing checkout both succeed", async () => {
  await using fixture = await createGitFixture(["memory", "slack"]);
  const url = `file://${fixture.repo}`;
  const checkout = `${fixture.dir}/checkout`;
  await syncRepo(url, checkout);
  for (let round = 0; round < 3; round++) {
    const head = await fixture.commit(`servers/r${round}/server.yaml`, `name: r${round}\n`);
    deepEqual(await Promise.all([syncRepo(url, checkout), syncRepo(url, checkout)]), [head, head]);
  }
});

Deno.test("withCheckoutLock() waits for another process, then runs", async () => {
  await using fixture = await createGitFixture(["memory"]);
  const dir = `${fixture.dir}/checkout`;
  const gitTs = new URL("../../src/sources/git.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { withCheckoutLock } from ${JSON.stringify(gitTs)};
      await withCheckoutLock(${JSON.stringify(dir)}, async () => {
        console.log("locked");
        await new Promise((done) => setTimeout(done, 800));
        await Deno.writeTextFile(${JSON.stringify(`${dir}.child-done`)}, "");
      });`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  equal((await reader.read()).value?.trim(), "locked");
  const ran = await withCheckoutLock(dir, async () => {
    ok(await Deno.stat(`${dir}.child-done`), "ran only after the other process let go");
    return "ran";
  });
  equal(ran, "ran");
  await reader.cancel();
  equal((await child.status).code, 0);
});

Deno.test("withCheckoutLock() takes over abandoned locks and gives up on a live one", async () => {
  await using fixture = await createGitFixture(["memory"]);
  const dir = `${fixture.dir}/checkout`;
  const lock = `${dir}.lock`;
  const run = (waitMs = 60_000) => withCheckoutLock({ dir, waitMs }, () => Promise.resolve("ran"));
  // Its process is gone.
  await Deno.writeTextFile(lock, `${2 ** 22 + 12345}:${Date.now()}`);
  equal(await run(), "ran");
  await rejects(Deno.stat(lock), Deno.errors.NotFound, "released");
  // Its process lives (ours), but the lock is older than 10 minutes.
  await Deno.writeTextFile(lock, `${Deno.pid}:${Date.now() - 11 * 60_000}`);
  equal(await run(), "ran");
  // A live, fresh lock: wait, then say so.
  await Deno.writeTextFile(lock, `${Deno.pid}:${Date.now()}`);
  await rejects(run(600), /another mcp-registry is refreshing .*checkout; try again later/);
  ok(await Deno.stat(lock), "a live lock is left alone");
  await Deno.remove(lock);
});

Deno.test("syncRepo() sweeps only half-made clones older than 10 minutes", async () => {
  await using fixture = await createGitFixture(["memory"]);
  const parent = `${fixture.dir}/sources`;
  await Deno.mkdir(`${parent}/.clone-abandoned`, { recursive: true });
  await Deno.mkdir(`${parent}/.clone-in-progress`);
  const old = new Date(Date.now() - 11 * 60_000);
  await Deno.utime(`${parent}/.clone-abandoned`, old, old);
  await syncRepo(fixture.repo, `${parent}/checkout`);
  await rejects(Deno.stat(`${parent}/.clone-abandoned`), Deno.errors.NotFound);
  ok(await Deno.stat(`${parent}/.clone-in-progress`), "a recent clone may be in progress");
});
