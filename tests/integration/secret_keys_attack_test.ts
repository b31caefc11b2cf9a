/**
 * Attacks on keys a catalog does not declare as secrets: an `env` item or a parameter named like
 * a credential (`MY_API_KEY`, `api_token`) in the user's own catalog. Its value must stay out of
 * tool results, `registry-status`, the web API, `state.kv` on disk and the log, live in
 * `secrets.json` (0600) and still reach the server, through its environment and never argv. And
 * the data folder stays private when it existed before with a wider mode.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { generateToken, serveHttp } from "../../src/http/serve_http.ts";
import { buildLaunchSpec, LaunchError } from "../../src/runtime/launch_spec.ts";
import { LocalCatalogsSource } from "../../src/sources/local_catalogs.ts";
import { ConfigStore } from "../../src/store/config_store.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { openTestRegistry, type TestRegistry } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const CANARY_ENV = "canary-env-7f3a9c2e41b8d605";
const CANARY_PARAM = "canary-param-0d5e8b17c94a2f36";
const NODE_RUNTIME = "localhost/mcp-registry-test/node-runtime:latest";

/**
 * A tiny MCP server: it refuses to start when MY_API_KEY is set (repeating it on stderr, as a
 * careless server does), and its one tool answers the SHA-256 of SERVICE_TOKEN.
 */
const SERVER_JS = `
const digest = (v) => require("crypto").createHash("sha256").update(v || "").digest("hex");
if (process.env.MY_API_KEY) {
  console.error("rejected key " + process.env.MY_API_KEY);
  process.exit(3);
}
require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
  let m;
  try { m = JSON.parse(line); } catch { return; }
  if (m.id === undefined) return;
  let result = {};
  if (m.method === "initialize") {
    result = { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} },
      serverInfo: { name: "key-holder", version: "1" } };
  } else if (m.method === "tools/list") {
    result = { tools: [{ name: "digest", description: "SHA-256 of SERVICE_TOKEN",
      inputSchema: { type: "object", properties: {} } }] };
  } else if (m.method === "tools/call") {
    result = { content: [{ type: "text", text: digest(process.env.SERVICE_TOKEN) }] };
  }
  process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: m.id, result }) + "\\n");
});
`;

/** The hostile entry, as a user's catalog file (server.yaml format) could hold it. */
const CATALOG = `name: key-holder
image: ${NODE_RUNTIME}
about:
  title: Key holder
run:
  command: ${JSON.stringify(["node", "-e", SERVER_JS])}
config:
  env:
    - name: MY_API_KEY
      required: false
    - name: SERVICE_TOKEN
      value: "{{key-holder.api_token}}"
  parameters:
    type: object
    properties:
      api_token:
        type: string
        description: The service's token
      region:
        type: string
`;

/** A registry over a local catalog holding the hostile entry, its data folder planted first. */
async function openKeyHolder(
  before?: (dataDir: string) => Promise<void>,
): Promise<TestRegistry> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-keys-" });
  const file = `${dir}/catalog.yaml`;
  await Deno.writeTextFile(file, CATALOG);
  const t = await openTestRegistry({
    dir,
    sources: [new LocalCatalogsSource({ paths: [file] })],
    env: { MCP_REGISTRY_CATALOGS: file },
    before,
  });
  const outcome = await t.registry.catalog.refresh("local");
  ok(outcome.ok, JSON.stringify(outcome));
  const dispose = t[Symbol.asyncDispose].bind(t);
  t[Symbol.asyncDispose] = async () => {
    await dispose();
    await Deno.remove(dir, { recursive: true });
  };
  return t;
}

/** Every file of the data folder, its bytes as text (Kv pages, WAL, secrets). */
async function dataFiles(dataDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const item of Deno.readDir(dataDir)) {
    if (!item.isFile) continue;
    const bytes = await Deno.readFile(`${dataDir}/${item.name}`);
    files.set(item.name, new TextDecoder("latin1").decode(bytes));
  }
  return files;
}

