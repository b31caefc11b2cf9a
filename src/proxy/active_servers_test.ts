/**
 * The pool's state machine against the fake runtime (tests/_helpers/fake_runtime.ts): real
 * child processes speaking MCP to the real client, no podman, milliseconds a test. The same
 * paths with real containers are tested in tests/integration/.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { type CatalogEntry, minimalEntry } from "../catalog/entry.ts";
import type { ServerConfig } from "../catalog/settings.ts";
import {
  LABEL_MANAGED,
  LABEL_OWNER,
  LABEL_SERVER,
  ownerTag,
  serverLabels,
} from "../runtime/container_runtime.ts";
import { DEFAULT_LIMITS } from "../runtime/podman_args.ts";
import { MountStore } from "../store/mount_store.ts";
import { createLogger } from "../util/log.ts";
import { FakeRuntime, type FakeRuntimeOptions } from "../../tests/_helpers/fake_runtime.ts";
import { ActiveServers, type ActiveServersOptions } from "./active_servers.ts";

const OWNER = ownerTag();

/** A long-lived server of the fake image; it needs FAKE_MODE set. */
const ECHO: CatalogEntry = minimalEntry({
  id: "echo",
  title: "Echo",
  container_image: "fake/echo",
  config: { env: [{ name: "FAKE_MODE" }] },
});

function settings(mode: string): ServerConfig {
  return { params: {}, env: { FAKE_MODE: mode }, secrets: {} };
}

function textOf(result: { content: unknown }): string {
  return (result.content as { type: string; text: string }[]).map((c) => c.text).join("\n");
}

/** A pool over a fake runtime, with settings a test may change; both disposed at the end. */
async function openPool(
  options: Partial<ActiveServersOptions> & { fake?: FakeRuntimeOptions } = {},
) {
  const runtime = new FakeRuntime(options.fake);
  const kv = await Deno.openKv(":memory:");
  const mounts = new MountStore(kv);
  const configs = new Map<string, ServerConfig>([["echo", settings("a")]]);
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];
  const log = createLogger("silent");
  log.info = (message, fields) => void logged.push({ message, fields });
  let changes = 0;
  const pool = new ActiveServers({
    runtime,
    limits: DEFAULT_LIMITS,
    owner: OWNER,
    log,
    mounts,
    loadConfig: (id) => Promise.resolve(configs.get(id) ?? settings("")),
    lookupEntry: (id) => (id === "echo" ? ECHO : undefined),
    mountPolicy: () => Promise.resolve({ roots: [], home: "/nonexistent", protectedPaths: [] }),
    restartBackoffMs: [10, 10],
    onToolsChanged: () => changes++,
    ...options,
  });
  return {
    pool,
    runtime,
    mounts,
    configs,
    logged,
    changes: () => changes,
    containerOf: (id: string) => pool.list().find((a) => a.id === id)?.container ?? "",
    async [Symbol.asyncDispose]() {
      await pool.closeAll();
      await runtime[Symbol.asyncDispose]();
      kv.close();
    },
  };
}

/** Waits until `check` holds (a child's exit reaches the pool a moment after the kill). */
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  ok(check(), `timed out waiting until ${what}`);
}

Deno.test("`add()` runs the server through the runtime, labelled, limited, its tools exposed", async () => {
  await using t = await openPool();
  const outcome = await t.pool.add(ECHO, settings("a"));
  equal(outcome.status, "started");
  deepEqual(outcome.tools.map((x) => x.name), ["echo__echo", "echo__whoami", "echo__crash"]);

  const [request] = t.runtime.requests;
  ok(request);
  deepEqual(request.labels, serverLabels("echo", OWNER));
  deepEqual(request.limits, DEFAULT_LIMITS);
  equal(request.spec.image, "docker.io/fake/echo");
  deepEqual(request.spec.env, { FAKE_MODE: "a" });
  const [info] = t.pool.list();
  equal(info?.state, "running");
  equal(info?.container, request.name);
  deepEqual(await t.runtime.live(), [request.name]);

  deepEqual(t.pool.route("echo__echo"), { id: "echo", tool: "echo" });
  const tool = t.pool.exposedTools().find((x) => x.name === "echo__echo");
  equal(tool?.description, "[Echo] the fake's echo");
  equal(textOf(await t.pool.call("echo", "echo", { text: "hello" })), "hello");
  ok(t.changes() > 0, "clients heard of the new tools");
  deepEqual((await t.mounts.list()).map((m) => m.id), ["echo"]);
});

Deno.test("`add()` with the same settings is already running; two adds at once start one server", async () => {
  await using t = await openPool();
  const [first, second] = await Promise.all([
    t.pool.add(ECHO, settings("a")),
    t.pool.add(ECHO, settings("a")),
  ]);
  equal(first.status, "started");
  equal(second, first, "the second add joined the first");
  equal((await t.pool.add(ECHO, settings("a"))).status, "already-running");
  equal(t.runtime.requests.length, 1);
});

