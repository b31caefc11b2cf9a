import { deepEqual, equal, match, ok } from "node:assert/strict";
import { closedPort, serveLocal, tempDir } from "../../../tests/_helpers/doctor.ts";
import { runGit } from "../../sources/git.ts";
import { checkCatalogs, checkGitSource, checkHttpSource } from "./sources.ts";

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
  await using server = serveLocal((request) => {
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
  await using server = serveLocal(async () => {
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
