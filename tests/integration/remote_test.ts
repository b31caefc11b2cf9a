/**
 * Remote servers: real SDK servers over Streamable HTTP and SSE on 127.0.0.1, activated from
 * catalog entries, with a header secret the server checks.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { sseServer, streamableServer } from "../_helpers/remote_server.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function remoteEntry(id: string, url: string, fields: Record<string, unknown> = {}) {
  return testEntry({
    id,
    launch_method: "remote-http",
    remote: { url, transport: "streamable-http", headers: {} },
    ...fields,
  } as Json);
}

Deno.test("a Streamable HTTP server with a header secret: add, call directly and via exec, remove", async () => {
  const token = `tok-${crypto.randomUUID()}`;
  await using server = streamableServer(token);
  const entry = remoteEntry("remote-echo", server.url, {
    remote: {
      url: server.url,
      transport: "streamable-http",
      headers: { Authorization: "Bearer ${REMOTE_TOKEN}" },
    },
    config: { secrets: [{ name: "remote-echo.token", env: "REMOTE_TOKEN" }] },
  });
  await using t = await openTestRegistry({ entries: [entry] });

  const missing = await t.call("registry-add", { id: "remote-echo" });
  equal(missing.isError, true);
  match(textOf(missing), /remote-echo\.token: secret/);

  const added = await t.call("registry-add", {
    id: "remote-echo",
    config: { "remote-echo.token": token },
  });
  equal(added.isError, undefined, textOf(added));
  const tools = (added.structuredContent as Json).tools.map((x: Json) => x.name).sort();
  deepEqual(tools, ["remote-echo__add", "remote-echo__echo"]);
  ok(server.seenAuth.every((a) => a === `Bearer ${token}`), "every request carried the token");

  equal(textOf(await t.call("remote-echo__echo", { message: "hi" })), "streamable: hi");
  const sum = await t.call("registry-exec", {
    id: "remote-echo",
    tool: "add",
    arguments: { a: 2, b: 40 },
  });
  deepEqual(sum.structuredContent, { sum: 42 });
  const active = ((await t.call("registry-active")).structuredContent as Json).servers[0];
  equal(active.url, server.url);
  equal(active.container, "");

  const all = JSON.stringify([added, sum, await t.call("registry-active")]) + t.logs.join("\n");
  ok(!all.includes(token), "the token is in no result and no log line");

  equal((await t.call("registry-remove", { id: "remote-echo" })).isError, undefined);
  ok(!(await t.client.listTools()).tools.some((x) => x.name.startsWith("remote-echo__")));
});

Deno.test("a wrong key is named as the problem; a server that is down is a clear error", async () => {
  await using server = streamableServer("right");
  const entry = remoteEntry("remote-locked", server.url, {
    remote: {
      url: server.url,
      transport: "streamable-http",
      headers: { Authorization: "Bearer ${KEY}" },
    },
    config: { secrets: [{ name: "remote-locked.key", env: "KEY" }] },
  });
  // A port that was free a moment ago: nothing listens there.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const freePort = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const down = remoteEntry("remote-down", `http://127.0.0.1:${freePort}/mcp`);
  await using t = await openTestRegistry({ entries: [entry, down] });
  const wrong = await t.call("registry-add", {
    id: "remote-locked",
    config: { "remote-locked.key": "wrong-key-value" },
  });
  equal(wrong.isError, true);
  match(textOf(wrong), /refused the credentials.*registry-config-set/s);
  ok(!textOf(wrong).includes("wrong-key-value"));

  const started = performance.now();
  const unreachable = await t.call("registry-add", { id: "remote-down" });
  equal(unreachable.isError, true);
  match(textOf(unreachable), new RegExp(`cannot reach http://127\\.0\\.0\\.1:${freePort}/mcp`));
  ok(performance.now() - started < 10_000, "no hang");
});

Deno.test("an SSE-only server is reached through the SSE fallback", async () => {
  await using server = await sseServer();
  const entry = remoteEntry("remote-sse", server.url);
  await using t = await openTestRegistry({ entries: [entry] });
  const added = await t.call("registry-add", { id: "remote-sse" });
  equal(added.isError, undefined, textOf(added));
  equal(textOf(await t.call("remote-sse__echo", { message: "old school" })), "sse: old school");
  await t.call("registry-remove", { id: "remote-sse" });
});

Deno.test("plain http beyond this machine is refused; OAuth entries say what to do", async () => {
  const insecure = remoteEntry("remote-plain", "http://example.com/mcp");
  const oauth = remoteEntry("remote-oauth", "https://example.com/mcp", {
    oauth: [{ provider: "example", secret: "remote-oauth.token", env: "EXAMPLE_TOKEN" }],
  });
  await using t = await openTestRegistry({ entries: [insecure, oauth] });
  const plain = await t.call("registry-add", { id: "remote-plain" });
  match(textOf(plain), /plain http .* MCP_REGISTRY_ALLOW_INSECURE_REMOTES=1/s);
  const signin = await t.call("registry-add", { id: "remote-oauth" });
  equal(signin.isError, true);
  match(textOf(signin), /signs in with OAuth \(example\)/);
  match(
    textOf(signin),
    /registry-config-set \{"id":"remote-oauth","values":\{"remote-oauth\.token"/,
  );
  // The real catalog's OAuth entries answer the same way.
  const notion = await t.call("registry-add", { id: "notion-remote" });
  match(textOf(notion), /signs in with OAuth/);
});

Deno.test("a secret a failing remote repeats in its error never reaches the agent", async () => {
  const secret = "echoed-by-upstream-9931";
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    return new Response(`bad token: ${request.headers.get("authorization")}`, { status: 500 });
  });
  try {
    const entry = remoteEntry("echoing", `http://127.0.0.1:${upstream.addr.port}/mcp`, {
      remote: {
        url: `http://127.0.0.1:${upstream.addr.port}/mcp`,
        transport: "streamable-http",
        headers: { Authorization: "Bearer ${ECHO_TOKEN}" },
      },
      config: { env: [], secrets: [{ name: "echoing.token", env: "ECHO_TOKEN" }] },
    });
    await using t = await openTestRegistry({ entries: [entry] });
    const added = await t.call("registry-add", {
      id: "echoing",
      config: { "echoing.token": secret },
    });
    equal(added.isError, true);
    match(textOf(added), /\*{8}/, "the error still says what the server answered, masked");
    ok(!JSON.stringify(added).includes(secret), textOf(added));
    const active = await t.call("registry-active");
    ok(!JSON.stringify(active).includes(secret));
  } finally {
    await upstream.shutdown();
  }
});
