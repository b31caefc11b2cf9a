/**
 * The mount policy as the settings and a person's approvals make it: the roots, the home, the
 * registry's own folders (see `runtime/mount_policy.ts` for the rules).
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { normalizePath } from "../runtime/launch_spec.ts";
import { type MountPolicy, refusedRoot } from "../runtime/mount_policy.ts";
import type { AllowedPathStore } from "../store/allowed_paths.ts";

/**
 * The registry's own folders and files, never mounted: data and cache, the runtime folder
 * (podman's and other programs' sockets), the program and the folder of its source.
 */
export function registryFolders(config: RegistryConfig): string[] {
  const folders = [config.dataDir, config.cacheDir, config.sourcesDir];
  const runtime = Deno.env.get("XDG_RUNTIME_DIR");
  if (runtime?.startsWith("/")) folders.push(runtime);
  const source = new URL("../../", import.meta.url);
  if (source.protocol === "file:") folders.push(decodeURIComponent(source.pathname));
  // The program itself (the compiled binary, or deno), not its folder: a binary kept in the
  // home folder must not put every folder of home out of reach.
  folders.push(Deno.execPath());
  return folders.map(normalizePath);
}

/** Where an approved folder comes from. */
export type RootOrigin = "MCP_REGISTRY_ALLOWED_PATHS" | "approved";

/** The folders containers may mount now: the setting's, then those a person approved. */
export async function allowedRoots(
  config: RegistryConfig,
  store: AllowedPathStore | null,
): Promise<{ path: string; from: RootOrigin }[]> {
  return [
    ...config.allowedPaths.map((path) => ({ path, from: "MCP_REGISTRY_ALLOWED_PATHS" as const })),
    ...(await store?.list() ?? []).map((p) => ({ path: p.path, from: "approved" as const })),
  ];
}

/**
 * The mount policy as it stands now: the folders of `MCP_REGISTRY_ALLOWED_PATHS` and those a
 * person approved (read at every start, so an approval reaches a running registry at once).
 */
export function mountPolicyOf(
  config: RegistryConfig,
  store: AllowedPathStore | null,
): () => Promise<MountPolicy> {
  const protectedPaths = registryFolders(config);
  return async () => ({
    roots: (await allowedRoots(config, store)).map((root) => root.path),
    home: config.home,
    protectedPaths,
  });
}

/**
 * Checks a folder a person wants to approve: it must exist, and its real path must not be a
 * place nothing is mounted from. Returns the real path, or throws a `RangeError` saying why.
 */
export async function checkRoot(path: string, config: RegistryConfig): Promise<string> {
  if (!path.startsWith("/")) {
    throw new RangeError(`"${path}" is not an absolute path; give the folder's full path`);
  }
  const real = await Deno.realPath(path).catch(() => null);
  if (!real) throw new RangeError(`${path} does not exist; create it first`);
  if (!(await Deno.stat(real)).isDirectory) {
    throw new RangeError(`${path} is not a folder; approve the folder that holds it`);
  }
  const why = refusedRoot(real, {
    home: config.home,
    protectedPaths: registryFolders(config),
  });
  if (why) throw new RangeError(`${real} cannot be approved: ${why}`);
  return real;
}
