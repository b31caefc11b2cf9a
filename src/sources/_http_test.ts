import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { fakeServers, startFakeSite } from "../../tests/_helpers/mcpservers_site_fake.ts";
import {
  multiVersionRows,
  startOfficialRegistryFake,
} from "../../tests/_helpers/official_registry_fake.ts";
import { type AttemptEnd, fetchWithRetry, HttpError, retryAfterMs } from "./_http.ts";
import { McpServersSiteSource } from "./mcpservers_site.ts";
import { OfficialRegistrySource } from "./official_registry.ts";
import type { CatalogSource } from "./source.ts";

/** How the test server answers one request. */
type Step =
  | Response
  /** Never answers; the request ends when the client gives up. */
  | "hang"
  /** Sends the headers and a first part of the body, then nothing more. */
  | "stall";

/**
 * A server on 127.0.0.1 that answers the requests in turn with `steps`, the last one for every
 * request after, and logs when each request arrived.
 */
function serve(...steps: Step[]) {
  const arrivals: number[] = [];
  const hanging = new Set<() => void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    arrivals.push(performance.now());
    const step = steps[Math.min(arrivals.length, steps.length) - 1]!;
    if (step === "hang") {
      await new Promise<void>((resolve) => hanging.add(resolve));
      return new Response("too late", { status: 504 });
    }
    if (step === "stall") {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"half":'));
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    }
    return step.clone();
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/x`,
    arrivals,
    /** The gaps between the requests, in ms. */
    gaps: () => arrivals.slice(1).map((t, i) => t - arrivals[i]!),
    [Symbol.asyncDispose]() {
      for (const resolve of hanging) resolve();
      return server.shutdown();
    },
  };
}

/** A port on 127.0.0.1 nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function httpError(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  ok(error instanceof HttpError, `expected an HttpError, got ${error}`);
  return error;
}

Deno.test("fetchWithRetry() tries a 503 again after the backoff and returns the answer after", async () => {
  await using server = serve(
    new Response("busy", { status: 503 }),
    new Response("busy", { status: 503 }),
    new Response("hello", { status: 200, headers: { "x-test": "yes" } }),
  );
  const answer = await fetchWithRetry(server.url, { backoffMs: 40 });
  equal(answer.text, "hello");
  equal(answer.status, 200);
  equal(answer.headers.get("x-test"), "yes");
  equal(server.arrivals.length, 3);
  const [first, second] = server.gaps();
  ok(first! >= 35 && second! >= 75, `backoff 40 ms, then 80 ms: ${server.gaps()}`);
});

Deno.test("fetchWithRetry() gives up after its attempts, naming the status and the count", async () => {
  await using server = serve(new Response("down", { status: 502, statusText: "Bad Gateway" }));
  const error = await httpError(fetchWithRetry(server.url, { backoffMs: 1, attempts: 2 }));
  equal(error.message, `Cannot read ${server.url}: it answered 502 Bad Gateway (2 attempts)`);
  deepEqual(
    [error.problem, error.status, error.attempts, error.exhausted],
    ["status", 502, 2, true],
  );
  equal(server.arrivals.length, 2);
});

Deno.test("fetchWithRetry() waits as long as Retry-After asks on 429, in place of the backoff", async () => {
  await using server = serve(
    new Response("slow down", { status: 429, headers: { "retry-after": "1" } }),
    new Response("ok"),
  );
  equal((await fetchWithRetry(server.url, { backoffMs: 1 })).text, "ok");
  ok(server.gaps()[0]! >= 950, `waited ${server.gaps()[0]} ms`);
});

Deno.test("fetchWithRetry() cuts a long Retry-After to maxRetryAfterMs", async () => {
  await using server = serve(
    new Response("busy", { status: 503, headers: { "retry-after": "3600" } }),
    new Response("ok"),
  );
  const started = performance.now();
  equal((await fetchWithRetry(server.url, { maxRetryAfterMs: 30 })).text, "ok");
  ok(performance.now() - started < 1_000, "the hour asked for was cut to 30 ms");
  ok(server.gaps()[0]! >= 25);
});

Deno.test("fetchWithRetry() fails at once on 403 and on 404", async () => {
  for (const [status, statusText] of [[403, "Forbidden"], [404, "Not Found"]] as const) {
    await using server = serve(new Response("no", { status, statusText }));
    const error = await httpError(fetchWithRetry(server.url, { backoffMs: 1 }));
    equal(error.message, `Cannot read ${server.url}: it answered ${status} ${statusText}`);
    deepEqual([error.status, error.statusLine, error.attempts, error.exhausted], [
      status,
      `${status} ${statusText}`,
      1,
      false,
    ]);
    equal(server.arrivals.length, 1);
  }
});

Deno.test("fetchWithRetry() times out a request that gets no answer, and waits before the next", async () => {
  await using server = serve("hang");
  const error = await httpError(
    fetchWithRetry(server.url, { timeoutMs: 100, attempts: 2, backoffMs: 300 }),
  );
  equal(error.problem, "timeout");
  equal(error.reason, "no answer within 0.1 s");
  equal(error.status, null);
  equal(server.arrivals.length, 2);
  ok(server.gaps()[0]! >= 390, `timeout 100 ms and backoff 300 ms: ${server.gaps()}`);
});

Deno.test("fetchWithRetry() times out an answer whose body stops coming", async () => {
  await using server = serve("stall");
  const error = await httpError(fetchWithRetry(server.url, { timeoutMs: 150, attempts: 1 }));
  equal(error.problem, "body-timeout");
  equal(error.status, 200);
  equal(error.reason, "the answer did not arrive whole within 0.15 s");
});

Deno.test("fetchWithRetry() tries a refused connection again after the backoff", async () => {
  const url = `http://127.0.0.1:${closedPort()}/x`;
  const ends: AttemptEnd[] = [];
  const started = performance.now();
  const error = await httpError(fetchWithRetry(url, {
    attempts: 3,
    backoffMs: 100,
    beforeAttempt: () => Promise.resolve((end) => void ends.push(end)),
  }));
  ok(performance.now() - started >= 290, "waited 100 ms, then 200 ms");
  equal(error.problem, "network");
  match(error.reason, /^the connection failed \(.+\)$/);
  deepEqual(ends, [
    { status: null, retryInMs: 100 },
    { status: null, retryInMs: 200 },
    { status: null, retryInMs: null },
  ]);
});

