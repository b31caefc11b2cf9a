/**
 * The web page's API over real HTTP on 127.0.0.1: sign-in by token and cookie, the Origin rule
 * for changes, secrets never sent back, facet counts, events, and agents hearing of changes.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { generateToken } from "../../src/http/serve_http.ts";
import { registryEnv, ROOT, spawnHttpRegistry } from "../_helpers/processes.ts";
import { streamableServer } from "../_helpers/remote_server.ts";
import { eventually, testEntry } from "../_helpers/registry.ts";
import { makeBuildRepos } from "../_helpers/build_repos.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { openWeb, serverSentEvents } from "../_helpers/web.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Every route of the page and its API, with a method it answers. */
const ROUTES: [string, string][] = [
  ["GET", "/"],
  ["GET", "/app.js"],
  ["GET", "/app.css"],
  ["GET", "/api/catalog"],
  ["GET", "/api/catalog?q=postgres"],
  ["GET", "/api/entries/memory"],
  ["PUT", "/api/entries/memory/config"],
  ["GET", "/api/active"],
  ["POST", "/api/active"],
  ["DELETE", "/api/active/memory"],
  ["POST", "/api/active/memory/restart"],
  ["GET", "/api/sources"],
  ["POST", "/api/sources/docker/refresh"],
  ["GET", "/api/events"],
  ["GET", "/api/no-such-route"],
];

const SECRET = "s3cr3t-value-that-must-never-come-back";

/** Reads server-sent events until `until` holds for one, or 10 s pass. */
async function readEvents(
  response: Response,
  until: (event: string, data: Json) => boolean,
): Promise<{ event: string; data: Json }[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: { event: string; data: Json }[] = [];
  const deadline = setTimeout(() => reader.cancel(), 10_000);
  try {
    for await (const { event, data } of serverSentEvents(reader)) {
      seen.push({ event, data });
      if (until(event, structuredClone(data))) return seen;
    }
    return seen;
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => {});
  }
}

function remoteEntry(url: string) {
  return testEntry({
    id: "remote-echo",
    title: "Remote echo",
    launch_method: "remote-http",
    requires_api_key: true,
    categories: ["testing"],
    remote: {
      url,
      transport: "streamable-http",
      headers: { Authorization: "Bearer ${REMOTE_TOKEN}" },
    },
    config: {
      env: [],
      secrets: [{ name: "remote-echo.token", env: "REMOTE_TOKEN" }],
      parameters: {
        type: "object",
        properties: { region: { type: "string", description: "Where it runs" } },
      },
    },
  } as Json);
}

