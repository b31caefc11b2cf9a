/**
 * The web page's defences over real HTTP on 127.0.0.1, each found by trying it against a running
 * registry: bodies too large to buffer, secrets repeated by an upstream, event streams that miss
 * changes, request targets that name another host, and the ways around the sign-in that stay shut.
 */
import { equal, match, ok } from "node:assert/strict";
import { testEntry } from "../_helpers/registry.ts";
import { openWeb, serverSentEvents } from "../_helpers/web.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Sends `request` (CRLF line ends) on a raw connection; the status line and the body. */
async function raw(base: string, request: string): Promise<{ status: string; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(base).port) });
  try {
    await conn.write(new TextEncoder().encode(request.replaceAll("\n", "\r\n")));
    const text = await new Response(conn.readable).text();
    const [head = "", body = ""] = text.split("\r\n\r\n");
    return { status: head.split("\r\n")[0] ?? "", body };
  } catch {
    return { status: "", body: "" };
  }
}

/** Collects a stream's server-sent events into `seen` until it is cancelled. */
function collectEvents(response: Response, seen: { event: string; data: Json }[]) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    try {
      for await (const item of serverSentEvents(reader)) seen.push(item);
    } catch { /* cancelled or closed: the events so far are what counts */ }
  })();
  return {
    async stop() {
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a chunked body over the limit is refused once it passes 256 KiB, not read whole", async () => {
  await using web = await openWeb();
  const { host } = new URL(web.base);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(web.base).port) });
  const head = `PUT /api/entries/memory/config HTTP/1.1\r\nHost: ${host}\r\n` +
    `Authorization: Bearer ${web.token}\r\nOrigin: ${web.base}\r\n` +
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  let answered = false;
  const answer = (async () => {
    let text = "";
    const decoder = new TextDecoder();
    try {
      for await (const bytes of conn.readable) {
        answered = true;
        text += decoder.decode(bytes, { stream: true });
      }
    } catch { /* reset: what came is enough */ }
    answered = true;
    return text;
  })();
  await conn.write(new TextEncoder().encode(head));
  const chunk = new TextEncoder().encode(`10000\r\n${"a".repeat(0x10000)}\r\n`);
  let sent = 0;
  const limit = 64 * 1024 * 1024; // what a registry reading it whole would have to hold
  try {
    while (!answered && sent < limit) {
      await conn.write(chunk);
      sent += 0x10000;
    }
  } catch { /* the registry closed the connection: it stopped reading */ }
  await sleep(200);
  try {
    conn.close();
  } catch { /* closed by the registry */ }
  const text = await answer;
  match(text, /^HTTP\/1\.1 413 /, text.slice(0, 200));
  match(text, /The body is over 262144 bytes/);
  ok(sent < limit, `the registry read all ${sent} bytes before refusing`);
});

Deno.test("a body at the limit in chunks is read, one over it is refused", async () => {
  await using web = await openWeb();
  const body = (size: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const text = `{"values":{"x":"${"a".repeat(size - 19)}"}}`;
        const bytes = new TextEncoder().encode(text);
        for (let at = 0; at < bytes.length; at += 10_000) {
          controller.enqueue(bytes.subarray(at, at + 10_000));
        }
        controller.close();
      },
    });
  const send = (size: number) =>
    fetch(`${web.base}/api/entries/memory/config`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${web.token}`,
        origin: web.base,
        "content-type": "application/json",
      },
      body: body(size),
    });
  const at = await send(256 * 1024);
  equal(at.status, 422, "read and checked (memory declares no setting x)");
  await at.body?.cancel();
  const over = await send(256 * 1024 + 1);
  equal(over.status, 413);
  await over.body?.cancel();
});

Deno.test("a secret an upstream repeats in its error is masked in the answer and the progress", async () => {
  const secret = "upstream-echoed-secret-4711";
  // A remote server that fails and repeats the Authorization header it got in its error page.
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    return new Response(`bad token: ${request.headers.get("authorization")}`, { status: 500 });
  });
  try {
    const entry = testEntry({
      id: "echoing",
      launch_method: "remote-http",
      remote: {
        url: `http://127.0.0.1:${upstream.addr.port}/mcp`,
        transport: "streamable-http",
        headers: { Authorization: "Bearer ${ECHO_TOKEN}" },
      },
      config: {
        env: [],
        secrets: [{ name: "echoing.token", env: "ECHO_TOKEN" }],
        parameters: { type: "object", properties: {} },
      },
    } as Json);
    await using web = await openWeb([entry]);
    const seen: { event: string; data: Json }[] = [];
    const events = collectEvents(await web.api("GET", "/api/events"), seen);
    const set = await web.api("PUT", "/api/entries/echoing/config", {
      values: { "echoing.token": secret },
    });
    equal(set.status, 200);
    await set.body?.cancel();
    const added = await web.api("POST", "/api/active", { id: "echoing" });
    const text = await added.text();
    equal(added.status, 422, text);
    match(text, /bad token: Bearer \*{8}/, "the upstream's words are kept, the secret masked");
    ok(!text.includes(secret), `the answer carried the secret: ${text}`);
    await sleep(300);
    await events.stop();
    const stream = JSON.stringify(seen);
    ok(seen.some((e) => e.event === "progress"), "progress was reported");
    ok(!stream.includes(secret), `the event stream carried the secret: ${stream}`);
  } finally {
    await upstream.shutdown();
  }
});