Deno.test("fetchWithRetry() stops at once when the signal aborts, during a request or a wait", async () => {
  await using server = serve("hang");
  const during = new AbortController();
  setTimeout(() => during.abort(new Error("shutting down")), 50);
  let started = performance.now();
  await rejects(fetchWithRetry(server.url, { signal: during.signal }), /shutting down/);
  ok(performance.now() - started < 1_000);

  await using busy = serve(new Response("busy", { status: 503 }));
  const waiting = new AbortController();
  setTimeout(() => waiting.abort(new Error("no more waiting")), 100);
  started = performance.now();
  await rejects(
    fetchWithRetry(busy.url, { signal: waiting.signal, backoffMs: 10_000 }),
    /no more waiting/,
  );
  ok(performance.now() - started < 1_000);
  equal(busy.arrivals.length, 1);
  await rejects(fetchWithRetry(busy.url, { signal: waiting.signal }), /no more waiting/);
  equal(busy.arrivals.length, 1, "an aborted signal asks nothing");
});

Deno.test("fetchWithRetry() ends an attempt before its error is thrown, and runs no attempt a hook refuses", async () => {
  await using server = serve(new Response("no", { status: 403 }));
  const log: string[] = [];
  await httpError(
    fetchWithRetry(server.url, {
      beforeAttempt: () => {
        log.push("start");
        return Promise.resolve(({ status }) => void log.push(`end ${status}`));
      },
    }).finally(() => log.push("thrown")),
  );
  deepEqual(log, ["start", "end 403", "thrown"]);
  await rejects(
    fetchWithRetry(server.url, { beforeAttempt: () => Promise.reject(new Error("refused")) }),
    /refused/,
  );
  equal(server.arrivals.length, 1);
});

