/**
 * Official tools against our server: the MCP conformance suite over `serve --http`, and the MCP
 * Inspector's CLI over stdio. Both come from npm at their pinned versions.
 */
import { equal, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { serveHttp } from "../../src/http/serve_http.ts";
import { ROOT } from "../_helpers/processes.ts";
import { openTestRegistry } from "../_helpers/registry.ts";

/** `deno` arguments of the suite: pinned in the tests' lockfile (deno.lock is the registry's). */
const RUN_CONFORMANCE = [
  "run",
  "-A",
  `--lock=${fileURLToPath(new URL("../deno.lock", import.meta.url))}`,
  "npm:@modelcontextprotocol/conformance@0.1.16",
];
const INSPECTOR = "@modelcontextprotocol/inspector@2.12.0";

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
}

async function conformance(url: string, scenario: string, outDir: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...RUN_CONFORMANCE, "server", "--url", url, "--scenario", scenario, "-o", outDir],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const checks: Check[] = [];
  for await (const entry of Deno.readDir(outDir)) {
    if (!entry.isDirectory || !entry.name.startsWith(`server-${scenario}-`)) continue;
    checks.push(...JSON.parse(await Deno.readTextFile(`${outDir}/${entry.name}/checks.json`)));
  }
  return { code: out.code, text, checks };
}

Deno.test("the MCP conformance suite passes the scenarios our server supports, over serve --http", async () => {
  await using t = await openTestRegistry();
  const token = "conformance-token";
  await using endpoint = await serveHttp(t.registry, { port: 0, token, log: t.registry.log });
  // The suite cannot send a bearer token. A loopback proxy adds it (a test seam: what is under
  // test is the protocol; the token itself is tested in http_test.ts).
  const target = new URL(endpoint.url);
  await using proxy = (() => {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const url = new URL(req.url);
      const headers = new Headers(req.headers);
      headers.set("authorization", `Bearer ${token}`);
      headers.delete("host");
      const res = await fetch(new URL(url.pathname + url.search, target), {
        method: req.method,
        headers,
        body: req.body,
      });
      return new Response(res.body, { status: res.status, headers: res.headers });
    });
    return {
      url: `http://127.0.0.1:${server.addr.port}/mcp`,
      [Symbol.asyncDispose]: () => server.shutdown(),
    };
  })();
  const outDir = await Deno.makeTempDir({ dir: t.dir });
  for (const scenario of ["server-initialize", "ping", "tools-list"]) {
    const run = await conformance(proxy.url, scenario, outDir);
    equal(run.code, 0, `${scenario}:\n${run.text}`);
    ok(run.checks.length > 0 && run.checks.every((c) => c.status === "SUCCESS"), scenario);
  }
  // DNS rebinding, straight at the server: foreign Host/Origin are refused. The suite's second
  // check expects a 2xx without credentials; ours answers 401 by design (a token is required).
  const rebinding = await conformance(endpoint.url, "dns-rebinding-protection", outDir);
  const byId = Object.fromEntries(rebinding.checks.map((c) => [c.id, c]));
  equal(byId["localhost-host-rebinding-rejected"]?.status, "SUCCESS", rebinding.text);
  match(byId["localhost-host-valid-accepted"]?.errorMessage ?? "", /got 401/);
});

Deno.test("the MCP Inspector CLI lists and calls our tools over stdio", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const env = [
      `MCP_REGISTRY_CACHE_DIR=${dir}/cache`,
      `MCP_REGISTRY_DATA_DIR=${dir}/data`,
      "MCP_REGISTRY_DOCKER_REPO=/nonexistent",
      "MCP_REGISTRY_SOURCES=docker",
      "MCP_REGISTRY_LOG_LEVEL=error",
    ].flatMap((e) => ["-e", e]);
    const inspect = async (...method: string[]) => {
      const out = await new Deno.Command("npx", {
        args: [
          "-y",
          INSPECTOR,
          "--cli",
          ...env,
          Deno.execPath(),
          "run",
          "-A",
          `${ROOT}main.ts`,
          ...method,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
      return JSON.parse(text.slice(text.indexOf("{")));
    };
    const listed = await inspect("--method", "tools/list");
    ok(listed.tools.some((tool: { name: string }) => tool.name === "registry-find"));
    const called = await inspect(
      "--method",
      "tools/call",
      "--tool-name",
      "registry-find",
      "--tool-arg",
      "query=slak",
      "--tool-arg",
      "limit=1",
    );
    equal(called.structuredContent.results[0].id, "slack");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
