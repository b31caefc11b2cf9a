/**
 * A registry with its web page on a free port of 127.0.0.1, signed in: requests as the page
 * makes them (the cookie) and as a script does (the bearer token).
 *
 * @module
 */
import { generateToken, type HttpEndpoint, serveHttp } from "../../src/http/serve_http.ts";
import { openTestRegistry, type testEntry, type TestRegistry } from "./registry.ts";

/** What a web test gets. */
export interface Web extends AsyncDisposable {
  t: TestRegistry;
  endpoint: HttpEndpoint;
  token: string;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  base: string;
  /** The session cookie (`name=value`) that `/?token=` set. */
  cookie: string;
  /** A request as the page makes it: the cookie, and for changes its own Origin and JSON. */
  page(method: string, path: string, body?: unknown): Promise<Response>;
  /** A request with the bearer token, and for changes the registry's own Origin and JSON. */
  api(method: string, path: string, body?: unknown): Promise<Response>;
}

/** Starts a test registry (with `entries`) and its web page, and signs in. */
export async function openWeb(entries = [] as ReturnType<typeof testEntry>[]): Promise<Web> {
  const t = await openTestRegistry({ entries });
  const token = generateToken();
  const endpoint = await serveHttp(t.registry, { port: 0, token, log: t.registry.log });
  const base = endpoint.pageUrl.replace(/\/$/, "");
  const signIn = await fetch(`${base}/?token=${token}`, { redirect: "manual" });
  await signIn.body?.cancel();
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
  const send = (auth: Record<string, string>) => (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { ...auth };
    if (method !== "GET") headers.origin = base;
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  return {
    t,
    endpoint,
    token,
    base,
    cookie,
    page: send({ cookie }),
    api: send({ authorization: `Bearer ${token}` }),
    async [Symbol.asyncDispose]() {
      await endpoint[Symbol.asyncDispose]();
      await t[Symbol.asyncDispose]();
    },
  };
}

/** One server-sent event of the page's stream, its data parsed. */
export interface PageEvent {
  event: string;
  // deno-lint-ignore no-explicit-any
  data: any;
}

/** The events `reader` delivers (blocks with an `event:` and a `data:` line), until it ends. */
export async function* serverSentEvents(
  reader: ReadableStreamDefaultReader<string>,
): AsyncGenerator<PageEvent> {
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = block.match(/^event: (.*)$/m)?.[1];
      const data = block.match(/^data: (.*)$/m)?.[1];
      if (event && data !== undefined) yield { event, data: JSON.parse(data) };
    }
  }
}
