/**
 * registry-code's sandbox for real: a child Deno process with no permissions. Every escape an
 * injected agent might try has no effect, the limits stop runaway code, and calls cross only
 * through `mcp.call` into a real pool (the fake runtime: the sandbox, not the container, is what
 * these tests are about). The real memory server in podman is in code_memory_test.ts.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { minimalEntry } from "../../src/catalog/entry.ts";
import { callFromSandbox, valueOf } from "../../src/code/mcp_bridge.ts";
import { runSandboxed, type SandboxOptions } from "../../src/code/sandbox.ts";
import { declarations, type TypedTool } from "../../src/code/types.ts";
import { ActiveServers } from "../../src/proxy/active_servers.ts";
import { ownerTag } from "../../src/runtime/container_runtime.ts";
import { DEFAULT_LIMITS } from "../../src/runtime/podman_args.ts";
import { createLogger } from "../../src/util/log.ts";
import { FakeRuntime } from "../_helpers/fake_runtime.ts";
import { ROOT } from "../_helpers/processes.ts";

function run(code: string, options: Partial<SandboxOptions> = {}) {
  return runSandboxed({
    code,
    servers: {},
    call: () => Promise.reject(new Error("no calls here")),
    ...options,
  });
}

const SECRET_FILE = await Deno.makeTempFile({ suffix: ".json" });
await Deno.writeTextFile(SECRET_FILE, JSON.stringify({ token: "s3cret-value" }));

/** Code that must fail: each returns "ESCAPED" only if the attempt worked. */
const ESCAPES: Record<string, string> = {
  "read a file": `return await Deno.readTextFile(${JSON.stringify(SECRET_FILE)});`,
  "read a file synchronously": `return Deno.readTextFileSync("/etc/passwd");`,
  "write a file":
    `await Deno.writeTextFile("/tmp/mcp-registry-code-escape", "x"); return "ESCAPED";`,
  "list a folder": `for await (const e of Deno.readDir("/")) return "ESCAPED";`,
  "fetch": `return await (await fetch("https://example.com")).text();`,
  "fetch loopback": `return await (await fetch("http://127.0.0.1:9/")).text();`,
  "open a socket": `await Deno.connect({ hostname: "127.0.0.1", port: 22 }); return "ESCAPED";`,
  "listen": `Deno.listen({ port: 0 }); return "ESCAPED";`,
  "a WebSocket":
    `const w = new WebSocket("ws://127.0.0.1:9/"); await new Promise((ok, no) => { w.onopen = ok; w.onerror = no; }); return "ESCAPED";`,
  "read the environment": `return Deno.env.get("HOME") ?? Deno.env.toObject();`,
  "run a program":
    `return new TextDecoder().decode((await new Deno.Command("id").output()).stdout);`,
  "run a program by path":
    `await new Deno.Command("/bin/sh", { args: ["-c", "touch /tmp/x"] }).output(); return "ESCAPED";`,
  "load a library (FFI)": `Deno.dlopen("libc.so.6", {}); return "ESCAPED";`,
  "system info":
    `return Deno.hostname() + Deno.osRelease() + JSON.stringify(Deno.networkInterfaces());`,
  "open a Kv store": `const kv = await Deno.openKv("/tmp/escape.kv"); return "ESCAPED";`,
  "import a node: module":
    `const fs = await import("node:fs"); return fs.readFileSync("/etc/passwd", "utf8");`,
  "import node:child_process statically":
    `import { execSync } from "node:child_process"; return String(execSync("id"));`,
  "import a JSON file (no read permission needed for modules)": `return (await import(${
    JSON.stringify(`file://${SECRET_FILE}`)
  }, { with: { type: "json" } })).default;`,
  "import a URL": `return await import("https://example.com/x.js");`,
  "import an npm package": `return Object.keys(await import("npm:zod"));`,
  "build an import with eval": `return await eval('imp' + 'ort("node:fs")');`,
  "build a function from a string":
    `return new Function("return Deno.readTextFileSync('/etc/passwd')")();`,
  "the AsyncFunction constructor":
    `const AF = (async () => {}).constructor as FunctionConstructor; return await AF("return 1")();`,
  "setTimeout with a string":
    `setTimeout("globalThis.x = 1" as unknown as () => void, 0); await new Promise((r) => setTimeout(r, 50)); return (globalThis as any).x === 1 ? "ESCAPED" : "no";`,
  "a Worker from a data: URL":
    `new Worker("data:application/javascript,postMessage(1)", { type: "module" }); return "ESCAPED";`,
  "a Worker from a Blob":
    `const u = URL.createObjectURL(new Blob(["postMessage(1)"])); new Worker(u, { type: "module" }); return "ESCAPED";`,
  "WebAssembly reaching the host":
    `const m = await WebAssembly.instantiate(new Uint8Array([0,97,115,109,1,0,0,0,2,13,1,3,101,110,118,5,114,101,97,100,102,0,0])); return "ESCAPED";`,
  "ask for a permission":
    `const s = await Deno.permissions.request({ name: "read" }); return s.state === "granted" ? Deno.readTextFileSync("/etc/passwd") : "denied";`,
  "stop the registry": `Deno.kill(Deno.ppid, "SIGKILL"); return "ESCAPED";`,
};

for (const [attempt, code] of Object.entries(ESCAPES)) {
  Deno.test(`registry-code's sandbox refuses: ${attempt}`, async () => {
    const outcome = await run(code);
    ok(!outcome.ok || outcome.value === "denied", `${attempt} worked: ${JSON.stringify(outcome)}`);
    ok(!JSON.stringify(outcome).includes("s3cret-value"), "the secret file leaked");
    ok(!JSON.stringify(outcome).includes("root:x:0"), "/etc/passwd leaked");
  });
}

