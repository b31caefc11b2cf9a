/**
 * The Docker MCP registry (github.com/docker/mcp-registry): a git repository with one
 * `servers/<name>/server.yaml` per server and sometimes a `tools.json` beside it.
 *
 * @module
 */
import { checkEntry } from "../catalog/entry.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { assignIds } from "../catalog/slug.ts";
import type { ParsedDockerServer } from "./_docker_server_yaml.ts";
import { syncRepo, withCheckoutLock } from "./git.ts";
import { redactUrl } from "../util/redact_url.ts";
import type { CatalogSource, RefreshContext, SourceSnapshot } from "./source.ts";

export { DOCKER_REGISTRY_URL } from "./source.ts";
import { DOCKER_REGISTRY_URL } from "./source.ts";

/** How many server folders are read at once. */
const READ_CONCURRENCY = 32;
const OUTSIDE = "skipped: a symlink that leads out of the checkout";

/** Options for {@linkcode loadDockerServers}; a string is `refreshedAt`. */
export interface LoadDockerServersOptions {
  /** ISO time stamped on every entry. @default now */
  refreshedAt?: string;
  /** Stops the reading; its reason is thrown. */
  signal?: AbortSignal;
}

/**
 * Reads every `servers/*\/server.yaml` under `root`. A file that cannot be parsed at all, or
 * whose entry breaks the catalog schema, is reported in `errors`; a file with lesser faults
 * loads with warnings. Ids are slugs of the folder names, which the repository keeps unique.
 * Symlinks that lead outside `root` are not followed. An abort of `signal` stops the reading
 * and throws its reason.
 */
export async function loadDockerServers(
  root: string,
  options: LoadDockerServersOptions | string = {},
): Promise<Omit<SourceSnapshot, "revision">> {
  const { refreshedAt = new Date().toISOString(), signal } = typeof options === "string"
    ? { refreshedAt: options }
    : options;
  const serversDir = `${root}/servers`;
  const errors: string[] = [];
  const dirs: string[] = [];
  let realRoot: string;
  try {
    realRoot = await Deno.realPath(root);
    const realServers = await Deno.realPath(serversDir);
    if (!isInside(realServers, realRoot)) throw new Error(OUTSIDE);
    for await (const item of Deno.readDir(serversDir)) {
      if (item.isDirectory) dirs.push(item.name);
      else if (item.isSymlink) {
        const target = await followInside(`${serversDir}/${item.name}`, realRoot);
        if (target === "outside") errors.push(`servers/${item.name}: ${OUTSIDE}`);
        else if (target?.isDirectory) dirs.push(item.name);
      }
    }
  } catch (error) {
    throw new Error(
      `Cannot read the Docker registry checkout: ${serversDir} (${(error as Error).message})`,
    );
  }
  dirs.sort();
  // Loaded on first use: the YAML parser costs ~50 ms of start-up, and most starts never refresh.
  const { parseDockerServer } = await import("./_docker_server_yaml.ts");
  const parsed: ({ dir: string } & ParsedDockerServer)[] = [];
  const warnings: string[] = [];
  await forEachLimited(dirs, READ_CONCURRENCY, async (dir, index) => {
    signal?.throwIfAborted();
    const read = (file: string) => readInside(`servers/${dir}/${file}`, root, realRoot, errors);
    const yamlText = await read("server.yaml");
    if (yamlText === undefined) return; // a folder without server.yaml is not a server
    const toolsJson = await read("tools.json");
    try {
      parsed[index] = {
        dir,
        ...parseDockerServer(yamlText, { dirName: dir, toolsJson, refreshedAt }),
      };
    } catch (error) {
      errors.push(`servers/${dir}/server.yaml: ${(error as Error).message}`);
    }
  });
  const loaded = parsed.filter((p) => p !== undefined);
  const ids = assignIds(loaded.map((p) => p.dir));
  const entries: CatalogEntry[] = [];
  for (const { dir, entry, warnings: entryWarnings } of loaded) {
    const full = checkEntry({ ...entry, id: ids.get(dir) });
    if ("error" in full) {
      errors.push(`servers/${dir}/server.yaml: Cannot load "${dir}": ${full.error}`);
      continue;
    }
    entries.push(full.entry);
    for (const w of entryWarnings) warnings.push(`servers/${dir}/server.yaml: ${w}`);
  }
  entries.sort((a, b) => a.id.localeCompare(b.id));
  signal?.throwIfAborted();
  return { entries, errors: errors.sort(), warnings };
}

/** Options for {@linkcode DockerRegistrySource}. */
export interface DockerRegistrySourceOptions {
  /** Any git URL or local path. @default DOCKER_REGISTRY_URL */
  repo?: string;
  /** Where the clone lives. */
  sourcesDir: string;
}

/** Clones (later fetches) the registry repository and reads it. */
export class DockerRegistrySource implements CatalogSource {
  readonly name = "docker";
  /** The repository, with any credentials in its URL masked. */
  readonly location: string;
  readonly #repo: string;
  readonly #checkout: string;

  constructor({ repo = DOCKER_REGISTRY_URL, sourcesDir }: DockerRegistrySourceOptions) {
    this.#repo = repo;
    this.location = redactUrl(repo);
    this.#checkout = `${sourcesDir}/docker-mcp-registry`;
  }

  /** Syncs and reads the checkout under its lock, so another process cannot change it midway. */
  refresh({ signal, progress }: RefreshContext = {}): Promise<SourceSnapshot> {
    return withCheckoutLock({ dir: this.#checkout, signal }, async () => {
      progress?.({ message: `syncing ${this.location}` });
      const revision = await syncRepo(this.#repo, this.#checkout, signal);
      progress?.({ message: `reading servers at ${revision.slice(0, 12)}` });
      return { ...(await loadDockerServers(this.#checkout, { signal })), revision };
    });
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Reads `root/relative`, or returns `undefined` when it does not exist or cannot be read (with an
 * error line). A symlink is followed only when it stays inside the checkout.
 */
async function readInside(
  relative: string,
  root: string,
  realRoot: string,
  errors: string[],
): Promise<string | undefined> {
  const path = `${root}/${relative}`;
  try {
    const info = await Deno.lstat(path);
    if (info.isSymlink && (await followInside(path, realRoot)) === "outside") {
      errors.push(`${relative}: ${OUTSIDE}`);
      return undefined;
    }
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    errors.push(`${relative}: Cannot read: ${(error as Error).message}`);
    return undefined;
  }
}

/** What the symlink at `path` leads to: "outside" `realRoot`, the target, or null if dangling. */
async function followInside(
  path: string,
  realRoot: string,
): Promise<Deno.FileInfo | "outside" | null> {
  try {
    const target = await Deno.realPath(path);
    return isInside(target, realRoot) ? await Deno.stat(target) : "outside";
  } catch {
    return null;
  }
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
}
