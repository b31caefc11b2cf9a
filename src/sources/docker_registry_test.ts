import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { CatalogEntrySchema } from "../catalog/entry.ts";
import { loadDockerServers } from "./docker_registry.ts";

const FIXTURES = new URL("../../../shared/fixtures/docker-mcp-registry", import.meta.url).pathname;

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
