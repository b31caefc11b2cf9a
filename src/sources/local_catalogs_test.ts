import { deepEqual, equal, match, notEqual, ok, rejects } from "node:assert/strict";
import { CatalogEntrySchema } from "../catalog/entry.ts";
import { loadLocalCatalogs, LocalCatalogsSource } from "./local_catalogs.ts";
import { DOCKER_FIXTURES as DOCKER } from "../../tests/_helpers/fixtures.ts";

const at = "2026-01-01T00:00:00.000Z";

/** A temp folder, removed at the end of the test. */
async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "mcp-registry-local-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Writes `files` (relative path → text) under `root`. */
async function write(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
}

const NOTES = "name: notes\nimage: ghcr.io/me/notes-mcp:1.2\ntype: server\n" +
  "about:\n  title: My notes\n  description: Notes on disk.\n";

Deno.test("loadLocalCatalogs() reads one file as one server", async () => {
  await using dir = await tempDir();
  await write(dir.path, { "notes.yaml": NOTES });
  const { entries, errors, warnings, revision } = await loadLocalCatalogs(
    [`${dir.path}/notes.yaml`],
    { refreshedAt: at },
  );
  deepEqual(errors, []);
  deepEqual(warnings, []);
  equal(entries.length, 1);
  const notes = CatalogEntrySchema.parse(entries[0]);
  equal(notes.id, "notes");
  equal(notes.title, "My notes");
  equal(notes.source, "local");
  deepEqual(notes.sources, ["local"]);
  deepEqual(notes.links, {}, "no Docker hub page for the user's own server");
  equal(notes.container_image, "ghcr.io/me/notes-mcp:1.2");
  equal(notes.launch_method, "podman");
  equal(notes.last_refreshed, at);
  match(revision ?? "", /^[0-9a-f]{12}$/);
});

Deno.test("loadLocalCatalogs() reads a folder recursively, skipping dot folders", async () => {
  await using dir = await tempDir();
  await write(dir.path, {
    "a.yaml": "name: alpha\nimage: me/alpha\n",
    "team/b.yml": "name: beta\ntype: remote\nremote: { url: https://beta.example/mcp }\n",
    "team/deeper/unnamed.yaml": "image: me/unnamed\n",
    "team/README.md": "# not a catalog\n",
    ".github/workflows/ci.yml": "on: push\n",
  });
  const { entries, errors, warnings } = await loadLocalCatalogs([dir.path]);
  deepEqual(errors, []);
  deepEqual(entries.map((e) => e.id), ["alpha", "beta", "unnamed"]);
  equal(entries.find((e) => e.id === "beta")!.launch_method, "remote-http");
  deepEqual(warnings, [
    `${dir.path}/team/deeper/unnamed.yaml: missing 'name', used the folder name "unnamed"`,
  ]);
});

Deno.test("loadLocalCatalogs() reads a docker-style servers/ layout with tools.json", async () => {
  await using dir = await tempDir();
  for (const name of ["memory", "alfresco"]) {
    await Deno.mkdir(`${dir.path}/servers/${name}`, { recursive: true });
    for (const file of Deno.readDirSync(`${DOCKER}/servers/${name}`)) {
      await Deno.copyFile(
        `${DOCKER}/servers/${name}/${file.name}`,
        `${dir.path}/servers/${name}/${file.name}`,
      );
    }
  }
  // Beside a server.yaml, other YAML files and subfolders are the server's own business.
  await write(dir.path, {
    "servers/memory/compose.yaml": "services: {}\n",
    "servers/memory/sub/x.yaml": "name: never-read\n",
  });
  const { entries, errors } = await loadLocalCatalogs([dir.path]);
  deepEqual(errors, []);
  deepEqual(entries.map((e) => e.id), ["alfresco", "memory"]);
  const alfresco = entries.find((e) => e.id === "alfresco")!;
  ok(alfresco.tools.length > 0, "tools.json read");
  equal(entries.find((e) => e.id === "memory")!.repo_subfolder, "src/memory");
  ok(entries.every((e) => e.source === "local" && Object.keys(e.links).length === 0));

  // A server folder given directly reads the same way.
  const one = await loadLocalCatalogs([`${dir.path}/servers/alfresco`]);
  deepEqual(one.entries.map((e) => e.tools.length), [alfresco.tools.length]);
});

