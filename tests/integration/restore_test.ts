/**
 * Mounts that cannot be restored stay listed with the reason, and registry-remove forgets them.
 */
import { equal, match, ok } from "node:assert/strict";
import { MountStore } from "../../src/store/mount_store.ts";
import { openTestRegistry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function plantMounts(dataDir: string, ids: string[]) {
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const kv = await Deno.openKv(`${dataDir}/state.kv`);
  try {
    for (const id of ids) await new MountStore(kv).put(id);
  } finally {
    kv.close();
  }
}

Deno.test("unrestorable mounts are listed with the reason, retried on add, forgotten on remove", async () => {
  const dir = await Deno.makeTempDir();
  try {
    {
      await using t = await openTestRegistry({
        dir,
        before: (data) => plantMounts(data, ["github-official", "gone-from-catalog"]),
      });
      const servers = ((await t.call("registry-active")).structuredContent as Json).servers;
      const byId = Object.fromEntries(servers.map((s: Json) => [s.id, s]));
      equal(byId["github-official"].state, "failed");
      match(byId["github-official"].last_error, /needs github\.personal_access_token first/);
      equal(byId["gone-from-catalog"].state, "failed");
      match(byId["gone-from-catalog"].last_error, /no longer in the catalog/);

      const retry = await t.call("registry-add", { id: "github-official" });
      equal(retry.isError, true);
      match(textOf(retry), /needs configuration before it can start/);

      const removed = await t.call("registry-remove", { id: "gone-from-catalog" });
      equal(removed.isError, undefined, textOf(removed));
    }
    {
      await using t = await openTestRegistry({ dir });
      const servers = ((await t.call("registry-active")).structuredContent as Json).servers;
      equal(
        servers.map((s: Json) => s.id).join(" "),
        "github-official",
        "the removed one stays gone",
      );
      ok(servers[0].last_error);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