Deno.test("registry-code's sandbox leaves no file behind and the registry alive", async () => {
  await run(`await Deno.writeTextFile("/tmp/mcp-registry-code-escape", "x");`);
  equal(await Deno.stat("/tmp/mcp-registry-code-escape").catch(() => null), null);
});

Deno.test("the sandbox's working folder is its own fresh temporary folder, gone after the run", async () => {
  // Deno gives cwd() and execPath() without a read permission: they show where, not what.
  const outcome = await run(`return Deno.cwd();`);
  match(String(outcome.value), /\/mcp-registry-code-[^/]+$/);
  equal(await Deno.stat(String(outcome.value)).catch(() => null), null);
});

Deno.test("nothing one run stores reaches the next (localStorage, globals)", async () => {
  const first = await run(
    `(globalThis as any).kept = 1; try { localStorage.setItem("k", "v"); } catch { /* gone */ } return "set";`,
  );
  equal(first.value, "set");
  const second = await run(
    `let stored = null; try { stored = localStorage.getItem("k"); } catch { /* gone */ } return { stored, kept: (globalThis as any).kept ?? null };`,
  );
  deepEqual(second.value, { stored: null, kept: null });
});

Deno.test("an endless loop is stopped at the wall-clock limit", async () => {
  const outcome = await run(`console.log("looping"); for (;;) {}`, { timeoutMs: 1_000 });
  equal(outcome.failure, "timeout");
  match(outcome.error!, /ran out of time \(1 s\)/);
  equal(outcome.logs, "looping\n", "what it logged before the limit comes back");
});

Deno.test("an endless loop of awaits is stopped too", async () => {
  const outcome = await run(`for (;;) await Promise.resolve();`, { timeoutMs: 1_000 });
  equal(outcome.failure, "timeout");
});

Deno.test("a heap memory bomb is stopped", async () => {
  const outcome = await run(
    `const a: unknown[] = []; for (;;) a.push({ x: Math.random(), y: [1, 2, 3] });`,
    {
      heapMiB: 64,
      memoryMiB: 1024,
    },
  );
  equal(outcome.failure, "memory", JSON.stringify(outcome));
});

Deno.test("a memory bomb outside the heap (ArrayBuffers) is stopped", async () => {
  const outcome = await run(`const a = []; for (;;) a.push(new Uint8Array(32e6).fill(1));`, {
    memoryMiB: 256,
  });
  equal(outcome.failure, "memory", JSON.stringify(outcome));
});

