import { equal, ok } from "node:assert/strict";
import { createLogger } from "../util/log.ts";
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

Deno.test("openKvSafely() narrows a pre-existing 0755 folder to 0700 and its store files to 0600", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.chmod(dir, 0o755);
    await Deno.writeTextFile(`${dir}/state.kv-wal`, "", { mode: 0o644 });
    await Deno.chmod(`${dir}/state.kv-wal`, 0o644);
    const logs: string[] = [];
    const kv = await openKvSafely(`${dir}/state.kv`, createLogger("info", (l) => logs.push(l)));
    await kv.set(["k"], "v");
    kv.close();
    equal(Deno.statSync(dir).mode! & 0o777, 0o700);
    for (const item of Deno.readDirSync(dir)) {
      equal(Deno.statSync(`${dir}/${item.name}`).mode! & 0o777, 0o600, item.name);
    }
    ok(logs.some((l) => l.includes("private (0700)") && l.includes('"was":"755"')), logs.join());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "openKvSafely() does not use a store in another user's folder: it keeps it in memory",
  ignore: Deno.uid() !== 0, // making a folder another user's takes root
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.chown(dir, 65534, 65534);
      await Deno.chmod(dir, 0o777);
      const logs: string[] = [];
      const kv = await openKvSafely(`${dir}/state.kv`, createLogger("error", (l) => logs.push(l)));
      await kv.set(["k"], "v");
      kv.close();
      equal([...Deno.readDirSync(dir)].length, 0, "nothing written there");
      equal(Deno.statSync(dir).mode! & 0o777, 0o777, "its mode left alone");
      ok(logs.some((l) => l.includes("belongs to another user")), logs.join());
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
