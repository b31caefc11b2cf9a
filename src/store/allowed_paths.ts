/**
 * The host folders a person approved for container mounts (`mcp-registry config allow-path`),
 * kept in the data dir's Kv store so the CLI and a running registry share them. Only a person
 * adds to this list: no registry tool writes it.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { type MountPolicy, refusedRoot } from "../runtime/mount_policy.ts";
import { normalizePath } from "../runtime/launch_spec.ts";
import { retryLocked } from "../util/retry.ts";

/** One approved folder. */
export interface AllowedPath {
  path: string;
  /** When it was approved (ISO 8601). */
  added_at: string;
}

/** Reads and writes the approved folders. */
export class AllowedPathStore {
  readonly #kv: Deno.Kv;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Every approved folder, in path order. */
  async list(): Promise<AllowedPath[]> {
    const paths: AllowedPath[] = [];
    for await (const item of this.#kv.list<AllowedPath>({ prefix: ["allowed_paths"] })) {
      if (typeof item.value?.path === "string") paths.push(item.value);
    }
    return paths;
  }

  /** Approves `path` (an absolute real path, checked by the caller); true when it was new. */
  async add(path: string): Promise<boolean> {
    const key = ["allowed_paths", path];
    const existing = await this.#kv.get(key);
    if (existing.value) return false;
    const value: AllowedPath = { path, added_at: new Date().toISOString() };
    await retryLocked(() => this.#kv.atomic().check(existing).set(key, value).commit());
    return true;
  }

  /** Withdraws `path`; true when it was approved. */
  async remove(path: string): Promise<boolean> {
    const key = ["allowed_paths", path];
    if (!(await this.#kv.get(key)).value) return false;
    await retryLocked(() => this.#kv.delete(key));
    return true;
  }
}

/**
 * The registry's own folders, never mounted: data and cache, the runtime folder (podman's and
 * other programs' sockets), the folder of the program and of its source.
 */
export function registryFolders(config: RegistryConfig): string[] {
  const folders = [config.dataDir, config.cacheDir, config.sourcesDir];
  const runtime = Deno.env.get("XDG_RUNTIME_DIR");
  if (runtime?.startsWith("/")) folders.push(runtime);
  const source = new URL("../../", import.meta.url);
  if (source.protocol === "file:") folders.push(decodeURIComponent(source.pathname));
  const program = Deno.execPath();
  folders.push(program.slice(0, program.lastIndexOf("/")) || "/");
  return folders.map(normalizePath);
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
    roots: [...config.allowedPaths, ...(await store?.list() ?? []).map((p) => p.path)],
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
