/**
 * Named volumes made before each server got volumes of its own. Earlier versions mounted a
 * catalog's `claude-memory` as it was named; now it is `mcp-registry-memory_claude-memory`.
 * So that users keep their data, a server keeps using its old volume, under conditions that
 * keep every other volume out of reach:
 *
 * 1. the server was active when this version first started (the servers in the mount store then
 *    are recorded once, as the only ones that may adopt an old volume);
 * 2. the old volume exists, and the server's new volume does not;
 * 3. no other server adopted it before (the first adoption is recorded, and sticks);
 * 4. it is not one of the registry's own volumes (`mcp-registry-*`).
 *
 * Nothing is ever deleted: an old volume that is not adopted stays where it is.
 *
 * @module
 */
import type { ContainerRuntime } from "../runtime/container_runtime.ts";
import { ownVolumeName } from "../runtime/mount_policy.ts";
import { retryLocked } from "../util/retry.ts";
import type { MountStore } from "../store/mount_store.ts";

const INVENTORY = ["volume_policy", "servers_before"];

/** Remembers which server keeps which old volume. */
export class LegacyVolumes {
  readonly #kv: Deno.Kv;
  readonly #podman: Pick<ContainerRuntime, "volumeExists">;
  #before: Promise<Set<string>> | null = null;

  constructor(kv: Deno.Kv, podman: Pick<ContainerRuntime, "volumeExists">) {
    this.#kv = kv;
    this.#podman = podman;
  }

  /**
   * Records, once, the servers active before this version (call at start, before restoring).
   * A store that never held a server records an empty list, so nothing is ever adopted.
   */
  async recordServersBefore(mounts: MountStore): Promise<void> {
    const existing = await this.#kv.get<string[]>(INVENTORY);
    if (existing.value) return;
    const ids = (await mounts.list()).map((m) => m.id);
    await retryLocked(() => this.#kv.atomic().check(existing).set(INVENTORY, ids).commit());
  }

  /** The old volume server `serverId` keeps using for the catalog's `name`, or null. */
  readonly adopt = async (serverId: string, name: string): Promise<string | null> => {
    if (name.startsWith("mcp-registry")) return null;
    const key = ["volume_policy", "adopted", name];
    const claim = await this.#kv.get<string>(key);
    if (claim.value !== null) {
      return claim.value === serverId && await this.#podman.volumeExists(name) ? name : null;
    }
    if (!(await this.#serversBefore()).has(serverId)) return null;
    if (await this.#podman.volumeExists(ownVolumeName(serverId, name))) return null;
    if (!(await this.#podman.volumeExists(name))) return null;
    const done = await retryLocked(() =>
      this.#kv.atomic().check(claim).set(key, serverId).commit()
    );
    return done.ok ? name : null;
  };

  #serversBefore(): Promise<Set<string>> {
    this.#before ??= this.#kv.get<string[]>(INVENTORY).then((r) => new Set(r.value ?? []));
    return this.#before;
  }
}
