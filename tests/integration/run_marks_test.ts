/**
 * Run marks through the protocol, with real Podman containers and the real state Kv: a server
 * that starts is marked verified, one that starts and dies is marked failed with the first line
 * of its (masked) reason, one that never ran (no image) is not marked; registry-find shows the
 * marks, ranks by them and filters on what can start; the marks outlive the registry process.
 * And the CLI's find and show, over marks in the real state Kv.
 */
import { deepEqual as equal, match, ok } from "node:assert/strict";
import { RunMarkStore } from "../../src/store/run_marks.ts";
import { cliFixture } from "../_helpers/cli.ts";
import { HAS_PODMAN } from "../_helpers/podman.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const SECRET = "s3cr3t-value-8271";

const ENTRIES = [
  testEntry({
    id: "notes-good",
    title: "Notes keeper",
    description: "Keeps notes in a knowledge graph.",
    container_image: "localhost/mcp-registry-test/memory-attack:latest",
  }),
  testEntry({
    id: "notes-crash",
    title: "Notes crasher",
    description: "Keeps notes in a knowledge graph.",
    container_image: "localhost/mcp-registry-test/node:base",
    run: {
      command: [
        "node",
        "-e",
        "console.error('cannot open the notes store \\x1b[31mwith token ' + process.env.NOTES_TOKEN); " +
        "process.exit(3)",
      ],
    } as Json,
    config: { secrets: [{ name: "notes-crash.token", env: "NOTES_TOKEN" }] } as Json,
  }),
  testEntry({
    id: "notes-unpullable",
    title: "Notes elsewhere",
    description: "Keeps notes in a knowledge graph.",
    container_image: "localhost:1/mcp-registry-test/does-not-exist:1",
  }),
  testEntry({
    id: "notes-source",
    title: "Notes from source",
    description: "Keeps notes in a knowledge graph.",
    launch_method: "none",
    repo_url: "https://github.com/acme/notes-mcp",
  }),
];

interface Brief {
  id: string;
  runs: string;
  mark?: string;
}

async function find(
  t: { call(name: string, args?: Record<string, unknown>): Promise<Json> },
  args: Record<string, unknown>,
): Promise<{ text: string; results: Brief[] }> {
  const result = await t.call("registry-find", {
    query: "notes knowledge graph",
    source: "test",
    ...args,
  });
  equal(result.isError, undefined, textOf(result));
  return { text: textOf(result), results: result.structuredContent.results };
}