Deno.test("loadLocalCatalogs() reads several documents of one file", async () => {
  await using dir = await tempDir();
  await write(dir.path, {
    "many.yaml": `# my servers\n---\n${NOTES}---\nname: todo\nimage: me/todo\n---\n# the end\n`,
    "mixed.yaml": "name: good\nimage: me/good\n---\nname: [broken\n---\nimage: me/nameless\n",
  });
  const { entries, errors, warnings } = await loadLocalCatalogs([
    `${dir.path}/many.yaml`,
    `${dir.path}/mixed.yaml`,
  ]);
  deepEqual(entries.map((e) => e.id), ["good", "mixed-3", "notes", "todo"]);
  equal(errors.length, 1);
  match(
    errors[0]!,
    /mixed\.yaml \(document 2\): Cannot parse server\.yaml "mixed-2": .*fix the file/,
  );
  deepEqual(warnings, [
    `${dir.path}/mixed.yaml (document 3): missing 'name', used the folder name "mixed-3"`,
  ]);
});

Deno.test("loadLocalCatalogs() reports a missing path and a broken file, and loads the rest", async () => {
  await using dir = await tempDir();
  await write(dir.path, {
    "good.yaml": NOTES,
    "folder/broken.yaml": "name: broken\nimage: [unclosed\n",
    "folder/fine.yaml": "name: fine\nimage: me/fine\n",
    "folder/list.yaml": "- not\n- a mapping\n",
  });
  const missing = `${dir.path}/nowhere.yaml`;
  const { entries, errors } = await loadLocalCatalogs([
    missing,
    `${dir.path}/good.yaml`,
    `${dir.path}/folder`,
  ]);
  deepEqual(entries.map((e) => e.id), ["fine", "notes"]);
  equal(errors.length, 3);
  equal(
    errors[0],
    `${missing}: Cannot read: no such file or folder; fix or remove it in MCP_REGISTRY_CATALOGS`,
  );
  match(errors[1]!, /folder\/broken\.yaml: Cannot parse server\.yaml "broken": .*; fix the file/);
  match(errors[2]!, /folder\/list\.yaml: .*expected a mapping at the top/);
});

Deno.test("loadLocalCatalogs() throws naming each path's problem when nothing loads", async () => {
  await using dir = await tempDir();
  await write(dir.path, { "broken.yaml": "name: [x\n", "empty/.keep": "" });
  await rejects(
    loadLocalCatalogs([`${dir.path}/broken.yaml`, `${dir.path}/empty`, `${dir.path}/gone`]),
    (error: Error) => {
      match(error.message, /^No server loaded from the local catalogs: /);
      match(error.message, /broken\.yaml: .*Cannot parse server\.yaml "broken"/);
      match(error.message, /empty: it holds no \*\.yaml or \*\.yml file/);
      match(error.message, /gone: Cannot read: no such file or folder/);
      return true;
    },
  );
});

Deno.test("loadLocalCatalogs() keeps the first of two servers with one name", async () => {
  await using dir = await tempDir();
  await write(dir.path, {
    "first/notes.yaml": NOTES,
    "second/notes.yaml": NOTES.replace("My notes", "Other notes"),
    "second/Notes.yaml": "name: Notes\nimage: me/x\n",
  });
  const { entries, errors } = await loadLocalCatalogs([`${dir.path}/first`, `${dir.path}/second`]);
  deepEqual(entries.map((e) => [e.id, e.title]), [["notes", "My notes"], ["notes-2", "Notes"]]);
  deepEqual(errors, [
    `${dir.path}/second/notes.yaml: Cannot load "notes": ${dir.path}/first/notes.yaml already ` +
    "has a server of that name; rename one of them",
  ]);
});

Deno.test("loadLocalCatalogs() follows symlinks and survives a symlink loop", async () => {
  await using dir = await tempDir();
  await using elsewhere = await tempDir();
  await write(elsewhere.path, { "linked.yaml": "name: linked\nimage: me/linked\n" });
  await write(dir.path, { "cat/own.yaml": "name: own\nimage: me/own\n" });
  await Deno.symlink(elsewhere.path, `${dir.path}/cat/outside`);
  await Deno.symlink(`${dir.path}/cat`, `${dir.path}/cat/loop`);
  await Deno.symlink(`${dir.path}/nothing.yaml`, `${dir.path}/cat/dangling.yaml`);
  const { entries, errors } = await loadLocalCatalogs([`${dir.path}/cat`]);
  deepEqual(entries.map((e) => e.id), ["linked", "own"]);
  deepEqual(errors, [
    `${dir.path}/cat/dangling.yaml: Cannot read: a broken symlink; fix or remove it`,
  ]);
});