Deno.test("`add()` with other settings restarts the server and stops the old container", async () => {
  await using t = await openPool();
  await t.pool.add(ECHO, settings("a"));
  const old = t.containerOf("echo");
  const outcome = await t.pool.add(ECHO, settings("b"));
  equal(outcome.status, "restarted");
  const now = t.containerOf("echo");
  ok(now !== old && t.runtime.removed.includes(old));
  deepEqual(await t.runtime.settled([now]), [now]);
  equal(textOf(await t.pool.call("echo", "whoami", {})), `${now} b`);
});

Deno.test("a restart whose settings cannot start stops the old server and lists it as failed", async () => {
  await using t = await openPool();
  await t.pool.add(ECHO, settings("a"));
  const old = t.containerOf("echo");
  // Refused before anything starts (a required value unset): the old one is stopped too.
  await rejects(
    t.pool.add(ECHO, settings("")),
    /^LaunchError: echo needs FAKE_MODE first\. The echo that ran with the earlier settings was stopped$/,
  );
  ok(t.runtime.removed.includes(old));
  deepEqual(await t.runtime.settled(), []);
  const [info] = t.pool.list();
  equal(info?.state, "failed");
  match(info?.last_error ?? "", /needs FAKE_MODE first/);
  deepEqual(t.pool.exposedTools(), []);

  // Refused by the server itself: its output says why.
  await t.pool.add(ECHO, settings("a"));
  await rejects(t.pool.add(ECHO, settings("fail")), /echo did not start[\s\S]*FAKE_MODE=fail/);
  deepEqual(await t.runtime.settled(), []);
  equal(t.pool.list()[0]?.state, "failed");
});

Deno.test("a failed start removes its container and names a stale volume that may be the cause", async () => {
  const stale = minimalEntry({
    id: "stale",
    title: "Stale",
    container_image: "fake/echo",
    run: { volumes: ["store:/data"] },
    config: { env: [{ name: "FAKE_MODE" }] },
  });
  await using t = await openPool();
  t.runtime.volumes.set("mcp-registry-stale_store", new Date("2024-05-01T00:00:00Z"));
  await rejects(
    t.pool.add(stale, settings("stale")),
    /Cannot find module '\/data\/index\.js'[\s\S]*The volume mcp-registry-stale_store is mounted at \/data[\s\S]*made on 2024-05-01/,
  );
  const [request] = t.runtime.requests;
  deepEqual(request?.spec.volumes, ["mcp-registry-stale_store:/data"], "the mount policy named it");
  ok(request && t.runtime.removed.includes(request.name));
  equal(t.pool.has("stale"), false, "a first add that fails leaves nothing behind");
});

Deno.test("a crashed server is started again by its next call", async () => {
  await using t = await openPool();
  await t.pool.add(ECHO, settings("a"));
  const first = t.containerOf("echo");
  await t.runtime.crash(first);
  await until(() => t.pool.list()[0]?.state === "exited", "the pool saw the exit");
  ok(t.runtime.removed.includes(first), "the exited container was removed");

  equal(textOf(await t.pool.call("echo", "echo", { text: "back" })), "back");
  const second = t.containerOf("echo");
  ok(second !== first);
  equal(t.pool.list()[0]?.state, "running");
  ok(t.logged.some((l) => l.message === "restarted server" && l.fields?.attempt === 0));

  // A crash during a call: that call fails and says so; the next one starts it again.
  await rejects(t.pool.call("echo", "crash", {}), /echo stopped during the call[\s\S]*again/);
  equal(textOf(await t.pool.call("echo", "echo", { text: "again" })), "again");
});

