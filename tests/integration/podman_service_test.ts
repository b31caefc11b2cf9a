/**
 * Servers attached over one podman API service (`MCP_REGISTRY_PODMAN_ATTACH=service`), with
 * real containers: a tool call, the hardening the container really got, several servers on
 * one service, a container killed from outside, clean stops, a registry killed with SIGKILL,
 * hostile servers (garbage and a runaway message on stdout), and the fallback to
 * `podman run -i` when the service cannot start.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { minimalEntry } from "../../src/catalog/entry.ts";
import { ActiveServers } from "../../src/proxy/active_servers.ts";
import { Upstream } from "../../src/proxy/upstream.ts";
import {
  containerName,
  type ContainerRequest,
  LABEL_OWNER,
  ownerTag,
  serverLabels,
} from "../../src/runtime/container_runtime.ts";
import type { LaunchSpec } from "../../src/runtime/launch_spec.ts";
import { Podman } from "../../src/runtime/podman.ts";
import { DEFAULT_LIMITS } from "../../src/runtime/podman_args.ts";
import { createLogger } from "../../src/util/log.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { openTestRegistry, textOf } from "../_helpers/registry.ts";

const MEMORY = "docker.io/mcp/memory:latest";
const NODE = "localhost/mcp-registry-test/node:base";

/** A request for server `id` (a test's own: its tag first), owned by this process. */
function request(id: string, spec: Partial<LaunchSpec> = {}): ContainerRequest {
  return {
    spec: {
      image: MEMORY,
      command: [],
      env: {},
      volumes: [],
      user: null,
      disableNetwork: true,
      ...spec,
    },
    name: containerName(id),
    labels: serverLabels(id, ownerTag()),
    limits: DEFAULT_LIMITS,
  };
}

/**
 * Names of a test's containers (its servers' ids begin with `tag`), running or not. Owned by
 * this live process, so that no registry starting meanwhile (a parallel test) sweeps them.
 */
async function containersOf(tag: string): Promise<string[]> {
  const out = await podman(
    "ps",
    "--all",
    "--filter",
    `label=${LABEL_OWNER}=${ownerTag()}`,
    "--format",
    "{{.Names}}",
  );
  return out.split("\n").filter((n) => n.startsWith(`mcp-registry-${tag}-`)).sort();
}

async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 15_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * This process's children (what runs outside the containers): with `--parallel`, other tests'
 * registries and their services are among them.
 */
