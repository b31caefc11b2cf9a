/**
 * Many add/remove cycles of one real server: nothing leaks, neither containers nor memory.
 */
import { equal, ok } from "node:assert/strict";
import { HAS_PODMAN, ourContainers } from "../_helpers/podman.ts";
import { openTestRegistry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const CYCLES = 100;

Deno.test({
  name: `${CYCLES} add/remove cycles leave no container and no growing memory`,
  ignore: !HAS_PODMAN,
  async fn() {
    await using t = await openTestRegistry();
    const started: string[] = [];
    const heap: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < CYCLES; i++) {
      const added = await t.call("registry-add", { id: "memory" });
      equal(added.isError, undefined, textOf(added));
      started.push((added.structuredContent as Json).container);
      const graph = await t.call("memory__read_graph", {});
      equal(graph.isError, undefined);
      const removed = await t.call("registry-remove", { id: "memory" });
      equal(removed.isError, undefined);
      heap.push(Deno.memoryUsage().heapUsed);
    }
    const perCycle = (performance.now() - t0) / CYCLES;
    const left = (await ourContainers()).filter((c) => started.includes(c));
    // Without a forced GC, the lowest reading of a stretch is the best estimate of live memory.
    const early = Math.min(...heap.slice(10, 30));
    const late = Math.min(...heap.slice(CYCLES - 20));
    console.log(
      `${CYCLES} cycles, ${perCycle.toFixed(0)} ms each; containers left: ${left.length}; ` +
        `lowest heap in cycles 10-30: ${(early / 1e6).toFixed(1)} MB, in the last 20: ${
          (late / 1e6).toFixed(1)
        } MB`,
    );
    equal(left.length, 0, `leaked: ${left.join(", ")}`);
    equal(new Set(started).size, CYCLES, "each cycle ran its own container");
    ok(late - early < 15e6, "the heap does not grow with cycles");
    equal(((await t.call("registry-active")).structuredContent as Json).servers.length, 0);
  },
});