const modeOf = async (path: string) => ((await Deno.stat(path)).mode ?? 0) & 0o777;

Deno.test("an env item and a parameter named like keys are stored and shown as secrets, nowhere else", async () => {
  let dataDir = "";
  await using t = await openKeyHolder(async (data) => {
    dataDir = data;
    await Deno.mkdir(data, { recursive: true });
    await Deno.chmod(data, 0o755); // a folder made before, by hand or by an older version
  });
  const set = await t.call("registry-config-set", {
    id: "key-holder",
    values: { MY_API_KEY: CANARY_ENV, "key-holder.api_token": CANARY_PARAM, region: "eu" },
  });
  ok(!set.isError, JSON.stringify(set));
  const view = (set.structuredContent as Json).config as Json[];
  deepEqual(
    view.map((c) => [c.key, c.kind, c.set, c.value]),
    [
      ["api_token", "secret", true, "********"],
      ["region", "parameter", true, "eu"],
      ["MY_API_KEY", "secret", true, "********"],
    ],
  );
  const status = await t.call("registry-status");
  const token = generateToken();
  await using endpoint = await serveHttp(t.registry, { port: 0, token, log: t.registry.log });
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${endpoint.pageUrl.replace(/\/$/, "")}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...body
          ? { "content-type": "application/json", origin: new URL(endpoint.pageUrl).origin }
          : {},
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  const detail = await api("GET", "/api/entries/key-holder");
  const detailText = await detail.text();
  equal(detail.status, 200, detailText);
  deepEqual(
    JSON.parse(detailText).config.map((c: Json) => [c.key, c.kind, c.value, c.type]),
    [["api_token", "secret", "********", null], ["region", "parameter", "eu", "string"], [
      "MY_API_KEY",
      "secret",
      "********",
      null,
    ]],
  );
  const put = await api("PUT", "/api/entries/key-holder/config", {
    values: { MY_API_KEY: CANARY_ENV },
  });
  const putText = await put.text();
  equal(put.status, 200, putText);

  const answers = [JSON.stringify(set), JSON.stringify(status), detailText, putText];
  for (const answer of answers) {
    ok(!answer.includes(CANARY_ENV) && !answer.includes(CANARY_PARAM), answer);
  }
  const log = t.logs.join("\n");
  ok(t.logs.length > 0 && !log.includes(CANARY_ENV) && !log.includes(CANARY_PARAM), log);

  // On disk: only in secrets.json (0600); the folder and the Kv files are private.
  const files = await dataFiles(dataDir);
  ok(files.has("state.kv") && files.has("secrets.json"), [...files.keys()].join(" "));
  for (const [name, bytes] of files) {
    const holds = bytes.includes(CANARY_ENV) || bytes.includes(CANARY_PARAM);
    equal(holds, name === "secrets.json", `${name} ${holds ? "holds" : "lacks"} a key`);
    equal(await modeOf(`${dataDir}/${name}`), 0o600, name);
  }
  const secrets = JSON.parse(files.get("secrets.json")!);
  deepEqual(secrets["key-holder"], { MY_API_KEY: CANARY_ENV, api_token: CANARY_PARAM });
  equal(await modeOf(dataDir), 0o700, "the pre-existing 0755 data folder");
  match(log, /made the folder of a Kv store private \(0700\)/);
});

