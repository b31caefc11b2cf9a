import { equal, ok } from "node:assert/strict";
import { createLogger } from "../log.ts";
import { openKvSafely } from "./open_kv.ts";

Deno.test("openKvSafely() moves a damaged file aside and opens a new store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/catalog.kv`;
    await Deno.writeTextFile(path, "this is not a database ".repeat(200));
    const logs: string[] = [];
    const kv = await openKvSafely(path, createLogger("error", (l) => logs.push(l)));
    await kv.set(["k"], 1);
    equal((await kv.get(["k"])).value, 1);
    kv.close();
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    ok(names.some((n) => n.startsWith("catalog.kv.damaged-")), names.join(", "));
    ok(logs.some((l) => l.includes("moved it aside")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
