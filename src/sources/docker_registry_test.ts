import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { CatalogEntrySchema } from "../catalog/entry.ts";
import { loadDockerServers } from "./docker_registry.ts";
import { DOCKER_FIXTURES as FIXTURES } from "../../tests/_helpers/fixtures.ts";

Deno.test("loadDockerServers() loads all 328 servers of the real registry", async () => {
  const { entries, errors, warnings } = await loadDockerServers(FIXTURES);
  equal(entries.length, 328);
  deepEqual(errors, []);
  for (const entry of entries) CatalogEntrySchema.parse(entry);
  equal(new Set(entries.map((e) => e.id)).size, 328, "ids are unique");
  const byId = new Map(entries.map((e) => [e.id, e]));
  // The three files that break the schema load, each with its warning.
  for (const id of ["kgrag-mcp-server", "novita", "uberall"]) {
    ok(byId.get(id)!.warnings.length > 0, `${id} carries its warning`);
    ok(warnings.some((w) => w.includes(`servers/${id}/`)), `${id} warning reported`);
  }
  equal(byId.get("sqlite")!.name, "SQLite");
  equal(byId.get("memory")!.container_image, "mcp/memory");
  equal(byId.get("memory")!.official, true);
  equal(byId.get("notion-remote")!.launch_method, "remote-http");
  equal(byId.get("curl")!.launch_method, "podman");
  equal(byId.get("github-official")!.requires_api_key, true);
  // Keys supplied through env items or their parameters count as keys too.
  for (
    const id of [
      "novita",
      "dreamfactory-mcp",
      "mcp-github-pr-issue-analyser",
      "quantconnect",
      "kgrag-mcp-server",
      "smartbear",
      "temporal",
    ]
  ) equal(byId.get(id)!.requires_api_key, true, id);
  equal(byId.get("cloud-run-mcp")!.requires_api_key, false, "a fixed credentials path is no key");
  // The key rule (isSecretName): APOLLO_KEY and API_1_HEADER_AUTHORIZATION are keys;
  // NEO4J_RESPONSE_TOKEN_LIMIT, PROXMOX_TOKEN_NAME and a *_TOKEN_URL are not.
  equal(byId.get("apollo-mcp-server")!.requires_api_key, true);
  equal(entries.filter((e) => e.requires_api_key).length, 213);
  const remote = entries.filter((e) => e.launch_method === "remote-http").length;
  equal(remote, 76);
  ok(entries.filter((e) => e.tools.length > 0).length >= 28, "tools.json files are read");
});

Deno.test("loadDockerServers() gives the same ids on every load", async () => {
  const a = await loadDockerServers(FIXTURES, "t");
  const b = await loadDockerServers(FIXTURES, "t");
  deepEqual(a.entries, b.entries);
});

