/**
 * The Docker MCP registry (github.com/docker/mcp-registry): a git repository with one
 * `servers/<name>/server.yaml` per server and sometimes a `tools.json` beside it.
 *
 * @module
 */
import { CatalogEntrySchema } from "../catalog/entry.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { assignIds } from "../catalog/slug.ts";
import type { ParsedDockerServer } from "./_docker_server_yaml.ts";
import { syncRepo } from "./git.ts";
import type { CatalogSource, SourceSnapshot } from "./source.ts";

export const DOCKER_REGISTRY_URL = "https://github.com/docker/mcp-registry.git";

/**
 * Reads every `servers/*\/server.yaml` under `root`. A file that cannot be parsed at all is
 * reported in `errors`; a file with lesser faults loads with warnings.
 */
export async function loadDockerServers(
  root: string,
  refreshedAt: string = new Date().toISOString(),
): Promise<Omit<SourceSnapshot, "revision">> {
  const serversDir = `${root}/servers`;
  const dirs: string[] = [];
  try {
    for await (const item of Deno.readDir(serversDir)) {
      if (item.isDirectory) dirs.push(item.name);
    }
  } catch (error) {
    throw new Error(
      `Cannot read the Docker registry checkout: ${serversDir} (${(error as Error).message})`,
    );
  }
  dirs.sort();
  // Loaded on first use: the YAML parser costs ~50 ms of start-up, and most starts never refresh.
  const { parseDockerServer } = await import("./_docker_server_yaml.ts");
  const parsed: ParsedDockerServer[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  await Promise.all(dirs.map(async (dir, index) => {
    const yamlText = await readOptional(`${serversDir}/${dir}/server.yaml`);
    if (yamlText === undefined) return; // a folder without server.yaml is not a server
    const toolsJson = await readOptional(`${serversDir}/${dir}/tools.json`);
    try {
      parsed[index] = parseDockerServer(yamlText, { dirName: dir, toolsJson, refreshedAt });
    } catch (error) {
      errors.push(`servers/${dir}/server.yaml: ${(error as Error).message}`);
    }
  }));
  const loaded = parsed.filter((p) => p !== undefined);
  const ids = assignIds(loaded.map((p) => p.entry.name));
  const entries: CatalogEntry[] = [];
  for (const { entry, warnings: entryWarnings } of loaded) {
    const full = CatalogEntrySchema.parse({ ...entry, id: ids.get(entry.name) });
    entries.push(full);
    for (const w of entryWarnings) warnings.push(`servers/${entry.name}/server.yaml: ${w}`);
  }
  entries.sort((a, b) => a.id.localeCompare(b.id));
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
  readonly location: string;
  readonly #checkout: string;

  constructor({ repo = DOCKER_REGISTRY_URL, sourcesDir }: DockerRegistrySourceOptions) {
    this.location = repo;
    this.#checkout = `${sourcesDir}/docker-mcp-registry`;
  }

  async refresh(signal?: AbortSignal): Promise<SourceSnapshot> {
    const revision = await syncRepo(this.location, this.#checkout, signal);
    return { ...(await loadDockerServers(this.#checkout)), revision };
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