Deno.test("the page and every API route answer 401 without the token or the cookie", async () => {
  await using web = await openWeb();
  for (const [method, path] of ROUTES) {
    for (
      const headers of [
        {},
        { cookie: `${web.cookie.split("=")[0]}=not-the-cookie` },
        { cookie: `${web.cookie.split("=")[0]}=${web.token}` }, // the token is not the cookie
        { authorization: "Bearer not-the-token" },
      ] as Record<string, string>[]
    ) {
      const response = await fetch(`${web.base}${path}`, {
        method,
        headers: { ...headers, origin: web.base, "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      });
      equal(response.status, 401, `${method} ${path} with ${JSON.stringify(headers)}`);
      match(await response.text(), /\/\?token=<token>/);
    }
  }
  const wrong = await fetch(`${web.base}/?token=nope`, { redirect: "manual" });
  equal(wrong.status, 401);
  equal(wrong.headers.get("set-cookie"), null);
  await wrong.body?.cancel();
});

Deno.test("`/?token=` sets an HttpOnly, SameSite=Strict cookie and redirects to `/` without the token", async () => {
  await using web = await openWeb();
  const response = await fetch(`${web.base}/?token=${web.token}`, { redirect: "manual" });
  await response.body?.cancel();
  equal(response.status, 303);
  equal(response.headers.get("location"), "/");
  const cookie = response.headers.get("set-cookie") ?? "";
  match(cookie, /; HttpOnly/);
  match(cookie, /; SameSite=Strict/);
  match(cookie, /; Path=\//);
  ok(!cookie.includes(web.token), "the cookie is not the token itself");
  const port = new URL(web.base).port;
  match(cookie, new RegExp(`^mcp_registry_${port}=`), "one cookie per registry port");

  const html = await web.page("GET", "/");
  equal(html.status, 200);
  match(html.headers.get("content-type") ?? "", /text\/html/);
  match(html.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  match(await html.text(), /<script type="module" src="\/app.js">/);
  for (const path of ["/app.js", "/app.css", "/api/active", "/api/sources"]) {
    const answer = await web.page("GET", path);
    equal(answer.status, 200, path);
    await answer.body?.cancel();
  }
  const bearer = await fetch(`${web.base}/api/catalog?q=memory`, {
    headers: { authorization: `Bearer ${web.token}` },
  });
  equal(bearer.status, 200, "the bearer token works for the API too");
  equal((await bearer.json()).results[0].id, "memory");
});

Deno.test("changes need the registry's own Origin: foreign, other-port and missing are refused", async () => {
  await using web = await openWeb();
  const mutating = ROUTES.filter(([method]) => method !== "GET");
  const port = Number(new URL(web.base).port);
  for (const [method, path] of mutating) {
    for (
      const origin of ["https://evil.example", `http://127.0.0.1:${port + 1}`, "null", undefined]
    ) {
      const headers: Record<string, string> = {
        cookie: web.cookie,
        "content-type": "application/json",
      };
      if (origin) headers.origin = origin;
      const response = await fetch(`${web.base}${path}`, { method, headers, body: "{}" });
      equal(response.status, 403, `${method} ${path} from ${origin}`);
      await response.body?.cancel();
    }
  }
  // The same request with the page's own Origin goes through (here: a validation error).
  const own = await web.page("POST", "/api/active", { id: 5 });
  equal(own.status, 400);
  match((await own.json()).error, /"id"/);
  const form = await fetch(`${web.base}/api/active`, {
    method: "POST",
    headers: { cookie: web.cookie, origin: web.base, "content-type": "text/plain" },
    body: '{"id":"memory"}',
  });
  equal(form.status, 415, "a body a plain form could send is refused");
  await form.body?.cancel();
});

Deno.test("a secret set through the page never comes back in any response", async () => {
  await using upstream = streamableServer(SECRET);
  await using web = await openWeb([remoteEntry(upstream.url)]);
  const before = await web.page("GET", "/api/entries/remote-echo");
  deepEqual((await before.json()).missing, ["remote-echo.token"]);

  const bodies: string[] = [];
  const set = await web.page("PUT", "/api/entries/remote-echo/config", {
    values: { "remote-echo.token": SECRET, region: "eu" },
  });
  bodies.push(await set.text());
  equal(set.status, 200, bodies[0]);
  match(JSON.parse(bodies[0]!).message, /^Stored remote-echo\.token, region for remote-echo\./);
  const stored = await web.t.registry.context.configs.get("remote-echo");
  equal(stored.secrets["remote-echo.token"], SECRET, "the secret was stored");

  const added = await web.page("POST", "/api/active", { id: "remote-echo" });
  bodies.push(await added.text());
  equal(added.status, 200, bodies.at(-1));
  equal(upstream.seenAuth.at(-1), `Bearer ${SECRET}`, "the remote server got the secret");
  const events = await web.page("GET", "/api/events");
  const seen = await readEvents(events, (event) => event === "catalog");
  bodies.push(JSON.stringify(seen));
  for (const [method, path] of ROUTES) {
    if (method !== "GET" || path === "/api/events") continue;
    bodies.push(await (await web.page("GET", path)).text());
  }
  const detailText = await (await web.page("GET", "/api/entries/remote-echo")).text();
  bodies.push(detailText);
  for (const path of ["/api/catalog?q=remote", "/api/catalog?category=testing"]) {
    bodies.push(await (await web.page("GET", path)).text());
  }
  const restarted = await web.page("POST", "/api/active/remote-echo/restart", {});
  bodies.push(await restarted.text());
  equal(restarted.status, 200, bodies.at(-1));
  const bad = await web.page("PUT", "/api/entries/remote-echo/config", {
    values: { "remote-echo.token": SECRET, nope: SECRET },
  });
  equal(bad.status, 422);
  bodies.push(await bad.text());
  const removed = await web.page("DELETE", "/api/active/remote-echo");
  bodies.push(await removed.text());
  equal(removed.status, 200);
  // Unsetting says so (not "Stored"); setting and unsetting at once names both.
  const unset = await web.page("PUT", "/api/entries/remote-echo/config", {
    values: { "remote-echo.token": null },
  });
  bodies.push(await unset.text());
  equal(unset.status, 200, bodies.at(-1));
  equal(
    JSON.parse(bodies.at(-1)!).message,
    "Unset remote-echo.token for remote-echo. Still missing: remote-echo.token.",
  );
  const both = await web.page("PUT", "/api/entries/remote-echo/config", {
    values: { "remote-echo.token": SECRET, region: null },
  });
  bodies.push(await both.text());
  match(JSON.parse(bodies.at(-1)!).message, /^Stored remote-echo\.token and unset region for/);

  const detail = JSON.parse(detailText);
  const token = detail.config.find((c: Json) => c.key === "remote-echo.token");
  deepEqual([token.set, token.value], [true, "********"], "shown as set, masked");
  deepEqual(detail.missing, []);
  // The catalog lists no tools for it; the running server's own are in the detail.
  deepEqual(detail.tool_details, []);
  deepEqual(detail.running_tools.map((t: Json) => t.name), ["echo", "add"]);
  equal(detail.running_tools[0].description, "Echoes the message back.");
  const stopped = await (await web.page("GET", "/api/entries/remote-echo")).json();
  equal(stopped.running_tools, null, "not running: no running tools");
  for (const body of bodies) ok(!body.includes(SECRET), `a response carried the secret: ${body}`);
  ok(bodies.length >= 15);
});

Deno.test("facet counts match the results `registry-find` gives, filter by filter", async () => {
  await using web = await openWeb();
  const count = (facets: Json[], value: string) =>
    facets.find((f: Json) => f.value === value)?.count ?? 0;
  for (const query of ["postgres", "", "github"]) {
    const data = await (await web.page("GET", `/api/catalog?q=${query}&limit=50`)).json();
    const found = await web.t.call("registry-find", { query, limit: 50 });
    // registry-find answers short views; the facets count the entries behind them.
    const results = ((found.structuredContent as Json).results as Json[])
      .map((r) => web.t.registry.catalog.index.get(r.id)!);
    equal(data.total, (found.structuredContent as Json).total, query);
    deepEqual(data.results.map((r: Json) => r.id), results.map((r) => r.id), "same ranking");
    if (data.total > 50) continue; // the counts below need every result on one page
    for (const method of ["podman", "remote-http", "stdio-proxy", "none"]) {
      equal(
        count(data.facets.launch_method, method),
        results.filter((r) => r.launch_method === method).length,
      );
    }
    equal(count(data.facets.official, "true"), results.filter((r) => r.official).length);
    equal(
      count(data.facets.requires_api_key, "false"),
      results.filter((r) => !r.requires_api_key).length,
    );
    for (const category of new Set(results.flatMap((r) => r.categories))) {
      equal(
        count(data.facets.category, category),
        results.filter((r) => r.categories.includes(category)).length,
      );
    }
  }
  // With a filter set, its own facet still counts the other values; the others narrow.
  const all = await (await web.page("GET", "/api/catalog?limit=1")).json();
  const db = await (await web.page("GET", "/api/catalog?category=database&limit=1")).json();
  equal(db.total, count(all.facets.category, "database"));
  deepEqual(db.facets.category, all.facets.category, "the category facet ignores its own filter");
  const official = db.facets.official.reduce((sum: number, f: Json) => sum + f.count, 0);
  equal(official, db.total, "the other facets count within the filter");
  const both = await (await web.page("GET", "/api/catalog?category=database&official=true"))
    .json();
  equal(both.total, count(db.facets.official, "true"));

  const unknown = await web.page("GET", "/api/catalog?category=databse");
  equal(unknown.status, 400);
  match((await unknown.json()).error, /No entry has category "databse"/);
  const extra = await web.page("GET", "/api/catalog?colour=red");
  equal(extra.status, 400);
  await extra.body?.cancel();
  const page2 = await (await web.page("GET", "/api/catalog?offset=20&limit=20")).json();
  equal(page2.results.length, 20);
  equal(page2.offset, 20);
});

Deno.test("what running an entry taught shows on the page: a mark in results and in the entry", async () => {
  await using web = await openWeb();
  const marks = web.t.registry.context.runMarks!;
  const [first] = (await (await web.page("GET", "/api/catalog?q=postgres&limit=2")).json()).results;
  equal(first.run_mark, undefined, "nothing known yet");
  await marks.failed(first.id, "the server exited: code 1\nsecond line");
  const again = (await (await web.page("GET", "/api/catalog?q=postgres&limit=20")).json()).results;
  const marked = again.find((r: Json) => r.id === first.id);
  equal(marked.run_mark.state, "failed");
  equal(marked.run_mark.reason, "the server exited: code 1");
  await marks.verified(first.id);
  const detail = await (await web.page("GET", `/api/entries/${first.id}`)).json();
  equal(detail.run_mark.state, "verified");
});

Deno.test("events: an add by an agent reaches the page, an add by the page reaches agents", async () => {
  await using upstream = streamableServer(null);
  const entry = testEntry({
    id: "remote-open",
    launch_method: "remote-http",
    remote: { url: upstream.url, transport: "streamable-http", headers: {} },
  } as Json);
  await using web = await openWeb([entry]);
  const stream = await web.page("GET", "/api/events");
  equal(stream.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const watching = readEvents(
    stream,
    (event, data) => event === "active" && data.some((a: Json) => a.id === "remote-open"),
  );
  await new Promise((r) => setTimeout(r, 200)); // the first snapshot: nothing active
  const added = await web.t.call("registry-add", { id: "remote-open" });
  equal(added.isError, undefined);
  const seen = await watching;
  const last = seen.at(-1)!;
  equal(last.event, "active");
  equal(last.data[0].state, "running");
  equal(last.data[0].tool_count, 2);
  deepEqual(seen[0]!.data, [], "the stream starts with the current state");

  const before = web.t.listChanged();
  const removed = await web.page("DELETE", "/api/active/remote-open");
  equal(removed.status, 200);
  ok(
    await eventually(() => Promise.resolve(web.t.listChanged() > before)),
    "the agent heard tools/list_changed",
  );
  const again = await web.page("POST", "/api/active", { id: "remote-open" });
  equal(again.status, 200);
  ok(await eventually(() => Promise.resolve(web.t.listChanged() > before + 1)));
  const tools = await web.t.client.listTools();
  ok(tools.tools.some((t) => t.name === "remote-open__echo"), "the agent sees its tools");
  const missing = await web.page("GET", "/api/entries/no-such-server");
  equal(missing.status, 404);
  match((await missing.json()).error, /No server has the id/);
});

Deno.test("`serve --http` prints the page's address with a token it made, not one it was given; `mcp-registry ui` prints it", async () => {
  const dir = await Deno.makeTempDir();
  const made = await spawnHttpRegistry(registryEnv(`${dir}/made`));
  try {
    const printed = made.banner.match(/web page: (\S+)/)?.[1] ?? "";
    ok(made.token.length >= 40, made.banner);
    equal(printed, `http://127.0.0.1:${new URL(made.url).port}/?token=${made.token}`);
    match(made.banner, new RegExp(`^token: ${made.token}$`, "m"));
  } finally {
    await made.stop();
  }
  const token = generateToken();
  const registry = await spawnHttpRegistry(registryEnv(dir, { MCP_REGISTRY_TOKEN: token }));
  try {
    // The person's own token is not echoed into the terminal (or a log of it).
    ok(!registry.banner.includes(token), registry.banner);
    match(registry.banner, /token: the one in MCP_REGISTRY_TOKEN \(not shown\)/);
    match(
      registry.banner,
      /sign in once with \?token=<MCP_REGISTRY_TOKEN>, or run mcp-registry ui/,
    );
    const shown = registry.banner.match(/web page: (\S+)/)?.[1] ?? "";
    const port = new URL(registry.url).port;
    equal(shown, `http://127.0.0.1:${port}/`, registry.banner);
    const page = `${shown}?token=${token}`;
    const signIn = await fetch(page, { redirect: "manual" });
    equal(signIn.status, 303);
    await signIn.body?.cancel();

    // No desktop, no token unless given: what `ui` does then is print the address.
    const desktopless = Object.fromEntries(
      Object.entries(Deno.env.toObject()).filter(([name]) =>
        !["DISPLAY", "WAYLAND_DISPLAY", "MCP_REGISTRY_TOKEN"].includes(name)
      ),
    );
    const ui = (env: Record<string, string>, ...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "main.ts", "ui", ...args],
        cwd: ROOT,
        clearEnv: true,
        env: { ...desktopless, ...env },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const printed = await ui({ MCP_REGISTRY_TOKEN: token }, "--port", port);
    equal(printed.code, 0, new TextDecoder().decode(printed.stderr));
    equal(new TextDecoder().decode(printed.stdout).trim(), page);
    match(new TextDecoder().decode(printed.stderr), /Open this address in a browser/);
    const noToken = await ui({}, "--port", port);
    equal(noToken.code, 2);
    match(new TextDecoder().decode(noToken.stderr), /MCP_REGISTRY_TOKEN is not set/);
    const otherToken = await ui({ MCP_REGISTRY_TOKEN: "other" }, "--port", port);
    equal(otherToken.code, 4);
    match(new TextDecoder().decode(otherToken.stderr), /has another token/);
  } finally {
    await registry.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "POST /api/active on a server built from source answers the plan and builds nothing; " +
    "build must be a boolean; the entry shows its repository without credentials",
  ignore: !HAS_PODMAN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-web-build-" });
    try {
      await using repos = await makeBuildRepos(dir, "api-build");
      const build = (id: string, repo: string) =>
        testEntry({ id, title: id, launch_method: "build", build: { repo, commit: repos.commit } });
      await using web = await openWeb([
        build(repos.ids.hello, `file://${dir}/hello-repo`),
        build("leaky-build", "https://builder:hunter2-token@example.invalid/x.git"),
      ]);
      const detail = await (await web.page("GET", "/api/entries/leaky-build")).text();
      ok(!detail.includes("hunter2"), detail);
      deepEqual(JSON.parse(detail).launch.build, {
        repo: "https://***@example.invalid/x.git",
        commit: repos.commit,
        directory: null,
      });

      for (const bad of ["yes", 1, null]) {
        const refused = await web.page("POST", "/api/active", { id: repos.ids.hello, build: bad });
        equal(refused.status, 400);
        match((await refused.json()).error, /"build" is true .* or false/);
      }
      const asked = await web.page("POST", "/api/active", { id: repos.ids.hello });
      equal(asked.status, 200);
      const body = await asked.json();
      equal(body.status, "needs-build", JSON.stringify(body));
      deepEqual(
        [body.build.commit, body.build.file, body.build.image],
        [repos.commit, "Containerfile", repos.image(repos.ids.hello)],
      );
      equal(body.container, "");
      deepEqual(await (await web.page("GET", "/api/active")).json(), []);
      equal(await podman("images", "--quiet", repos.image(repos.ids.hello)), "", "nothing built");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
