/**
 * The Docker registry source against a real git repository on disk: clone, pull, failure.
 */
import { equal, match, notEqual, ok, rejects } from "node:assert/strict";
import { Catalog } from "../../src/catalog/catalog.ts";
import { silentLogger } from "../../src/log.ts";
import { DockerRegistrySource } from "../../src/sources/docker_registry.ts";
import { GitError, runGit, syncRepo } from "../../src/sources/git.ts";
import { CatalogStore } from "../../src/store/catalog_store.ts";
import { createGitFixture } from "../_helpers/git_fixture.ts";

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

Deno.test("syncRepo() replaces a checkout of another repository and refuses flag-like URLs", async () => {
  await using a = await createGitFixture(["memory"]);
  await using b = await createGitFixture(["slack"]);
  const checkout = `${a.dir}/checkout`;
  await syncRepo(a.repo, checkout);
  ok(await Deno.stat(`${checkout}/servers/memory`));
  await syncRepo(b.repo, checkout);
  ok(await Deno.stat(`${checkout}/servers/slack`));
  await rejects(Deno.stat(`${checkout}/servers/memory`));
  await rejects(syncRepo("--upload-pack=touch /tmp/pwned", checkout), GitError);
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