Deno.test({
  name: "registry-find shows, ranks and filters by what starting servers taught",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "run_marks_test_" });
    try {
      {
        await using t = await openTestRegistry({ dir, entries: ENTRIES });
        const before = await find(t, {});
        equal(before.results.map((r) => r.mark), [undefined, undefined, undefined, undefined]);
        equal(before.results.find((r) => r.id === "notes-source")?.runs, "build");
        ok(/notes-source .*\[needs a build\]/.test(before.text), before.text);

        equal((await t.call("registry-add", { id: "notes-good" })).isError, undefined);
        const crash = await t.call("registry-add", {
          id: "notes-crash",
          config: { "notes-crash.token": SECRET },
        });
        equal(crash.isError, true);
        equal((await t.call("registry-add", { id: "notes-unpullable" })).isError, true);

        const marks = t.registry.context.runMarks!;
        equal(marks.get("notes-good")?.state, "verified");
        equal(marks.get("notes-crash")?.state, "failed");
        equal(marks.get("notes-unpullable"), undefined, "it never ran: nothing is known of it");
        const reason = marks.get("notes-crash")!.reason!;
        ok(!reason.includes(SECRET), `the secret is in the mark: ${reason}`);
        ok(!reason.includes("\n") && !reason.includes("\x1b"), reason);
        // The first line of the error, and what the server said: why it did not come up.
        match(reason, /^notes-crash did not start: .*; its output: cannot open the notes store/);
        match(textOf(crash), /cannot open the notes store/);
      }
      // A new registry process over the same data folder: the marks were kept in its Kv.
      await using t = await openTestRegistry({ dir, entries: ENTRIES });
      const after = await find(t, {});
      const today = new Date().toISOString().slice(0, 10);
      const byId = new Map(after.results.map((r) => [r.id, r]));
      equal(byId.get("notes-good")?.mark, `verified ${today}`);
      match(byId.get("notes-crash")?.mark ?? "", /^failed: /);
      ok(!after.text.includes(SECRET), after.text);
      match(after.text, new RegExp(`notes-good .*verified ${today}`));
      match(after.text, /notes-crash .*failed: /);
      // Equal text: the verified one first, the failed one below the one never tried.
      const order = after.results.map((r) => r.id);
      ok(order.indexOf("notes-good") < order.indexOf("notes-unpullable"), order.join());
      ok(order.indexOf("notes-unpullable") < order.indexOf("notes-crash"), order.join());

      const now = await find(t, { startable: "now" });
      equal(now.results.map((r) => r.id).sort(), ["notes-good", "notes-unpullable"]);
      const later = await find(t, { startable: "after-build" });
      equal(later.results.map((r) => r.id), ["notes-source"]);
      // registry-list shows the same marks, and filters alike.
      const listed: Json = await t.call("registry-list", { source: "test", startable: "now" });
      equal(
        listed.structuredContent.entries.map((e: Brief) => [e.id, e.mark]).sort(),
        [["notes-good", `verified ${today}`], ["notes-unpullable", undefined]],
      );
      const detail: Json = await t.call("registry-list", { id: "notes-crash" });
      equal(detail.structuredContent.entry.run_mark.state, "failed");
      match(textOf(detail), /failed: notes-crash did not start/);
      const bad = await t.call("registry-find", { query: "notes", startable: "soon" });
      equal(bad.isError, true);
      match(textOf(bad), /startable/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("`mcp-registry find` and `show` show the marks; `find --startable` filters by them", async () => {
  await using t = await cliFixture();
  const catalog = `${t.dir}/mine.yaml`;
  await Deno.writeTextFile(
    catalog,
    "name: gitnotes\ntype: server\nabout:\n  title: Git notes\n  description: Notes kept in " +
      "a git repository.\nsource:\n  project: https://github.com/acme/gitnotes\n",
  );
  await Deno.mkdir(t.dataDir, { recursive: true });
  const kv = await Deno.openKv(`${t.dataDir}/state.kv`);
  const store = new RunMarkStore(kv);
  await store.verified("github");
  await store.failed("gitlab", "gitlab did not start: Connection closed\nmore");
  kv.close();
  const env = { MCP_REGISTRY_CATALOGS: catalog, MCP_REGISTRY_SOURCES: "local,docker" };
  equal((await t.run(["refresh", "local"], { env })).code, 0);
  const today = new Date().toISOString().slice(0, 10);

  const json = await t.run(["find", "git", "--limit", "50", "--json"], { env });
  equal(json.code, 0, json.stderr);
  const found = JSON.parse(json.stdout).results as Json[];
  const byId = new Map(found.map((r) => [r.id, r]));
  equal(byId.get("github")?.run_mark?.state, "verified");
  equal(byId.get("gitlab")?.run_mark, {
    state: "failed",
    at: byId.get("gitlab")?.run_mark?.at,
    reason: "gitlab did not start: Connection closed",
  });
  equal(byId.get("gitnotes")?.launch_method, "build");
  equal(byId.get("git")?.run_mark, undefined);

  const text = (await t.run(["find", "git", "--limit", "50"], { env })).stdout;
  match(text, new RegExp(`github: .*verified ${today}`));
  match(text, /gitlab: .*failed: gitlab did not start: Connection closed/);
  match(text, /gitnotes: .*needs a build/);

  const now = JSON.parse(
    (await t.run(["find", "git", "--startable", "now", "--json"], { env }))
      .stdout,
  ).results as Json[];
  ok(now.some((r) => r.id === "github"));
  ok(!now.some((r) => r.id === "gitlab" || r.id === "gitnotes"), JSON.stringify(now));
  const later = await t.run(["find", "git", "--startable", "after-build", "--json"], { env });
  equal((JSON.parse(later.stdout).results as Json[]).map((r) => r.id), ["gitnotes"]);
  const bad = await t.run(["find", "git", "--startable", "soon"], { env });
  equal(bad.code, 2);
  match(bad.stderr, /--startable "soon" is none of now, after-build/);

  const shown = await t.run(["show", "github"], { env });
  match(shown.stdout, new RegExp(`Last start: +verified ${today}`));
  const source = await t.run(["show", "gitnotes"], { env });
  match(source.stdout, /Runs as: +a build from https:\/\/github.com\/acme\/gitnotes/);
  match(source.stdout, /Last start: +never tried here/);
  equal(
    JSON.parse((await t.run(["show", "gitlab", "--json"], { env })).stdout).run_mark.state,
    "failed",
  );
});