Deno.test("LocalCatalogsSource re-reads its files; the revision changes with them", async () => {
  await using dir = await tempDir();
  await write(dir.path, {
    "a.yaml": "name: a\nimage: me/a\n",
    "b/b.yaml": "name: b\nimage: me/b\n",
  });
  const source = new LocalCatalogsSource({ paths: [`${dir.path}/a.yaml`, `${dir.path}/b`] });
  equal(source.name, "local");
  equal(source.cheap, true);
  equal(source.location, `${dir.path}/a.yaml, ${dir.path}/b`);
  const first = await source.refresh();
  const again = await source.refresh();
  equal(again.revision, first.revision, "same files, same revision");

  await write(dir.path, { "b/b.yaml": "name: b\nimage: me/b:2\n" });
  const changed = await source.refresh();
  notEqual(changed.revision, first.revision);
  equal(changed.entries.find((e) => e.id === "b")!.container_image, "me/b:2");

  await write(dir.path, { "b/c.yaml": "name: c\nimage: me/c\n" });
  const added = await source.refresh();
  notEqual(added.revision, changed.revision);
  deepEqual(added.entries.map((e) => e.id), ["a", "b", "c"]);

  await Deno.remove(`${dir.path}/b/c.yaml`);
  deepEqual((await source.refresh()).revision, changed.revision, "back as it was");
});

Deno.test("LocalCatalogsSource gives back its last refresh unread while no file changed", async () => {
  await using dir = await tempDir();
  await write(dir.path, { "a.yaml": "name: a\nimage: me/a\n", "b/tools.json": "[]" });
  await write(dir.path, { "b/server.yaml": "name: b\nimage: me/b\n" });
  const source = new LocalCatalogsSource({ paths: [`${dir.path}/a.yaml`, `${dir.path}/b`] });
  const first = await source.refresh();
  ok(first.cursor, "a stamp of the files");
  const previous = (seen: typeof first) => ({
    entries: seen.entries,
    revision: seen.revision,
    cursor: seen.cursor ?? null,
    refreshedAt: at,
  });
  // Unchanged: the previous entries come back (a marker proves they were not read again).
  const marked = { ...first, entries: first.entries.map((e) => ({ ...e, title: "unread" })) };
  const unchanged = await source.refresh({ previous: previous(marked) });
  deepEqual(unchanged.entries.map((e) => e.title), ["unread", "unread"]);
  equal(unchanged.revision, first.revision);
  equal(unchanged.cursor, first.cursor);
  // A changed file, or a changed tools.json beside a server.yaml, is read again.
  await write(dir.path, { "b/tools.json": '[{"name": "t"}]' });
  const tools = await source.refresh({ previous: previous(marked) });
  notEqual(tools.cursor, first.cursor);
  deepEqual(tools.entries.find((e) => e.id === "b")!.tools.map((t) => t.name), ["t"]);
  await write(dir.path, { "a.yaml": "name: a\nimage: me/a:2\n" });
  const changed = await source.refresh({ previous: previous(tools) });
  equal(changed.entries.find((e) => e.id === "a")!.container_image, "me/a:2");
});

Deno.test("LocalCatalogsSource reads again files that loaded with errors", async () => {
  await using dir = await tempDir();
  await write(dir.path, { "a.yaml": "name: a\nimage: me/a\n", "bad.yaml": "name: [\n" });
  const source = new LocalCatalogsSource({ paths: [dir.path] });
  const first = await source.refresh();
  equal(first.errors.length, 1);
  equal(first.cursor, null);
});

Deno.test("LocalCatalogsSource stops when the signal aborts", async () => {
  await using dir = await tempDir();
  await write(dir.path, { "a.yaml": "name: a\nimage: me/a\n" });
  const source = new LocalCatalogsSource({ paths: [dir.path] });
  await rejects(source.refresh({ signal: AbortSignal.abort() }));
});
