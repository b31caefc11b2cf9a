/**
 * The user's own catalogs (`MCP_REGISTRY_CATALOGS`): files and folders of Docker registry
 * `server.yaml` documents, read afresh at every check.
 *
 * What a path may be:
 * - a file: every YAML document in it (separated by `---`) is one server, whatever its name;
 * - a folder: read recursively for `*.yaml` / `*.yml` files. A folder holding a `server.yaml`
 *   (or `server.yml`) is one server's folder, as in `servers/<name>/` of docker/mcp-registry:
 *   only that file is read, with the `tools.json` beside it, and nothing below. Names starting
 *   with `.` (`.git`, `.github`) are skipped. Symlinks are followed (the files are the user's
 *   own), each folder is read once, so a symlink loop ends.
 *
 * @module
 */
import { basename, dirname, extname, isAbsolute, resolve } from "node:path";
import { checkEntry } from "../catalog/entry.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { assignIds } from "../catalog/slug.ts";
import type { ParsedDockerServer } from "./_docker_server_yaml.ts";
import type { CatalogSource, RefreshContext, SourceSnapshot } from "./source.ts";

const SOURCE = "local";
const SERVER_FILES = new Set(["server.yaml", "server.yml"]);
const FIX_PATH = "fix or remove it in MCP_REGISTRY_CATALOGS";

/** A YAML file found under a path, with the name used for a server that has no `name`. */
interface CatalogFile {
  path: string;
  dirName: string;
  /** For a `server.yaml`: its folder's `tools.json` (which may not exist). */
  toolsJson: string | null;
}

/** Options for {@linkcode loadLocalCatalogs}. */
export interface LoadLocalCatalogsOptions {
  /** ISO time stamped on the entries. @default now */
  refreshedAt?: string;
  signal?: AbortSignal;
}

/**
 * Reads every path. A path that cannot be read, or a file that cannot be parsed, is reported in
 * `errors` (naming it and the fix) and the others load; a file with lesser faults loads with
 * warnings. Of two servers with the same `name`, the first (in path order, then file order)
 * loads. Throws, naming each path's problem, when nothing loads at all. `revision` is the first
 * 12 hex digits of a SHA-256 over the files' paths and contents.
 */
