import { deepEqual } from "node:assert/strict";
import { RunMarkStore } from "./run_marks.ts";

Deno.test("run marks survive a reopen and keep only the first line of a reason", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  try {
    let kv = await Deno.openKv(path);
    const marks = new RunMarkStore(kv);
    await marks.load();
    await marks.verified("memory");
    await marks.failed("broken", `build failed\n${"x".repeat(500)}`, "abc123");
    await marks.verified("gone");
    await marks.delete("gone");
    kv.close();

    kv = await Deno.openKv(path);
    const again = new RunMarkStore(kv);
    deepEqual(again.get("memory"), undefined, "nothing before load()");
    await again.load();
    deepEqual(again.get("memory")?.state, "verified");
    deepEqual(again.get("broken")?.reason, "build failed");
    deepEqual(again.get("broken")?.commit, "abc123");
    deepEqual(again.get("gone"), undefined);
    deepEqual([...again.all().keys()].sort(), ["broken", "memory"]);
    kv.close();
  } finally {
    await Deno.remove(path).catch(() => {});
  }
});
