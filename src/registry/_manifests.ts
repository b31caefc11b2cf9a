/**
 * What a repository's manifests say about running it: `package.json` (npm name, `bin`, build
 * script, dependencies), `pyproject.toml` (`[project]` or `[tool.poetry]` name and scripts)
 * and Go `package main` files. Hostile input: every name and path that may reach a generated
 * Containerfile or a command is checked against an allow-list here, and dropped otherwise.
 *
 * @module
 */

/** A command or package name that is safe in argv and in a Containerfile's JSON form. */
const SAFE_NAME = /^[A-Za-z0-9@][A-Za-z0-9@._+-]{0,100}$/;
/** A relative path inside the repository: plain segments only. */
const SAFE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_@+-][A-Za-z0-9._@+/-]{0,300}$/;
const NPM_NAME = /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const PYPI_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** True when `path` may be written into a generated Containerfile. */
export function isSafePath(path: string): boolean {
  return SAFE_PATH.test(path);
}

/** What `package.json` says, with unsafe parts left out. */
export interface NodeManifest {
  /** The npm name, when it is a valid one. */
  name?: string;
  private: boolean;
  /** Command name -> file (relative to the package's folder), the safe ones only. */
  bins: Record<string, string>;
  hasBuildScript: boolean;
  hasDependencies: boolean;
  /** `repository` as written (string or `.url`). */
  repository?: string;
}

/** Reads `package.json` text; null when it is no JSON object. */
export function parsePackageJson(text: string): NodeManifest | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  const json = raw as Record<string, unknown>;
  const name = typeof json.name === "string" && NPM_NAME.test(json.name) ? json.name : undefined;
  const bins: Record<string, string> = {};
  const addBin = (command: string, file: unknown) => {
    if (typeof file !== "string") return;
    const path = file.replace(/^\.\//, "");
    if (SAFE_NAME.test(command) && isSafePath(path)) bins[command] = path;
  };
  if (typeof json.bin === "string" && name) addBin(name.replace(/^@[^/]+\//, ""), json.bin);
  else if (json.bin && typeof json.bin === "object") {
    for (const [command, file] of Object.entries(json.bin)) addBin(command, file);
  }
  const scripts = isRecord(json.scripts) ? json.scripts : {};
  const deps = [json.dependencies, json.devDependencies]
    .some((d) => isRecord(d) && Object.keys(d).length > 0);
  const repo = json.repository;
  const repository = typeof repo === "string"
    ? repo
    : isRecord(repo) && typeof repo.url === "string"
    ? repo.url
    : undefined;
  return {
    ...(name ? { name } : {}),
    private: json.private === true,
    bins,
    hasBuildScript: typeof scripts.build === "string",
    hasDependencies: deps,
    ...(repository ? { repository } : {}),
  };
}

/**
 * The command `npx name@version` runs: the only bin, or the one named as the package (without
 * its scope); undefined when npx would not know which.
 */
export function npxCommand(manifest: NodeManifest): string | undefined {
  const commands = Object.keys(manifest.bins);
  if (commands.length === 1) return commands[0];
  const own = manifest.name?.replace(/^@[^/]+\//, "");
  return own && commands.includes(own) ? own : undefined;
}

/** What `pyproject.toml` says: the distribution name and its console scripts. */
export interface PythonManifest {
  name?: string;
  /** Script name -> `module:function` (the safe names only). */
  scripts: Record<string, string>;
  /** `[project.urls]` values. */
  urls: string[];
}

/**
 * Reads the parts of `pyproject.toml` that matter here: `[project] name`, `[project.scripts]`,
 * `[project.urls]`, and Poetry's `[tool.poetry] name` and `[tool.poetry.scripts]`. A small
 * line reader (basic and literal strings, inline tables of strings), not a TOML parser.
 */
export function parsePyproject(text: string): PythonManifest {
  const tables = new Map<string, Record<string, string>>();
  let table = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#")) continue;
    const header = /^\[\s*([A-Za-z0-9_.\-" ]+?)\s*\]$/.exec(line);
    if (header) {
      table = header[1]!.replace(/"/g, "").replace(/\s/g, "");
      continue;
    }
    const pair = /^("?[A-Za-z0-9_.\- ]+"?)\s*=\s*(.+)$/.exec(line);
    if (!pair) continue;
    const key = pair[1]!.replace(/"/g, "").trim();
    const value = pair[2]!.trim();
    const inline = /^\{(.*)\}$/.exec(value);
    if (inline) {
      const sub = tables.get(`${table}.${key}`.replace(/^\./, "")) ?? {};
      for (const m of inline[1]!.matchAll(/"?([A-Za-z0-9_.-]+)"?\s*=\s*("[^"]*"|'[^']*')/g)) {
        sub[m[1]!] = m[2]!.slice(1, -1);
      }
      tables.set(`${table}.${key}`.replace(/^\./, ""), sub);
      continue;
    }
    const str = /^("([^"\\]|\\.)*"|'[^']*')$/.exec(value);
    if (!str) continue;
    const values = tables.get(table) ?? {};
    values[key] = str[1]!.slice(1, -1);
    tables.set(table, values);
  }
  const project = tables.get("project") ?? {};
  const poetry = tables.get("tool.poetry") ?? {};
  const name = [project.name, poetry.name].find((n) => n && PYPI_NAME.test(n));
  const scripts: Record<string, string> = {};
  for (const source of [tables.get("tool.poetry.scripts"), tables.get("project.scripts")]) {
    for (const [script, target] of Object.entries(source ?? {})) {
      if (SAFE_NAME.test(script)) scripts[script] = target;
    }
  }
  const urls = [
    ...Object.values(tables.get("project.urls") ?? {}),
    ...[poetry.repository, poetry.homepage].filter((u): u is string => !!u),
  ];
  return { ...(name ? { name } : {}), scripts, urls };
}

/** PyPI's normal form of a name (PEP 503): lower case, runs of `-_.` as one `-`. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * The console script `uvx name==version` runs: the one named as the package (uvx finds no
 * other without `--from`); undefined when there is none.
 */
export function uvxCommand(manifest: PythonManifest): string | undefined {
  if (!manifest.name) return undefined;
  const own = normalizePypiName(manifest.name);
  return Object.keys(manifest.scripts).find((s) => normalizePypiName(s) === own);
}

/** The console script a recipe runs: the package's own one, else the first (sorted). */
export function recipeScript(manifest: PythonManifest): string | undefined {
  return uvxCommand(manifest) ?? Object.keys(manifest.scripts).sort()[0];
}

/** True when Go source `text` is in `package main`. */
export function isGoMain(text: string): boolean {
  return /^\s*package\s+main\s*(\/\/.*)?$/m.test(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}