Deno.test("keys an older version kept in state.kv move to secrets.json and keep working", async () => {
  let dataDir = "";
  await using t = await openKeyHolder(async (data) => {
    dataDir = data;
    await Deno.mkdir(data, { recursive: true, mode: 0o755 });
    await Deno.chmod(data, 0o755);
    const kv = await Deno.openKv(`${data}/state.kv`);
    await kv.set(["config", "key-holder"], {
      params: { api_token: CANARY_PARAM, region: "eu" },
      env: { MY_API_KEY: CANARY_ENV },
      updated_at: new Date(0).toISOString(),
    });
    kv.close();
    await Deno.chmod(`${data}/state.kv`, 0o644);
  });
  equal(await modeOf(`${dataDir}/state.kv`), 0o600, "an old world-readable store narrowed");
  const detail = await t.call("registry-config-set", {
    id: "key-holder",
    values: { region: "us" },
  });
  ok(!detail.isError, JSON.stringify(detail));
  ok(!JSON.stringify(detail).includes(CANARY_ENV), JSON.stringify(detail));
  deepEqual((detail.structuredContent as Json).missing, []);
  const kv = await Deno.openKv(`${dataDir}/state.kv`);
  try {
    const plain = (await kv.get<Json>(["config", "key-holder"])).value;
    deepEqual([plain.params, plain.env], [{ region: "us" }, {}]);
  } finally {
    kv.close();
  }
  const secrets = JSON.parse(await Deno.readTextFile(`${dataDir}/secrets.json`));
  deepEqual(secrets["key-holder"], { MY_API_KEY: CANARY_ENV, api_token: CANARY_PARAM });
  const config = await t.registry.context.configs.get("key-holder");
  equal(config.params.api_token, CANARY_PARAM, "templates still read it");
  ok(!t.logs.join("\n").includes(CANARY_ENV));
});

Deno.test("a parameter named like a key is refused on the command line", async () => {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(":memory:");
  try {
    const configs = new ConfigStore(kv, dir);
    const config = await configs.update("argv", { params: { api_key: CANARY_PARAM } });
    const { minimalEntry } = await import("../../src/catalog/entry.ts");
    const entry = minimalEntry({
      id: "argv",
      container_image: "example/argv",
      run: { command: ["--api-key", "{{argv.api_key}}"] } as Json,
      config: { parameters: { type: "object", properties: { api_key: { type: "string" } } } },
    });
    let refused: unknown;
    try {
      buildLaunchSpec(entry, config);
    } catch (error) {
      refused = error;
    }
    ok(refused instanceof LaunchError, String(refused));
    match((refused as Error).message, /secret on the container's command line/);
    ok(!(refused as Error).message.includes(CANARY_PARAM));
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "a key-named parameter reaches the server through its environment only; a server repeating a key-named env value is masked in the result and the log",
  ignore: !HAS_PODMAN,
  async fn() {
    await using t = await openKeyHolder();
    const set = await t.call("registry-config-set", {
      id: "key-holder",
      values: { api_token: CANARY_PARAM },
    });
    ok(!set.isError, JSON.stringify(set));
    const added = await t.call("registry-add", { id: "key-holder" });
    ok(!added.isError, JSON.stringify(added));
    const container = (added.structuredContent as Json).container as string;
    try {
      const digest = await t.call("key-holder__digest");
      const expected = Array.from(
        new Uint8Array(
          await crypto.subtle.digest("SHA-256", new TextEncoder().encode(CANARY_PARAM)),
        ),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      equal((digest.content[0] as Json).text, expected, "the server got the token");
      const args = await podman(
        "inspect",
        "--format",
        "{{json .Config.Cmd}} {{json .Args}}",
        container,
      );
      ok(!args.includes(CANARY_PARAM), "not on the container's command line");

      // The restart with MY_API_KEY set fails, and the server repeats the key on stderr.
      const restart = await t.call("registry-config-set", {
        id: "key-holder",
        values: { MY_API_KEY: CANARY_ENV },
      });
      equal(restart.isError, true, JSON.stringify(restart));
      match(JSON.stringify(restart), /rejected key \*{8}/);
      ok(!JSON.stringify(restart).includes(CANARY_ENV), JSON.stringify(restart));
      const status = await t.call("registry-status");
      const active = await t.call("registry-active");
      for (const answer of [status, active]) ok(!JSON.stringify(answer).includes(CANARY_ENV));
      const log = t.logs.join("\n");
      match(log, /"level":"warn"/);
      ok(!log.includes(CANARY_ENV) && !log.includes(CANARY_PARAM), log);
    } finally {
      await t.call("registry-remove", { id: "key-holder" });
    }
  },
});