Deno.test("console output is capped, and a flood is stopped", async () => {
  const capped = await run(`for (let i = 0; i < 5000; i++) console.log("line", i); return 1;`, {
    logChars: 1000,
  });
  equal(capped.value, 1);
  ok(capped.logs.length <= 1000);
  ok(capped.logsTruncated);
  const flood = await run(
    `const line = "x".repeat(1 << 20) + "\\n"; const b = new TextEncoder().encode(line); for (;;) Deno.stdout.writeSync(b);`,
    { maxResultBytes: 1 << 20, timeoutMs: 20_000 },
  );
  equal(flood.failure, "output", JSON.stringify(flood).slice(0, 300));
});

Deno.test("a return value over the result cap is an error that says what to do", async () => {
  const outcome = await run(`return "x".repeat(2_000_000);`, { maxResultBytes: 1_000_000 });
  equal(outcome.failure, "output");
  match(outcome.error!, /Return less/);
});

Deno.test("errors in the code come back with the line of the agent's code", async () => {
  const thrown = await run(`const a = 1;\nthrow new Error("boom " + a);`);
  match(thrown.error!, /Error: boom 1/);
  match(thrown.error!, /code:2:\d+/);
  const syntax = await run(`const x: = ;`);
  equal(syntax.failure, "error");
  match(syntax.error!, /SyntaxError/);
  const notJson = await run(`return 10n;`);
  match(notJson.error!, /not JSON/);
});

// A real pool (fake runtime: local MCP servers) behind the bridge.
async function openPool() {
  const runtime = new FakeRuntime();
  const pool = new ActiveServers({
    runtime,
    limits: DEFAULT_LIMITS,
    owner: ownerTag(),
    log: createLogger("silent"),
    loadConfig: () => Promise.resolve({ params: {}, env: { FAKE_MODE: "ok" }, secrets: {} }),
    onToolsChanged: () => {},
    restartBackoffMs: [10],
  });
  const entry = minimalEntry({ id: "echo", title: "Echo", container_image: "fake/echo" });
  await pool.add(entry, { params: {}, env: { FAKE_MODE: "ok" }, secrets: {} });
  return {
    pool,
    options(code: string): SandboxOptions {
      return {
        code,
        servers: { echo: pool.toolsOf("echo") },
        call: (server, tool, args) => callFromSandbox(pool, { server, tool, args }),
      };
    },
    async [Symbol.asyncDispose]() {
      await pool.closeAll();
      await runtime[Symbol.asyncDispose]();
    },
  };
}

Deno.test("mcp.call and servers[id][tool] reach an active server through the pool", async () => {
  await using t = await openPool();
  const outcome = await runSandboxed(t.options(`
    const texts = [];
    for (let i = 0; i < 20; i++) texts.push(await servers.echo.echo({ text: "n" + i }));
    const direct = await mcp.call("echo", "whoami", {});
    return { count: texts.length, last: texts.at(-1), direct };
  `));
  const value = outcome.value as { count: number; last: string; direct: string };
  deepEqual([value.count, value.last], [20, "n19"]);
  equal(typeof value.direct, "string", "whoami answers its name");
  equal(outcome.calls, 21);
});

Deno.test("calls are validated: a server not active, a tool it lacks, arguments not an object", async () => {
  await using t = await openPool();
  const outcome = await runSandboxed(t.options(`
    const errors = [];
    for (const attempt of [
      () => mcp.call("github", "list_issues", {}),
      () => mcp.call("echo", "rm_rf", {}),
      () => mcp.call("echo", "echo", ["not", "an", "object"] as any),
      () => mcp.call("echo", "echo", "text" as any),
    ]) {
      try { await attempt(); errors.push("worked"); } catch (e) { errors.push((e as Error).message); }
    }
    return errors;
  `));
  const errors = outcome.value as string[];
  match(errors[0]!, /github is not active; active: echo/);
  match(errors[1]!, /echo has no tool "rm_rf"; its tools: echo, whoami, crash/);
  match(errors[2]!, /must be an object, not an array/);
  match(errors[3]!, /must be an object, not a string/);
});

Deno.test("a server that dies during a call is an Error in the code, and the next call restarts it", async () => {
  await using t = await openPool();
  const outcome = await runSandboxed(t.options(`
    let message = "";
    try { await servers.echo.crash({}); } catch (e) { message = (e as Error).message; }
    return { message, after: await servers.echo.echo({ text: "back" }) };
  `));
  const value = outcome.value as { message: string; after: string };
  match(value.message, /stopped during the call/);
  equal(value.after, "back");
});