Deno.test("fetchWithRetry() masks credentials in the URL it names", async () => {
  await using server = serve(new Response("no", { status: 401, statusText: "Unauthorized" }));
  const url = server.url.replace("http://", "http://user:s3cret@");
  const error = await httpError(fetchWithRetry(url));
  equal(error.url, server.url.replace("http://", "http://***@"));
  ok(!error.message.includes("s3cret"), error.message);
});

Deno.test("retryAfterMs() reads seconds and HTTP dates, and nothing else", () => {
  equal(retryAfterMs(" 3 "), 3_000);
  equal(retryAfterMs(null), null);
  equal(retryAfterMs("soon"), null);
  equal(retryAfterMs("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  const later = retryAfterMs(new Date(Date.now() + 60_000).toUTCString())!;
  ok(later > 55_000 && later <= 60_000, String(later));
});

// The sources built on fetchWithRetry(), each put through the same checks.

/** Each HTTP source, and a fake upstream for it. */
const SOURCES: {
  name: string;
  start(): AsyncDisposable & { url: string };
  source(url: string): CatalogSource;
}[] = [
  {
    name: "OfficialRegistrySource",
    start: () => startOfficialRegistryFake({ servers: multiVersionRows() }),
    source: (url) => new OfficialRegistrySource({ url, backoffMs: 1 }),
  },
  {
    name: "McpServersSiteSource",
    start: () => startFakeSite({ servers: fakeServers(12) }),
    source: (url) => new McpServersSiteSource({ url, backoffMs: 1 }),
  },
];

for (const { name, start, source } of SOURCES) {
  Deno.test(`${name} keeps the credentials of its URL out of its location, links and errors`, async () => {
    await using upstream = start();
    const url = upstream.url.replace("http://", "http://user:s3cret@");
    const snapshot = await source(url).refresh();
    equal(source(url).location, upstream.url.replace("http://", "http://***@"));
    ok(snapshot.entries.length > 0);
    const shown = JSON.stringify(snapshot);
    ok(!shown.includes("s3cret"), "no credentials in entries, errors or warnings");
    ok(
      snapshot.entries.every((e) =>
        Object.values(e.links).every((l) => l.startsWith(upstream.url))
      ),
    );
    const broken = url.replace(/:\d+/, `:${closedPort()}`);
    const error = await source(broken).refresh().then(() => null, (e: Error) => e);
    ok(error instanceof Error);
    ok(!error.message.includes("s3cret"), error.message);
  });
}

Deno.test("OfficialRegistrySource waits its backoff before asking again after a timeout", async () => {
  await using fake = startOfficialRegistryFake({
    servers: multiVersionRows(),
    failPages: { 1: { hang: true, times: 1 } },
  });
  const source = new OfficialRegistrySource({
    url: fake.url,
    requestTimeoutMs: 100,
    backoffMs: 300,
  });
  const started = performance.now();
  equal((await source.refresh()).entries.length, 3);
  ok(performance.now() - started >= 390, "a 100 ms timeout, then 300 ms of backoff");
  equal(fake.requests.length, 2);
});

Deno.test("McpServersSiteSource stops the requests still under way when a refresh ends", async () => {
  // 10 servers a page: the category `databases` has 4 pages, read side by side after the first.
  await using site = startFakeSite({ servers: fakeServers(120), perPage: 10 });
  site.fail("/category/databases?page=2", { status: 400 });
  site.fail("/category/databases?page=3", "hang");
  const source = new McpServersSiteSource({ url: site.url, backoffMs: 1, requestTimeoutMs: 200 });
  const snapshot = await source.refresh();
  match(snapshot.errors.join("\n"), /^category\/databases: .*HTTP 400/m);
  const asked = site.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  deepEqual(site.requests.slice(asked), [], "nothing asked for after the refresh returned");
});