export async function loadLocalCatalogs(
  paths: readonly string[],
  options: LoadLocalCatalogsOptions = {},
): Promise<SourceSnapshot> {
  const { refreshedAt = new Date().toISOString(), signal } = options;
  if (paths.length === 0) {
    throw new TypeError("No local catalogs: set MCP_REGISTRY_CATALOGS to files or folders");
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  /** Each path's problem, for the error when nothing loads. */
  const problems = new Map<string, string>();
  const { parseDockerServer } = await import("./_docker_server_yaml.ts");
  const { parseAllDocuments } = await import("yaml");
  const hashed: string[] = [];
  const loaded: { name: string; file: string; parsed: ParsedDockerServer }[] = [];
  const owners = new Map<string, string>();

  for (const path of paths) {
    signal?.throwIfAborted();
    const found = await findFiles(path, errors);
    if (typeof found === "string") {
      problems.set(path, found);
      continue;
    }
    if (found.length === 0) {
      problems.set(path, "it holds no *.yaml or *.yml file");
      continue;
    }
    let loadedHere = 0;
    for (const file of found) {
      signal?.throwIfAborted();
      const text = await readText(file.path, errors);
      if (text === undefined) continue;
      const toolsJson = file.toolsJson === null
        ? undefined
        : await readText(file.toolsJson, errors, true);
      hashed.push(file.path, text, toolsJson ?? "");
      const docs = parseAllDocuments(text);
      const documents = (Array.isArray(docs) ? docs : []).filter((d) => !isEmptyDocument(d));
      if (documents.length === 0) {
        warnings.push(`${file.path}: holds no YAML document; skipped`);
        continue;
      }
      const several = documents.length > 1;
      for (const [index, doc] of documents.entries()) {
        // Each document is parsed from its own text, so a broken one costs only itself.
        const where = several ? `${file.path} (document ${index + 1})` : file.path;
        const dirName = several ? `${file.dirName}-${index + 1}` : file.dirName;
        let parsed: ParsedDockerServer;
        try {
          parsed = parseDockerServer(text.slice(doc.range[0], doc.range[2]), {
            dirName,
            toolsJson,
            refreshedAt,
            buildFromSource: true,
          });
        } catch (error) {
          errors.push(`${where}: ${(error as Error).message}; fix the file (it is read again)`);
          continue;
        }
        const build = parsed.entry.build;
        if (build && isRelativePath(build.repo)) {
          // A repository named by a relative path is the catalog file's neighbour.
          parsed.entry.build = { ...build, repo: resolve(dirname(file.path), build.repo) };
        }
        const name = parsed.entry.name;
        const owner = owners.get(name);
        if (owner !== undefined) {
          errors.push(
            `${where}: Cannot load "${name}": ${owner} already has a server of that name; ` +
              "rename one of them",
          );
          continue;
        }
        owners.set(name, where);
        loaded.push({ name, file: where, parsed });
        loadedHere++;
      }
    }
    if (loadedHere === 0) {
      const mine = errors.filter((e) => e.startsWith(path));
      problems.set(path, mine.length > 0 ? mine.join("; ") : "no server loaded from it");
    }
  }

  const ids = assignIds(loaded.map((l) => l.name));
  const entries: CatalogEntry[] = [];
  for (const { name, file, parsed } of loaded) {
    const full = checkEntry({
      ...parsed.entry,
      id: ids.get(name),
      source: SOURCE,
      sources: [SOURCE],
      links: {},
    });
    if ("error" in full) {
      errors.push(`${file}: Cannot load "${name}": ${full.error}; fix the file (it is read again)`);
      continue;
    }
    entries.push(full.entry);
    for (const w of parsed.warnings) warnings.push(`${file}: ${w}`);
  }
  if (entries.length === 0) {
    const each = paths.map((p) => `${p}: ${problems.get(p) ?? "no server loaded from it"}`);
    throw new Error(`No server loaded from the local catalogs: ${each.join("; ")}`);
  }
  entries.sort((a, b) => a.id.localeCompare(b.id));
  return { entries, revision: await shortHash(hashed), errors, warnings };
}

/** True for `repo`, `./repo`, `../x/repo`; false for absolute paths and URLs (`file://`, ssh). */
function isRelativePath(repo: string): boolean {
  return !isAbsolute(repo) && !repo.includes("://") && !/^[^/]*:/.test(repo);
}

/** Options for {@linkcode LocalCatalogsSource}. */
export interface LocalCatalogsSourceOptions {
  /** Files and folders, highest priority first (a name's first server wins). */
  paths: string[];
}

/**
 * The user's own catalog files, looked at again at every check and read again when they
 * changed: when every file has the size and times it had at the last refresh (which read them
 * all without an error), that refresh's entries are given back unread.
 */
export class LocalCatalogsSource implements CatalogSource {
  readonly name = SOURCE;
  readonly location: string;
  readonly cheap = true;
  readonly #paths: string[];

  constructor({ paths }: LocalCatalogsSourceOptions) {
    this.#paths = [...paths];
    this.location = paths.join(", ");
  }

  async refresh({ signal, progress, previous }: RefreshContext = {}): Promise<SourceSnapshot> {
    progress?.({ message: `reading ${this.location}` });
    const stamp = await filesStamp(this.#paths);
    signal?.throwIfAborted();
    if (stamp !== null && previous?.cursor === stamp && previous.entries.length > 0) {
      return {
        entries: [...previous.entries],
        revision: previous.revision,
        errors: [],
        warnings: [],
        cursor: stamp,
      };
    }
    const loaded = await loadLocalCatalogs(this.#paths, { signal });
    // Files that loaded with errors are read again next time, so the errors stay in status.
    return { ...loaded, cursor: loaded.errors.length === 0 ? stamp : null };
  }
}

/**
 * A hash of the paths, sizes, inodes and times of every catalog file (and `tools.json`) under
 * `paths`: equal stamps mean files not touched since. Null when a path cannot be looked at.
 */
export async function filesStamp(paths: readonly string[]): Promise<string | null> {
  const parts: string[] = [];
  const errors: string[] = [];
  const stat = async (path: string, optional: boolean) => {
    try {
      const info = await Deno.stat(path);
      const times = [info.mtime, info.ctime].map((t) => t?.getTime() ?? "-").join(" ");
      parts.push(`${path} ${info.size} ${info.ino ?? "-"} ${times}`);
    } catch (error) {
      if (!(optional && error instanceof Deno.errors.NotFound)) throw error;
      parts.push(`${path} absent`);
    }
  };
  try {
    for (const path of paths) {
      const found = await findFiles(path, errors);
      if (typeof found === "string" || errors.length > 0) return null;
      parts.push(`path ${path}`);
      for (const file of found) {
        await stat(file.path, false);
        if (file.toolsJson !== null) await stat(file.toolsJson, true);
      }
    }
  } catch {
    return null;
  }
  return `stat-${await shortHash(parts)}`;
}

/**
 * The YAML files under `path`, in a stable order; or why `path` cannot be read (also pushed
 * onto `errors`). Problems inside a folder (an unreadable subfolder, a broken symlink) go to
 * `errors` and the rest is read.
 */
async function findFiles(path: string, errors: string[]): Promise<CatalogFile[] | string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    const why = `Cannot read: ${describe(error)}; ${FIX_PATH}`;
    errors.push(`${path}: ${why}`);
    return why;
  }
  if (info.isFile) return [catalogFile(path)];
  if (!info.isDirectory) {
    const why = `Cannot read: not a file or folder; ${FIX_PATH}`;
    errors.push(`${path}: ${why}`);
    return why;
  }
  const files: CatalogFile[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let real: string;
    const items: { name: string; info: Deno.FileInfo | null }[] = [];
    try {
      real = await Deno.realPath(dir);
      if (seen.has(real)) return; // read already: a symlink loop, or two links to one folder
      seen.add(real);
      for await (const item of Deno.readDir(dir)) {
        if (item.name.startsWith(".")) continue;
        const full = `${dir}/${item.name}`;
        // Follows symlinks; a broken one is reported below.
        const stat = item.isSymlink ? await Deno.stat(full).catch(() => null) : null;
        items.push({ name: item.name, info: item.isSymlink ? stat : toInfo(item) });
      }
    } catch (error) {
      errors.push(`${dir}: Cannot read the folder: ${describe(error)}`);
      return;
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const server = items.find((i) => SERVER_FILES.has(i.name) && i.info?.isFile);
    if (server) {
      files.push(catalogFile(`${dir}/${server.name}`));
      return;
    }
    for (const item of items) {
      const full = `${dir}/${item.name}`;
      if (item.info === null) {
        errors.push(`${full}: Cannot read: a broken symlink; fix or remove it`);
      } else if (item.info.isDirectory) await walk(full);
      else if (item.info.isFile && /\.ya?ml$/i.test(item.name)) files.push(catalogFile(full));
    }
  };
  await walk(path.replace(/\/+$/, "") || "/");
  return files;
}

function catalogFile(path: string): CatalogFile {
  const name = basename(path);
  if (SERVER_FILES.has(name.toLowerCase())) {
    const dir = dirname(path);
    return { path, dirName: basename(dir), toolsJson: `${dir}/tools.json` };
  }
  return { path, dirName: basename(name, extname(name)) || name, toolsJson: null };
}

function toInfo(item: Deno.DirEntry): Deno.FileInfo {
  return { isFile: item.isFile, isDirectory: item.isDirectory } as Deno.FileInfo;
}

/** The file's text; undefined when it cannot be read (an error line, unless `optional` and absent). */
async function readText(
  path: string,
  errors: string[],
  optional = false,
): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (optional && error instanceof Deno.errors.NotFound) return undefined;
    errors.push(`${path}: Cannot read: ${describe(error)}; make it readable or remove it`);
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or folder";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return (error as Error).message;
}

/** A document with nothing in it (only comments, or `---` alone) and no syntax error. */
function isEmptyDocument(doc: { errors: unknown[]; toJS(): unknown }): boolean {
  return doc.errors.length === 0 && doc.toJS() == null;
}

async function shortHash(parts: readonly string[]): Promise<string> {
  const bytes = new TextEncoder().encode(parts.map((p) => `${p.length}:${p}`).join(""));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 12);
}