async function childProcesses(): Promise<{ pid: number; cmd: string }[]> {
  const out: { pid: number; cmd: string }[] = [];
  for await (const item of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(item.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${item.name}/stat`).catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid !== Deno.pid) continue;
    const cmd = await Deno.readTextFile(`/proc/${item.name}/cmdline`).catch(() => "");
    out.push({ pid: Number(item.name), cmd: cmd.split("\0").join(" ").trim() });
  }
  return out;
}

function processGone(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return /\) [ZX] /.test(stat);
  } catch {
    return true;
  }
}

function serviceTest(
  name: string,
  fn: (podman: Podman, tag: string) => Promise<void>,
  options: { idleSeconds?: number } = {},
) {
  Deno.test({
    name: `podman API service: ${name}`,
    ignore: !HAS_PODMAN,
    async fn() {
      const idle = options.idleSeconds;
      const runtime = new Podman({
        attach: "service",
        ...idle ? { serviceIdleSeconds: idle } : {},
      });
      // Its servers' ids begin with a tag of its own: the checks see its containers only.
      const tag = `svc${crypto.randomUUID().slice(0, 8)}`;
      let failed = true;
      try {
        await fn(runtime, tag);
        failed = false;
      } finally {
        const left = await containersOf(tag);
        await runtime.remove(left);
        await runtime.close();
        // Not over the test's own failure, which says more.
        if (!failed) deepEqual(left, [], "the test left no container");
      }
    },
  });
}

serviceTest(
  "a server starts, answers a tool, keeps every hardening flag, and a clean stop leaves nothing",
  async (runtime, tag) => {
    const req = request(`${tag}-memory`, { env: { MEMORY_FILE_PATH: "/tmp/memory.json" } });
    let exited = "";
    const upstream = await Upstream.start({
      id: "memory",
      attach: () => runtime.attachServer(req),
      command: runtime.serverCommand(req),
      onExit: (reason) => exited = reason,
    });
    try {
      equal(runtime.attachStatus().mode, "service");
      const created = await upstream.callTool("create_entities", {
        entities: [{ name: "a", entityType: "t", observations: ["x"] }],
      });
      match(JSON.stringify(created), /"name":"a"/);
      const graph = await upstream.callTool("read_graph", {});
      match(JSON.stringify(graph), /"entities":\[\{[^\]]*"name":"a"/);
      // No podman client of its own: no process names it; the service runs beside.
      const children = await childProcesses();
      deepEqual(children.filter((c) => c.cmd.includes(req.name)), [], "no process names it");
      const service = children.find((c) => c.pid === runtime.attachStatus().servicePid);
      const socket = /podman system service --time=30 unix:\/\/(\S+\/podman\.sock)$/.exec(
        service?.cmd ?? "",
      )?.[1];
      ok(socket, service?.cmd);
      const folder = await Deno.stat(socket.slice(0, socket.lastIndexOf("/")));
      equal(folder.mode! & 0o777, 0o700, "only this user may reach the socket");

      const [inspect] = JSON.parse(await podman("container", "inspect", req.name));
      const host = inspect.HostConfig;
      deepEqual(inspect.EffectiveCaps ?? [], [], "no capability left");
      ok(host.SecurityOpt.includes("no-new-privileges"), JSON.stringify(host.SecurityOpt));
      equal(host.Memory, 512 * 1024 * 1024);
      equal(host.NanoCpus, 1_000_000_000);
      equal(host.PidsLimit, 256);
      equal(host.Init, true);
      equal(host.AutoRemove, true);
      equal(host.NetworkMode, "none");
      equal(inspect.Config.OpenStdin, true);
      deepEqual(
        Object.fromEntries(Object.keys(req.labels).map((k) => [k, inspect.Config.Labels[k]])),
        req.labels,
      );
      ok(inspect.Config.Env.includes("MEMORY_FILE_PATH=/tmp/memory.json"), "the value arrived");
      ok(!inspect.Config.CreateCommand.join(" ").includes("/tmp/memory.json"), "never in argv");
      ok(!inspect.Config.Env.some((e: string) => /^https?_proxy=/i.test(e)), "no proxy variables");
    } finally {
      await upstream.close();
    }
    equal(exited, "", "a stop is not a crash");
    // Its input ended: the server exits and --rm removes it, with no `podman rm` from us.
    await eventually(async () => (await containersOf(tag)).length === 0, "the container gone");
  },
);

serviceTest(
  "the service ends when nothing is attached, and the next start brings a new one",
  async (runtime, tag) => {
    const start = async (id: string) => {
      const req = request(`${tag}-${id}`);
      const upstream = await Upstream.start({ id, attach: () => runtime.attachServer(req) });
      match(JSON.stringify(await upstream.callTool("read_graph", {})), /entities/);
      return { req, upstream };
    };
    const first = await start("one");
    const pid = runtime.attachStatus().servicePid!;
    ok(pid);
    await new Promise((r) => setTimeout(r, 1_500));
    equal(runtime.attachStatus().servicePid, pid, "an attached server keeps it alive");
    await first.upstream.close();
    await runtime.remove([first.req.name]);
    await eventually(() => processGone(pid), "the idle service exited");
    const second = await start("two");
    try {
      const again = runtime.attachStatus();
      equal(again.mode, "service", "no fall back for an idle exit");
      ok(again.servicePid && again.servicePid !== pid, "a new service");
    } finally {
      await second.upstream.close();
      await runtime.remove([second.req.name]);
    }
  },
  { idleSeconds: 1 },
);

serviceTest("five servers at once share the one service", async (runtime, tag) => {
  const requests = Array.from({ length: 5 }, (_, i) => request(`${tag}-memory${i}`));
  const upstreams = await Promise.all(
    requests.map((req) =>
      Upstream.start({ id: req.name, attach: () => runtime.attachServer(req) })
    ),
  );
  try {
    const pid = runtime.attachStatus().servicePid;
    ok(pid, "the service runs");
    const results = await Promise.all(upstreams.map((u) => u.callTool("read_graph", {})));
    for (const result of results) match(JSON.stringify(result), /entities/);
    const children = await childProcesses();
    for (const req of requests) ok(!children.some((c) => c.cmd.includes(req.name)), req.name);
    equal((await containersOf(tag)).length, 5);
    equal(runtime.attachStatus().servicePid, pid, "still the same service");
  } finally {
    await Promise.all(upstreams.map((u) => u.close()));
    await runtime.remove(requests.map((r) => r.name));
  }
  deepEqual(await containersOf(tag), []);
});

serviceTest(
  "a container killed from outside: the pool notices, says why, and the next call starts it again",
  async (runtime, tag) => {
    const entry = minimalEntry({ id: `${tag}-memory`, container_image: MEMORY });
    const pool = new ActiveServers({
      runtime,
      limits: DEFAULT_LIMITS,
      owner: ownerTag(),
      log: createLogger("silent"),
      onToolsChanged: () => {},
      loadConfig: () => Promise.resolve({ params: {}, env: {}, secrets: {} }),
      lookupEntry: () => entry,
      mountPolicy: () => Promise.resolve({ roots: [], home: "/nonexistent", protectedPaths: [] }),
      restartBackoffMs: [50],
    });
    try {
      await pool.add(entry, { params: {}, env: {}, secrets: {} });
      const [first] = pool.list();
      ok(first?.container);
      await podman("kill", first.container);
      await eventually(() => pool.list()[0]?.state === "exited", "the pool saw the exit");
      match(pool.list()[0]!.last_error ?? "", /the server exited/);
      const result = await pool.call(entry.id, "read_graph", {});
      match(JSON.stringify(result), /entities/);
      const [second] = pool.list();
      equal(second?.state, "running");
      ok(second.container !== first.container, "a new container");
    } finally {
      await pool.closeAll();
    }
    deepEqual(await containersOf(tag), []);
  },
);

serviceTest(
  "a registry killed with SIGKILL leaves no container running, and the service ends by itself",
  async (_runtime, tag) => {
    const script = `
    import { Podman } from "${new URL("../../src/runtime/podman.ts", import.meta.url)}";
    import { Upstream } from "${new URL("../../src/proxy/upstream.ts", import.meta.url)}";
    const runtime = new Podman({ attach: "service", serviceIdleSeconds: 2 });
    const req = ${JSON.stringify(request(`${tag}-memory`))};
    await Upstream.start({ id: "memory", attach: () => runtime.attachServer(req) });
    console.log(JSON.stringify({ name: req.name, service: runtime.attachStatus().servicePid }));
    setInterval(() => {}, 1000);
  `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../../deno.json", import.meta.url).pathname, "-"],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(script));
    await writer.close();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await reader.read();
    const { name, service } = JSON.parse(value!);
    ok(service, "the child's service ran");
    deepEqual(await containersOf(tag), [name]);
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    // Its stdin ended with the connection: the server exits and --rm removes it.
    await eventually(async () => (await containersOf(tag)).length === 0, "the container gone");
    await eventually(() => processGone(service), "the orphaned service exited when idle");
  },
);

serviceTest(
  "hostile servers: garbage lines are skipped, a runaway message stops only that server",
  async (runtime, tag) => {
    // A tiny MCP server that writes garbage around each answer; the tool `flood` answers with
    // 80 MiB and no newline.
    const server = `
    const rl = require("readline").createInterface({ input: process.stdin });
    const out = (m) => process.stdout.write("garbage {not json\\n\\u0000\\u0001\\n" + JSON.stringify(m) + "\\n[1,2\\n");
    rl.on("line", (line) => {
      const m = JSON.parse(line);
      if (m.method === "initialize") out({ jsonrpc: "2.0", id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "hostile", version: "1" } } });
      else if (m.method === "tools/list") out({ jsonrpc: "2.0", id: m.id, result: { tools: [{ name: "echo", inputSchema: { type: "object" } }, { name: "flood", inputSchema: { type: "object" } }] } });
      else if (m.method === "tools/call" && m.params.name === "echo") out({ jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: "still here" }] } });
      else if (m.method === "tools/call") { const chunk = "x".repeat(1 << 20); for (let i = 0; i < 80; i++) process.stdout.write(chunk); }
    });
  `;
    const req = request(`${tag}-hostile`, { image: NODE, command: ["node", "-e", server] });
    let exited = "";
    const upstream = await Upstream.start({
      id: "hostile",
      attach: () => runtime.attachServer(req),
      onExit: (reason) => exited = reason,
    });
    try {
      deepEqual(upstream.tools.map((t) => t.name), ["echo", "flood"]);
      match(JSON.stringify(await upstream.callTool("echo", {})), /still here/);
      const flood = await upstream.callTool("flood", {}, 30_000).then(() => null, (e) => e);
      ok(flood instanceof Error, "the runaway call fails");
      await eventually(() => !upstream.running, "the runaway server was stopped");
      match(exited, /over 64 MiB/);
    } finally {
      await upstream.close();
      await runtime.remove([req.name]);
    }
  },
);

serviceTest(
  "a server that fails at start: its own words are in the error, and nothing is left",
  async (runtime, tag) => {
    const script = 'console.error("boom: NOTES_API_KEY is not set"); process.exit(3)';
    const req = request(`${tag}-failing`, { image: NODE, command: ["node", "-e", script] });
    const error = await Upstream.start({
      id: "failing",
      attach: () => runtime.attachServer(req),
      startTimeoutMs: 20_000,
    }).then(() => null, (e) => e);
    ok(error instanceof Error, "it did not start");
    match(error.message, /failing did not start/);
    match(error.message, /boom: NOTES_API_KEY is not set/);
    await eventually(async () => (await containersOf(tag)).length === 0, "its container gone");
  },
);

serviceTest(
  "a server that ignores the end of its input is stopped all the same",
  async (runtime, tag) => {
    // Answers MCP, and never exits on its own.
    const server = `
    process.stdin.on("end", () => {});
    require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
      const m = JSON.parse(line);
      const reply = (result) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: m.id, result }) + "\\n");
      if (m.method === "initialize") reply({ protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "stubborn", version: "1" } });
      else if (m.method === "tools/list") reply({ tools: [] });
    });
    setInterval(() => {}, 1000);
  `;
    const req = request(`${tag}-stubborn`, { image: NODE, command: ["node", "-e", server] });
    let exited = "";
    const upstream = await Upstream.start({
      id: "stubborn",
      attach: () => runtime.attachServer(req),
      onExit: (reason) => exited = reason,
    });
    await upstream.close(); // its input ends; 2 s later the connection is dropped
    equal(upstream.running, false);
    equal(exited, "", "a stop is not a crash");
    deepEqual(await containersOf(tag), [req.name], "it still runs: the pool's remove follows");
    await runtime.remove([req.name]);
    deepEqual(await containersOf(tag), []);
  },
);

Deno.test({
  name:
    "podman API service: when it cannot start, servers run under podman run -i and the log says why",
  ignore: !HAS_PODMAN,
  async fn() {
    // A podman whose `system service` fails at once; every other command is the real podman.
    const dir = await Deno.makeTempDir({ prefix: "podman-no-service-" });
    const fake = `${dir}/podman`;
    await Deno.writeTextFile(
      fake,
      '#!/bin/sh\nif [ "$1" = system ]; then echo "Error: no API service here" >&2; exit 125; fi\n' +
        'exec podman "$@"\n',
    );
    await Deno.chmod(fake, 0o755);
    const warnings: string[] = [];
    const log = createLogger("silent");
    log.warn = (message, fields) => void warnings.push(`${message} ${JSON.stringify(fields)}`);
    const runtime = new Podman({ binary: fake, attach: "service", log });
    const req = request(`svc${crypto.randomUUID().slice(0, 8)}-memory`);
    try {
      equal(await runtime.attachServer(req), null);
      const status = runtime.attachStatus();
      equal(status.mode, "run");
      match(status.reason ?? "", /no API service here.*podman run -i/);
      equal(warnings.length, 1);
      match(warnings[0]!, /podman API service unavailable/);
      const upstream = await Upstream.start({
        id: "memory",
        attach: () => runtime.attachServer(req),
        command: runtime.serverCommand(req),
      });
      try {
        match(JSON.stringify(await upstream.callTool("read_graph", {})), /entities/);
        const clients = (await childProcesses()).filter((c) => c.cmd.includes(req.name));
        equal(clients.length, 1, "its own podman run client");
        match(clients[0]!.cmd, / run --rm -i /);
      } finally {
        await upstream.close();
      }
    } finally {
      await runtime.remove([req.name]);
      await runtime.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("registry-status says when servers do not attach over the shared service", async () => {
  const statusText = async (env: Record<string, string>) => {
    await using r = await openTestRegistry({ env });
    return textOf(await r.call("registry-status"));
  };
  match(await statusText({ MCP_REGISTRY_PODMAN_ATTACH: "run" }), /podman client process each/);
  ok(!/podman client process each/.test(await statusText({})), "the usual way goes unsaid");
});
