/**
 * The registry over Streamable HTTP: real SDK clients, the token, Host/Origin checks, and
 * list_changed to every session.
 */
import { equal, match, ok } from "node:assert/strict";
import { generateToken, serveHttp } from "../../src/http/serve_http.ts";
import { ToolListChangedNotificationSchema } from "../../src/mcp/sdk.ts";
import { Client, StreamableHTTPClientTransport } from "../../src/mcp/sdk_client.ts";
import { initializeRequest, registryEnv, spawnHttpRegistry } from "../_helpers/processes.ts";
import { streamableServer } from "../_helpers/remote_server.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function httpClient(url: string, token: string) {
  const client = new Client({ name: "http-test", version: "1" });
  let changed = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changed++;
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  return { client, changed: () => changed };
}

Deno.test("two HTTP clients share the registry and both hear of tool-list changes", async () => {
  await using upstream = streamableServer(null);
  const entry = testEntry({
    id: "remote-echo",
    launch_method: "remote-http",
    remote: { url: upstream.url, transport: "streamable-http", headers: {} },
  } as Json);
  await using t = await openTestRegistry({ entries: [entry] });
  const token = generateToken();
  await using endpoint = await serveHttp(t.registry, { port: 0, token, log: t.registry.log });
  const a = await httpClient(endpoint.url, token);
  const b = await httpClient(endpoint.url, token);
  try {
    equal(endpoint.sessions(), 2);
    const found = await a.client.callTool({ name: "registry-find", arguments: { query: "slak" } });
    equal((found.structuredContent as Json).results[0].id, "slack");

    const added = await a.client.callTool({
      name: "registry-add",
      arguments: { id: "remote-echo" },
    });
    equal(added.isError, undefined, JSON.stringify(added.content));
    for (let i = 0; i < 50 && (a.changed() === 0 || b.changed() === 0); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    ok(a.changed() > 0 && b.changed() > 0, "both sessions got tools/list_changed");
    const echoed = await b.client.callTool({
      name: "remote-echo__echo",
      arguments: { message: "hi" },
    });
    equal((echoed.content as Json)[0].text, "streamable: hi", "b uses what a added");
  } finally {
    await a.client.close();
    await b.client.close();
  }
});

Deno.test("HTTP requests without the token, or with a foreign Host or Origin, are refused", async () => {
  await using t = await openTestRegistry();
  const token = generateToken();
  await using endpoint = await serveHttp(t.registry, { port: 0, token, log: t.registry.log });
  const init = initializeRequest();
  const post = (headers: Record<string, string>) =>
    fetch(endpoint.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...headers,
      },
      body: init,
    });
  const none = await post({});
  equal(none.status, 401);
  match(await none.text(), /Authorization: Bearer <token>/);
  const wrong = await post({ authorization: "Bearer not-the-token" });
  equal(wrong.status, 401);
  await wrong.body?.cancel();
  const origin = await post({ authorization: `Bearer ${token}`, origin: "https://evil.example" });
  equal(origin.status, 403);
  match(await origin.text(), /Origin "https:\/\/evil\.example" may not use this registry/);
  // fetch() will not send a foreign Host, a rebinding browser does: speak HTTP by hand.
  const port = Number(new URL(endpoint.url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `POST /mcp HTTP/1.1\r\nHost: evil.example:${port}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${init.length}\r\n` +
      `Connection: close\r\n\r\n${init}`,
  ));
  const raw = new TextDecoder().decode(
    new Uint8Array(await new Response(conn.readable).arrayBuffer()),
  );
  match(raw, /^HTTP\/1\.1 403/);
  match(raw, /Host "evil\.example:\d+" is not this registry's address/);
  const good = await post({
    authorization: `Bearer ${token}`,
    origin: new URL(endpoint.url).origin,
  });
  equal(good.status, 200);
  await good.body?.cancel();
  const client = await httpClient(endpoint.url, "also-wrong").catch((e: Error) => e);
  ok(client instanceof Error, "the SDK client is refused without the token too");
});

Deno.test("`serve --http` prints its address and token, answers, and stops cleanly on SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const registry = await spawnHttpRegistry(registryEnv(dir));
    ok(registry.url && registry.token, registry.banner);
    const { client } = await httpClient(registry.url, registry.token);
    const status = await client.callTool({ name: "registry-status", arguments: {} });
    match(textOf(status as Json), /328 servers in the catalog/);
    await client.close();
    const { code, signal } = await registry.stop();
    equal(signal, null);
    equal(code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