Deno.test("recovery makes a bounded number of attempts with the pauses given", async () => {
  await using t = await openPool({ restartBackoffMs: [10, 30] });
  await t.pool.add(ECHO, settings("a"));
  await t.runtime.crash(t.containerOf("echo"));
  await until(() => t.pool.list()[0]?.state === "exited", "the pool saw the exit");
  t.configs.set("echo", settings("fail")); // every attempt now exits at start
  const before = t.runtime.requests.length;
  const started = performance.now();
  await rejects(
    t.pool.call("echo", "echo", {}),
    /echo is not running \(the server exited[\s\S]*could not be started again: echo did not start[\s\S]*FAKE_MODE=fail[\s\S]*registry-add \{"id":"echo"\}/,
  );
  equal(t.runtime.requests.length - before, 3, "one attempt, then one after each pause");
  ok(performance.now() - started >= 40);
  const [info] = t.pool.list();
  equal(info?.state, "failed");
  match(info?.last_error ?? "", /FAKE_MODE=fail/);
  deepEqual(await t.runtime.settled(), []);
});

Deno.test("recovery stops at a failure a retry cannot fix: no runtime, no image", async () => {
  let entry = ECHO;
  await using t = await openPool({ lookupEntry: () => entry });
  await t.pool.add(ECHO, settings("a"));
  await t.runtime.crash(t.containerOf("echo"));
  await until(() => t.pool.list()[0]?.state === "exited", "the pool saw the exit");

  t.runtime.available = false;
  const asked = t.runtime.versionCalls;
  await rejects(
    t.pool.call("echo", "echo", {}),
    /could not be started again: the fake runtime is not installed/,
  );
  equal(t.runtime.versionCalls - asked, 1, "one attempt only");

  t.runtime.available = true;
  entry = { ...ECHO, container_image: "fake/gone" }; // the catalog changed meanwhile
  const requests = t.runtime.requests.length;
  await rejects(t.pool.call("echo", "echo", {}), /Cannot pull the image docker\.io\/fake\/gone/);
  equal(t.runtime.requests.length, requests, "nothing started");
  equal(t.pool.list()[0]?.state, "failed");
});

Deno.test("`remove()` wins over a start under way: what it started is stopped", async () => {
  await using t = await openPool();
  const hold = t.runtime.hold("version");
  const adding = t.pool.add(ECHO, settings("a"));
  await hold.reached;
  const removing = t.pool.remove("echo");
  hold.release();
  await rejects(adding, /^LaunchError: echo was removed while it started$/);
  equal(await removing, false);
  equal(t.pool.has("echo"), false);
  const [request] = t.runtime.requests;
  ok(request && t.runtime.removed.includes(request.name), "the container it started was removed");
  deepEqual(await t.runtime.settled(), []);
  deepEqual(await t.mounts.list(), []);
});

Deno.test("`restore()` starts the remembered servers; one that left the catalog is listed as failed", async () => {
  await using t = await openPool();
  await t.mounts.put("echo");
  await t.mounts.put("gone");
  await t.pool.restore((id) => (id === "echo" ? ECHO : undefined));
  const states = Object.fromEntries(t.pool.list().map((a) => [a.id, [a.state, a.last_error]]));
  deepEqual(states, {
    echo: ["running", null],
    gone: ["failed", "it is no longer in the catalog"],
  });
  deepEqual((await t.mounts.list()).map((m) => m.id), ["echo", "gone"], "both stay remembered");
  equal(textOf(await t.pool.call("echo", "whoami", {})), `${t.containerOf("echo")} a`);
});

Deno.test("`restore()` without a runtime lists the server as failed; its next call starts it", async () => {
  await using t = await openPool();
  await t.mounts.put("echo");
  t.runtime.available = false;
  await t.pool.restore(() => ECHO);
  const [info] = t.pool.list();
  equal(info?.state, "failed");
  match(info?.last_error ?? "", /not installed/);
  t.runtime.available = true;
  equal(textOf(await t.pool.call("echo", "echo", { text: "up" })), "up");
});

Deno.test("`remove()` of a server waiting to be restored keeps it from starting", async () => {
  await using t = await openPool();
  await t.mounts.put("echo");
  const hold = t.runtime.hold("version");
  const restoring = t.pool.restore(() => ECHO);
  await hold.reached;
  equal(t.pool.list()[0]?.state, "starting");
  const removing = t.pool.remove("echo");
  hold.release();
  await restoring;
  await removing;
  equal(t.pool.has("echo"), false);
  deepEqual(await t.runtime.settled(), []);
  deepEqual(await t.mounts.list(), []);
});

Deno.test("`sweepOrphans()` removes only containers whose registry process is gone", async () => {
  await using t = await openPool();
  const container = (name: string, owner: string) => ({
    id: name,
    name,
    labels: serverLabels("echo", owner),
    state: "exited",
  });
  t.runtime.leftovers.push(
    container("dead", "999999999:0"),
    container("ours", OWNER),
    container("parent", ownerTag(Deno.ppid)),
    { id: "other", name: "other", labels: { [LABEL_OWNER]: "999999999:0" }, state: "exited" },
  );
  deepEqual(await t.pool.sweepOrphans(), ["dead"]);
  deepEqual(t.runtime.removed, ["dead"]);
  const left = await t.runtime.list({ [LABEL_MANAGED]: "true" });
  deepEqual(left.map((c) => [c.name, c.labels[LABEL_SERVER]]), [["ours", "echo"], [
    "parent",
    "echo",
  ]]);
});

Deno.test("`closeAll()` stops every server and refuses new starts", async () => {
  await using t = await openPool();
  await t.pool.add(ECHO, settings("a"));
  await t.pool.closeAll();
  deepEqual(t.pool.list(), []);
  deepEqual(await t.runtime.settled(), []);
  await rejects(t.pool.add(ECHO, settings("a")), /shutting down/);
});

Deno.test("a per-call (`poci`) server runs one container per call, through the mount policy", async () => {
  const say = minimalEntry({
    id: "say",
    title: "Say",
    tools: [{
      name: "say",
      description: "says it",
      input_schema: { type: "object", required: ["text"] },
      container: { image: "fake/echo", command: ["said", "{{text}}"], volumes: [] },
    }],
  });
  await using t = await openPool();
  const outcome = await t.pool.add(say, settings(""));
  deepEqual(outcome.tools.map((x) => x.name), ["say__say"]);
  equal(t.containerOf("say"), "");
  equal(textOf(await t.pool.call("say", "say", { text: "hi" })), "said hi");
  const [request] = t.runtime.requests;
  deepEqual(request?.labels, serverLabels("say", OWNER));
  ok(
    request && t.runtime.removed.includes(request.name),
    "its container is removed after the call",
  );
});