Deno.test("a page that opens later does not take a change from the pages already open", async () => {
  await using web = await openWeb([testEntry({ id: "first" })]);
  const early: { event: string; data: Json }[] = [];
  const first = collectEvents(await web.api("GET", "/api/events"), early);
  await sleep(300);
  const before = web.t.registry.catalog.index.generation;
  // A refresh an agent (or the schedule) made: the pages hear of it by the hub's look.
  await web.t.registry.catalog.refresh("test");
  const after = web.t.registry.catalog.index.generation;
  ok(after !== before);
  const late: { event: string; data: Json }[] = [];
  const second = collectEvents(await web.api("GET", "/api/events"), late);
  await sleep(3_000); // more than one look (every 2 s)
  await first.stop();
  await second.stop();
  const generations = (seen: typeof early) =>
    seen.filter((e) => e.event === "catalog").map((e) => e.data.generation);
  equal(generations(late).at(-1), after, "the newcomer starts with the current catalog");
  equal(generations(early).at(-1), after, "the page open before heard of the change too");
});

Deno.test("a request target naming another host, or a Host that is no address, is refused", async () => {
  await using web = await openWeb();
  const { host } = new URL(web.base);
  const auth = `Authorization: Bearer ${web.token}\nConnection: close\n\n`;
  const absolute = await raw(
    web.base,
    `GET http://evil.example/api/active HTTP/1.1\nHost: ${host}\n${auth}`,
  );
  match(absolute.status, /^HTTP\/1\.1 400 /, absolute.status);
  ok(!absolute.body.includes("evil.example"));
  const own = await raw(web.base, `GET ${web.base}/api/active HTTP/1.1\nHost: ${host}\n${auth}`);
  match(own.status, /^HTTP\/1\.1 200 /, "the absolute form of our own address is fine");
  const dotted = await raw(web.base, `GET /api/active HTTP/1.1\nHost: ${host}.\n${auth}`);
  match(dotted.status, /^HTTP\/1\.1 403 /, `not an internal error: ${dotted.status}`);
  const refused = await fetch(`${web.base}/api/active`, {
    headers: { origin: "https://evil.example" },
  });
  equal(refused.status, 403);
  equal(refused.headers.get("x-content-type-options"), "nosniff");
  await refused.body?.cancel();
});

Deno.test("no path spelling, method or encoding reaches the API without the token", async () => {
  await using web = await openWeb();
  const { host } = new URL(web.base);
  const paths = [
    "//api/catalog",
    "/api/../api/catalog",
    "/%61pi/catalog",
    "/api//catalog",
    "/API/catalog",
    "/api/entries/%2e%2e",
    "/api/entries/a%2Fb",
    "/app.js/",
    "/./api/active",
  ];
  for (const path of paths) {
    const answer = await raw(
      web.base,
      `GET ${path} HTTP/1.1\nHost: ${host}\nConnection: close\n\n`,
    );
    match(answer.status, /^HTTP\/1\.1 401 /, `GET ${path}: ${answer.status}`);
  }
  for (const method of ["HEAD", "OPTIONS", "PATCH", "PUT", "DELETE"]) {
    for (const path of ["/", "/api/catalog", "/api/active/memory", "/api/events"]) {
      const answer = await fetch(`${web.base}${path}`, { method, headers: { origin: web.base } });
      equal(answer.status, 401, `${method} ${path}`);
      await answer.body?.cancel();
    }
  }
  // Signed in, HEAD and OPTIONS change nothing and stream nothing.
  for (const method of ["HEAD", "OPTIONS"]) {
    const answer = await web.api(method, "/api/events");
    ok([403, 405].includes(answer.status), `${method} /api/events: ${answer.status}`);
    await answer.body?.cancel();
  }
});
