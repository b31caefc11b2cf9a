/**
 * One contract for every `ContainerRuntime`: the same cases run against `Podman` (real
 * containers; skipped without podman) and the fake the pool's fast tests use, so the fake
 * cannot drift from what the pool gets in production.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  containerName,
  type ContainerRequest,
  type ContainerRuntime,
  ContainerRuntimeError,
  ownerTag,
  serverLabels,
} from "../../src/runtime/container_runtime.ts";
import { DEFAULT_LIMITS } from "../../src/runtime/podman_args.ts";
import { Podman } from "../../src/runtime/podman.ts";
import { Upstream } from "../../src/proxy/upstream.ts";
import { FakeRuntime } from "../_helpers/fake_runtime.ts";
import { HAS_PODMAN } from "../_helpers/podman.ts";

interface Subject {
  runtime: ContainerRuntime;
  /** An image at hand that runs an MCP server over stdio. */
  serverImage: string;
  dispose(): Promise<void>;
}

function contract(name: string, ignore: boolean, open: () => Subject) {
  const test = (title: string, fn: (s: Subject) => Promise<void>) =>
    Deno.test({
      name: `${name}: ${title}`,
      ignore,
      async fn() {
        const subject = open();
        try {
          await fn(subject);
        } finally {
          await subject.dispose();
        }
      },
    });

  test("answers its version; knows which images are at hand", async ({ runtime, serverImage }) => {
    match(await runtime.version(), /\S/);
    equal(await runtime.imageExists(serverImage), true);
    equal(await runtime.imageExists("localhost/mcp-registry-test/absent:0"), false);
  });

  test("a pull no registry can answer is a permanent `image` failure naming it", async (s) => {
    const error = await s.runtime.pull("localhost:1/mcp-registry-absent:0").then(
      () => null,
      (e: unknown) => e,
    );
    ok(error instanceof ContainerRuntimeError, String(error));
    equal(error.kind, "image");
    ok(error.permanent);
    match(error.message, /Cannot pull the image localhost:1\/mcp-registry-absent:0/);
  });

  test("volumes, removal and listing of what is not there", async ({ runtime }) => {
    const absent = `mcp-registry-contract-absent-${crypto.randomUUID().slice(0, 8)}`;
    equal(await runtime.volumeExists(absent), false);
    equal(await runtime.volumeCreatedAt(absent), null);
    await runtime.remove([]);
    await runtime.remove([absent]);
    deepEqual(await runtime.list(serverLabels(absent, ownerTag())), []);
  });

  test("a server started as the launcher starts it (`attachServer()` when the runtime has it, else `serverCommand()`) speaks MCP, is listed by its labels, and `remove()` ends it", async ({ runtime, serverImage }) => {
    const id = `contract-${crypto.randomUUID().slice(0, 8)}`;
    const request: ContainerRequest = {
      spec: {
        image: serverImage,
        command: [],
        env: {},
        volumes: [],
        user: null,
        disableNetwork: true,
      },
      name: containerName(id),
      labels: serverLabels(id, ownerTag()),
      limits: DEFAULT_LIMITS,
    };
    let exited = "";
    const upstream = await Upstream.start({
      id,
      ...(runtime.attachServer ? { attach: () => runtime.attachServer!(request) } : {}),
      command: runtime.serverCommand(request),
      onExit: (reason) => exited = reason,
    });
    try {
      ok(upstream.tools.length > 0, "it listed its tools");
      const listed = await runtime.list(request.labels);
      deepEqual(listed.map((c) => c.name), [request.name]);
      const labels = listed[0]!.labels;
      deepEqual(
        Object.fromEntries(Object.keys(request.labels).map((k) => [k, labels[k]])),
        request.labels,
      );
      await runtime.remove([request.name]);
      for (let i = 0; i < 250 && upstream.running; i++) await new Promise((r) => setTimeout(r, 20));
      equal(upstream.running, false, "the server ended");
      match(exited, /exited/);
      deepEqual(await runtime.list(request.labels), []);
    } finally {
      await upstream.close();
      await runtime.remove([request.name]).catch(() => {});
    }
  });
}

contract("Podman", !HAS_PODMAN, () => ({
  runtime: new Podman(),
  serverImage: "docker.io/mcp/memory:latest",
  dispose: () => Promise.resolve(),
}));

contract("Podman (API service)", !HAS_PODMAN, () => {
  const runtime = new Podman({ attach: "service" });
  return {
    runtime,
    serverImage: "docker.io/mcp/memory:latest",
    dispose: () => runtime.close(),
  };
});

contract("FakeRuntime", false, () => {
  const runtime = new FakeRuntime();
  return {
    runtime,
    serverImage: "docker.io/fake/echo",
    dispose: () => runtime[Symbol.asyncDispose](),
  };
});