Deno.test("valueOf() gives structuredContent, parsed JSON text or text, and throws a tool error", () => {
  deepEqual(valueOf({ content: [{ type: "text", text: "{}" }], structuredContent: { a: 1 } }), {
    a: 1,
  });
  deepEqual(valueOf({ content: [{ type: "text", text: '{"b":2}' }] }), { b: 2 });
  equal(valueOf({ content: [{ type: "text", text: "plain" }] }), "plain");
  let thrown = "";
  try {
    valueOf({ content: [{ type: "text", text: "Entity not found" }], isError: true });
  } catch (error) {
    thrown = (error as Error).message;
  }
  equal(thrown, "Entity not found");
});

/** The Docker registry's tools.json: MCP's inputSchema, or the legacy `arguments` list. */
async function fixtureTools(): Promise<Record<string, TypedTool[]>> {
  const dir = `${ROOT}/tests/fixtures/docker-mcp-registry/servers`;
  const servers: Record<string, TypedTool[]> = {};
  for await (const item of Deno.readDir(dir)) {
    const file = `${dir}/${item.name}/tools.json`;
    const raw = await Deno.readTextFile(file).catch(() => null);
    if (!raw) continue;
    // deno-lint-ignore no-explicit-any
    servers[item.name] = (JSON.parse(raw) as any[]).map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: tool.inputSchema ?? {
        type: "object",
        properties: Object.fromEntries(
          // deno-lint-ignore no-explicit-any
          (tool.arguments ?? []).map((a: any) => [a.name, {
            type: a.type,
            description: a.desc,
            ...(a.items ? { items: a.items } : {}),
          }]),
        ),
        // deno-lint-ignore no-explicit-any
        required: (tool.arguments ?? []).filter((a: any) => !a.optional).map((a: any) => a.name),
      },
    }));
  }
  return servers;
}

Deno.test("declarations() for every tools.json of the Docker registry type-check with deno check", async () => {
  const servers = await fixtureTools();
  ok(Object.keys(servers).length >= 80);
  const text = declarations(servers);
  match(text, /"github-official"|SQLite/);
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-types-" });
  try {
    // Declarations plus code that uses them the way an agent would, and one mistake.
    await Deno.writeTextFile(
      `${dir}/use.ts`,
      `${text}\nexport {};\nasync function agent() {\n` +
        `  const found = await servers.alfresco.search_nodes({ query: "name:x*", ticket: "t", maxItems: 5 });\n` +
        `  return found;\n}\nvoid agent;\n`,
    );
    await Deno.writeTextFile(
      `${dir}/wrong.ts`,
      `${text}\nexport {};\nasync function agent() {\n` +
        `  return await servers.alfresco.search_nodes({ maxItems: "five" });\n}\nvoid agent;\n`,
    );
    const check = (file: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["check", "--no-config", "--quiet", file],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
    const good = await check("use.ts");
    equal(good.code, 0, new TextDecoder().decode(good.stderr));
    const bad = await check("wrong.ts");
    equal(bad.code, 1, "a call with wrong arguments does not type-check");
    match(new TextDecoder().decode(bad.stderr), /query|ticket|maxItems/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("declarations() types enums, unions, arrays, nested objects, $refs and odd names", () => {
  const text = declarations({
    "my-server": [{
      name: "do-it",
      description: "Does it. More words */ here.",
      inputSchema: {
        type: "object",
        properties: {
          mode: { enum: ["a", "b"] },
          ids: { type: "array", items: { type: "integer" } },
          where: { $ref: "#/definitions/place" },
          either: { anyOf: [{ type: "string" }, { type: "null" }] },
        },
        required: ["mode"],
        definitions: { place: { type: "object", properties: { x: { type: "number" } } } },
      },
      outputSchema: { type: "object", properties: { ok: { type: "boolean" } } },
    }],
  });
  match(text, /"my-server": \{/);
  match(text, /\/\*\* Does it\. \*\//);
  match(text, /"do-it"\(args: \{/);
  match(text, /mode: "a" \| "b";/);
  match(text, /ids\?: number\[\];/);
  match(text, /x\?: number;/);
  match(text, /either\?: string \| null;/);
  match(text, /Promise<\{\n\s+ok\?: boolean;\n\s+\}>/);
});
