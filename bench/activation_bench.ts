/**
 * Activation and proxying with real Podman containers (needs podman and the test images from
 * scripts/build_test_images.ts; set CONTAINERS_CONF=tests/podman/containers.conf here).
 *
 * - `registry-add` of the catalog's memory entry until its tools answer (goal ≤ 1.5 s);
 * - a proxied tool call against a direct SDK client on the same container (goal: ≤ 0.5 ms
 *   added at p50).
 */
import { HAS_PODMAN } from "../tests/_helpers/podman.ts";
import { openTestRegistry, testEntry } from "../tests/_helpers/registry.ts";

if (HAS_PODMAN) {
  const everything = testEntry({
    id: "everything",
    container_image: "localhost/mcp-registry-test/everything:latest",
    // deno-lint-ignore no-explicit-any
    run: { command: ["stdio"] } as any,
  });
  const t = await openTestRegistry({ entries: [everything] });
  const added = await t.call("registry-add", { id: "everything" });
  if (added.isError) throw new Error(JSON.stringify(added.content));
  const direct = t.registry.active.upstreamOf("everything")!;

  Deno.bench("registry-add memory until its tools answer (then remove)", {
    group: "activation",
    n: 8,
    warmup: 1,
  }, async (b) => {
    b.start();
    const result = await t.call("registry-add", { id: "memory" });
    if (result.isError) throw new Error(JSON.stringify(result.content));
    await t.call("memory__read_graph", {});
    b.end();
    await t.call("registry-remove", { id: "memory" });
  });

  Deno.bench(
    "direct SDK client → container: echo",
    { group: "proxy", baseline: true },
    async () => {
      await direct.callTool("echo", { message: "hi" });
    },
  );
  Deno.bench("client → registry → container: everything__echo", { group: "proxy" }, async () => {
    await t.call("everything__echo", { message: "hi" });
  });
  Deno.bench("client → registry → container: registry-exec", { group: "proxy" }, async () => {
    await t.call("registry-exec", { id: "everything", tool: "echo", arguments: { message: "hi" } });
  });

  globalThis.addEventListener("unload", () => {
    // Benchmarks end without a hook to await: stop the containers synchronously.
    new Deno.Command("podman", {
      args: ["rm", "-f", "-t", "0", ...t.registry.active.list().map((a) => a.container)],
      stdout: "null",
      stderr: "null",
    }).outputSync();
  });
}
