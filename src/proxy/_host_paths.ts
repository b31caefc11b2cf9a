/**
 * Host folders a container mounts, resolved and checked just before it starts.
 *
 * @module
 */
import {
  checkHostPath,
  hostPathRules,
  hostPaths,
  LaunchError,
  type LaunchSpec,
} from "../runtime/launch_spec.ts";

/**
 * Replaces each host path of `spec`'s volumes with its real path, after checking it exists and
 * is not protected. A symlink must not lead around the checks (`~/link` → `/etc`), and podman
 * mounts what was checked, not what the link says when podman reads it.
 */
export async function resolveHostPaths(
  spec: LaunchSpec,
  id: string,
  options: { home: string | undefined; protectedPaths: string[] },
): Promise<void> {
  const rules = hostPathRules(options);
  for (const path of hostPaths(spec)) {
    const real = await Deno.realPath(path).catch(() => null);
    if (!real) {
      throw new LaunchError(
        `${id}: the host path ${path} does not exist; create it or set another path ` +
          "with registry-config-set",
      );
    }
    checkHostPath(real, rules.protectedPaths, (why) => {
      throw new LaunchError(`${id}: the host path ${path} leads to ${real}: ${why}`);
    }, rules.wholePaths);
    spec.volumes = spec.volumes.map((v) =>
      v.startsWith(`${path}:`) ? real + v.slice(path.length) : v
    );
  }
}
