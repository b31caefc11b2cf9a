/**
 * The awesome list source against a real git repository on disk: clone, pull, a missing README.
 */
import { deepEqual, equal, match, notEqual, ok, rejects } from "node:assert/strict";
import { AwesomeListSource } from "../../src/sources/awesome_list.ts";
import { runGit } from "../../src/sources/git.ts";
import { awesomeReadme, createAwesomeFixture } from "../_helpers/awesome_fixture.ts";

Deno.test("AwesomeListSource clones the list, then pulls a changed bullet", async () => {
  await using fixture = await createAwesomeFixture("39eb1d7");
  const sourcesDir = `${fixture.dir}/sources`;
  const source = new AwesomeListSource({ repo: fixture.repo, sourcesDir });
  equal(source.location, fixture.repo);
  const steps: string[] = [];
  const first = await source.refresh({ progress: (step) => steps.push(step.message) });
  equal(first.entries.length, 515);
  equal(first.revision, await runGit(["rev-parse", "HEAD"], { cwd: fixture.repo }));
  deepEqual(first.errors, []);
  equal(first.warnings.length, 5, "the malformed bullets of the real list");
  ok(await Deno.stat(`${sourcesDir}/awesome-mcp-servers/README.md`));
  deepEqual(first.entries.find((e) => e.name === "Fetch")!.links, {}, "a local path has no page");
  equal(steps.length, 2);
  match(steps[1]!, /^reading README\.md at [0-9a-f]{12}$/);

  const changed = awesomeReadme("39eb1d7")
    .replace(
      "- **[Git](https://github.com/modelcontextprotocol/servers/tree/main/src/git)** - Tools to read",
      "- **[Git](https://github.com/modelcontextprotocol/servers/tree/main/src/git)** - Now tools to read",
    )
    .replace(
      "## Community Servers\n",
      "## Community Servers\n\n- **[Brand New](https://github.com/me/brand-new)** - Fresh.\n",
    );
  const head = await fixture.commit("README.md", changed);
  const second = await source.refresh();
  equal(second.revision, head);
  notEqual(second.revision, first.revision);
  equal(second.entries.length, 516);
  match(second.entries.find((e) => e.id === "git")!.description, /^Now tools to read/);
  equal(
    second.entries.find((e) => e.id === "brand-new")!.repo_url,
    "https://github.com/me/brand-new",
  );
});

Deno.test("AwesomeListSource says what is wrong with a repository without README.md", async () => {
  await using fixture = await createAwesomeFixture("6f0239d");
  await runGit(["rm", "--quiet", "README.md"], { cwd: fixture.repo });
  await fixture.commit("NOTES.md", "not the list\n");
  const source = new AwesomeListSource({ repo: fixture.repo, sourcesDir: `${fixture.dir}/s` });
  await rejects(
    source.refresh(),
    /Cannot read the awesome list: .*README\.md \(the repository has no README\.md/,
  );
});

Deno.test("AwesomeListSource refuses a README that leads out of the checkout", async () => {
  await using fixture = await createAwesomeFixture("6f0239d");
  await Deno.writeTextFile(`${fixture.dir}/outside.md`, awesomeReadme("6f0239d"));
  await Deno.remove(`${fixture.repo}/README.md`);
  await Deno.symlink(`${fixture.dir}/outside.md`, `${fixture.repo}/README.md`);
  await fixture.commit("NOTES.md", "symlinked README\n");
  const source = new AwesomeListSource({ repo: fixture.repo, sourcesDir: `${fixture.dir}/s` });
  await rejects(source.refresh(), /symlink that leads out of the checkout/);
});