Deno.test("loadDockerServers() reports an unreadable file and loads the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/servers/good`, { recursive: true });
    await Deno.mkdir(`${dir}/servers/bad`, { recursive: true });
    await Deno.mkdir(`${dir}/servers/empty-folder`, { recursive: true });
    await Deno.writeTextFile(`${dir}/servers/good/server.yaml`, "name: good\nimage: mcp/good\n");
    await Deno.writeTextFile(`${dir}/servers/bad/server.yaml`, "name: [broken\n");
    const { entries, errors } = await loadDockerServers(dir);
    deepEqual(entries.map((e) => e.id), ["good"]);
    equal(errors.length, 1);
    ok(errors[0]!.startsWith("servers/bad/server.yaml: Cannot parse"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadDockerServers() names the folder it cannot read", async () => {
  await rejects(loadDockerServers("/nonexistent/checkout"), /\/nonexistent\/checkout\/servers/);
});

/** A temp checkout holding `files` (paths relative to it); removed on dispose. */
async function tempRepo(files: Record<string, string>) {
  const dir = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path.replace(/\/[^/]+$/, "")}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("loadDockerServers() survives empty names and keys in any file", async () => {
  await using repo = await tempRepo({
    "servers/good/server.yaml": "name: good\nimage: mcp/good\n",
    "servers/secret/server.yaml":
      "name: secret\nimage: mcp/s\nconfig:\n  secrets:\n    - { name: secret.key, env: '' }\n",
    "servers/env/server.yaml":
      "name: env\nimage: mcp/e\nconfig:\n  env:\n    - { name: '', value: v }\n",
    "servers/poci/server.yaml":
      "name: poci\ntype: poci\ntools:\n  - { name: '', container: { image: alpine } }\n",
    "servers/listed/server.yaml": "name: listed\nimage: mcp/l\n",
    "servers/listed/tools.json": '[{ "name": "" }, { "name": "kept" }]',
  });
  const { entries, errors, warnings } = await loadDockerServers(repo.dir);
  deepEqual(entries.map((e) => e.id), ["env", "good", "listed", "poci", "secret"]);
  deepEqual(errors, []);
  deepEqual(entries.find((e) => e.id === "listed")!.tools.map((t) => t.name), ["kept"]);
  equal(warnings.filter((w) => /must not be empty/.test(w)).length, 4, warnings.join("\n"));
});

Deno.test("loadDockerServers() reports an entry the catalog schema refuses on one line", async () => {
  await using repo = await tempRepo({
    "servers/a/server.yaml": "name: a\nimage: mcp/a\n",
    "servers/b/server.yaml": "name: b\nimage: mcp/b\n",
  });
  // A caller's slip (a Date, not an ISO string) breaks every entry; each is reported, no throw.
  const { entries, errors } = await loadDockerServers(repo.dir, {
    refreshedAt: new Date() as unknown as string,
  });
  deepEqual(entries, []);
  equal(errors.length, 2);
  for (const error of errors) {
    match(error, /^servers\/[ab]\/server\.yaml: Cannot load "[ab]": 'last_refreshed': .*string/);
    ok(!error.includes("\n") && error.length < 200, error);
  }
});

Deno.test("loadDockerServers() builds ids from folders, so adding a clashing one renames nothing", async () => {
  await using before = await tempRepo({
    "servers/my-db/server.yaml": "name: my-db\nimage: mcp/x\n",
    "servers/SQLite/server.yaml": "name: SQLite\nimage: mcp/sqlite\n",
  });
  await using after = await tempRepo({
    "servers/my-db/server.yaml": "name: my-db\nimage: mcp/x\n",
    "servers/My_DB/server.yaml": "name: My_DB\nimage: vendor/y\n",
    "servers/SQLite/server.yaml": "name: SQLite\nimage: mcp/sqlite\n",
  });
  const ids = async (dir: string) =>
    (await loadDockerServers(dir)).entries.map((e) => `${e.id}<-${e.container_image}`);
  deepEqual(await ids(before.dir), ["my-db<-mcp/x", "sqlite<-mcp/sqlite"]);
  deepEqual(await ids(after.dir), ["my-db<-mcp/x", "my-db-2<-vendor/y", "sqlite<-mcp/sqlite"]);
});

Deno.test("loadDockerServers() keeps two folders that share a yaml name", async () => {
  await using repo = await tempRepo({
    "servers/a/server.yaml": "name: same\nimage: mcp/a\nrun: { command: ['{{same.x}}'] }\n",
    "servers/b/server.yaml": "name: same\nimage: mcp/b\n",
  });
  const { entries, errors } = await loadDockerServers(repo.dir);
  deepEqual(errors, []);
  deepEqual(entries.map((e) => [e.id, e.name, e.container_image]), [
    ["a", "same", "mcp/a"],
    ["b", "same", "mcp/b"],
  ]);
});

Deno.test("loadDockerServers() follows no symlink out of the checkout", async () => {
  await using outside = await tempRepo({
    "secret/server.yaml": "name: stolen\nimage: mcp/stolen\n",
    "secret/tools.json": '[{ "name": "stolen" }]',
  });
  await using repo = await tempRepo({
    "servers/good/server.yaml": "name: good\nimage: mcp/good\n",
    "servers/tools/server.yaml": "name: tools\nimage: mcp/tools\n",
    "servers/inside/real.yaml": "name: inside\nimage: mcp/inside\n",
  });
  await Deno.mkdir(`${repo.dir}/servers/yaml`);
  await Deno.symlink(`${outside.dir}/secret/server.yaml`, `${repo.dir}/servers/yaml/server.yaml`);
  await Deno.symlink(`${outside.dir}/secret/tools.json`, `${repo.dir}/servers/tools/tools.json`);
  await Deno.symlink(`${outside.dir}/secret`, `${repo.dir}/servers/folder`);
  await Deno.symlink("real.yaml", `${repo.dir}/servers/inside/server.yaml`);
  const { entries, errors } = await loadDockerServers(repo.dir);
  deepEqual(entries.map((e) => e.name), ["good", "inside", "tools"], "no 'stolen'");
  deepEqual(entries.find((e) => e.name === "tools")!.tools, []);
  deepEqual(errors, [
    "servers/folder: skipped: a symlink that leads out of the checkout",
    "servers/tools/tools.json: skipped: a symlink that leads out of the checkout",
    "servers/yaml/server.yaml: skipped: a symlink that leads out of the checkout",
  ]);
});

Deno.test("loadDockerServers() reads at most 32 files at once", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 100; i++) files[`servers/s${i}/server.yaml`] = `name: s${i}\nimage: mcp/s\n`;
  await using repo = await tempRepo(files);
  const readTextFile = Deno.readTextFile;
  let inFlight = 0;
  let most = 0;
  Deno.readTextFile = async (...args: Parameters<typeof Deno.readTextFile>) => {
    most = Math.max(most, ++inFlight);
    try {
      await new Promise((done) => setTimeout(done, 2));
      return await readTextFile(...args);
    } finally {
      inFlight--;
    }
  };
  try {
    const { entries } = await loadDockerServers(repo.dir);
    equal(entries.length, 100);
  } finally {
    Deno.readTextFile = readTextFile;
  }
  ok(most > 1 && most <= 32, `${most} files at once`);
});
