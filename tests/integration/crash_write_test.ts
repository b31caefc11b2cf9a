/**
 * SIGKILL during settings writes leaves the Kv store and the secrets file readable and whole.
 */
import { equal, match, ok } from "node:assert/strict";
import { ConfigStore } from "../../src/store/config_store.ts";
import { MountStore } from "../../src/store/mount_store.ts";

const WRITER = new URL("../_helpers/config_writer.ts", import.meta.url).pathname;

Deno.test("SIGKILL in the middle of settings writes never leaves a torn store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (let round = 0; round < 12; round++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", WRITER, dir],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = child.stdout.getReader();
      await reader.read(); // "ready"
      reader.releaseLock();
      await new Promise((r) => setTimeout(r, 30 + (round * 37) % 250));
      child.kill("SIGKILL");
      await child.output();

      const kv = await Deno.openKv(`${dir}/state.kv`);
      try {
        const config = await new ConfigStore(kv, dir).get("server");
        const count = config.params.count as number | undefined;
        if (count !== undefined) {
          equal(typeof count, "number");
          equal((config.params.text as string).length, 1000 + (count % 50) * 100);
        }
        const token = config.secrets["server.token"];
        if (token !== undefined) match(token, /^token-\d+-v+$/);
        const mounts = await new MountStore(kv).list();
        ok(mounts.every((m) => /^server-\d$/.test(m.id) && m.added_at));
      } finally {
        kv.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ConfigStore removes secret temp files a killed writer left behind", async () => {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(":memory:");
  try {
    const stale = `${dir}/secrets.json.dead-writer.tmp`;
    const fresh = `${dir}/secrets.json.live-writer.tmp`;
    await Deno.writeTextFile(stale, '{"x":{"k":"secret"}}', { mode: 0o600 });
    await Deno.writeTextFile(fresh, "{}", { mode: 0o600 });
    const old = new Date(Date.now() - 5 * 60_000);
    await Deno.utime(stale, old, old);
    await new ConfigStore(kv, dir).update("x", { secrets: { k: "v" } });
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    equal(names.join(" "), "secrets.json secrets.json.live-writer.tmp", "only the stale one goes");
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two processes writing secrets at once lose none of them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Each opens the store as the registry does (openKvSafely): two processes creating the same
    // new file at once briefly find it locked, which is waited out, not taken for damage.
    const src = (path: string) =>
      JSON.stringify(new URL(`../../src/${path}`, import.meta.url).href);
    const writer = `
      import { ConfigStore } from ${src("store/config_store.ts")};
      import { openKvSafely } from ${src("store/open_kv.ts")};
      import { silentLogger } from ${src("util/log.ts")};
      const kv = await openKvSafely(${JSON.stringify(`${dir}/state.kv`)}, silentLogger);
      const store = new ConfigStore(kv, ${JSON.stringify(dir)});
      const who = Deno.args[0];
      for (let i = 0; i < 15; i++) await store.update(who + "-" + i, { secrets: { k: who + i } });
      kv.close();`;
    const run = (who: string) =>
      new Deno.Command(Deno.execPath(), { args: ["eval", writer, who], stderr: "inherit" })
        .output();
    const results = await Promise.all([run("a"), run("b")]);
    ok(results.every((r) => r.success));
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    ok(!names.some((n) => n.includes("damaged")), "a busy store is not taken for a damaged one");
    const kv = await Deno.openKv(`${dir}/state.kv`);
    try {
      const store = new ConfigStore(kv, dir);
      for (const who of ["a", "b"]) {
        for (let i = 0; i < 15; i++) {
          equal((await store.get(`${who}-${i}`)).secrets.k, `${who}${i}`, `${who}-${i}`);
        }
      }
    } finally {
      kv.close();
    }
    equal((await Deno.stat(`${dir}/secrets.json`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
