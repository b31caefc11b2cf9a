/**
 * Writes server settings in a tight loop until killed; for the crash-safety test.
 * Usage: deno run -A tests/_helpers/config_writer.ts <data dir>
 */
import { ConfigStore } from "../../src/store/config_store.ts";
import { MountStore } from "../../src/store/mount_store.ts";

const dir = Deno.args[0]!;
await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
const kv = await Deno.openKv(`${dir}/state.kv`);
const configs = new ConfigStore(kv, dir);
const mounts = new MountStore(kv);
console.log("ready");
for (let i = 1;; i++) {
  const big = "v".repeat(1000 + (i % 50) * 100);
  await configs.update("server", {
    params: { count: i, text: big },
    secrets: { "server.token": `token-${i}-${big}` },
  });
  if (i % 2) await mounts.put(`server-${i % 7}`);
  else await mounts.delete(`server-${i % 7}`);
}
