/**
 * What the user configured for each server: parameters and plain environment values in
 * Deno.Kv, secrets apart in a JSON file only the user can read (mode 0600, folder 0700),
 * replaced atomically (write a new file, then rename it over the old one).
 *
 * @module
 */
import { withCheckoutLock } from "../sources/git.ts";
import { retryLocked } from "./_retry.ts";

/** One server's configuration. Secrets are keyed by their catalog name. */
export interface ServerConfig {
  params: Record<string, unknown>;
  env: Record<string, string>;
  secrets: Record<string, string>;
}

/** What to change: `undefined` or `null` removes a key. */
export interface ConfigPatch {
  params?: Record<string, unknown>;
  env?: Record<string, string | null>;
  secrets?: Record<string, string | null>;
}

interface StoredPlain {
  params: Record<string, unknown>;
  env: Record<string, string>;
  updated_at: string;
}

type SecretsFile = Record<string, Record<string, string>>;

/** Reads and writes server configuration. */
export class ConfigStore {
  readonly #kv: Deno.Kv;
  readonly #secretsPath: string;
  #writing: Promise<unknown> = Promise.resolve();

  /** `dir` holds `secrets.json`; it is created with mode 0700 when missing. */
  constructor(kv: Deno.Kv, dir: string) {
    this.#kv = kv;
    this.#secretsPath = `${dir}/secrets.json`;
  }

  /** The configuration of server `id` (empty when nothing is set). */
  async get(id: string): Promise<ServerConfig> {
    const plain = (await this.#kv.get<StoredPlain>(["config", id])).value;
    const secrets = (await this.#readSecrets())[id] ?? {};
    return { params: plain?.params ?? {}, env: plain?.env ?? {}, secrets };
  }

  /** Applies `patch` to server `id` and returns the new configuration. */
  update(id: string, patch: ConfigPatch): Promise<ServerConfig> {
    // One write at a time within this process: read-modify-write of the secrets file.
    const next = this.#writing.then(() => this.#update(id, patch));
    this.#writing = next.catch(() => {});
    return next;
  }

  async #update(id: string, patch: ConfigPatch): Promise<ServerConfig> {
    // Other registry processes share the file: read-modify-write under a lock file.
    return await withCheckoutLock(
      { dir: this.#secretsPath, waitMs: 30_000 },
      () => this.#updateLocked(id, patch),
    );
  }

  async #updateLocked(id: string, patch: ConfigPatch): Promise<ServerConfig> {
    const current = await this.get(id);
    const params = apply(current.params, patch.params);
    const env = apply(current.env, patch.env) as Record<string, string>;
    const secrets = apply(current.secrets, patch.secrets) as Record<string, string>;
    if (patch.secrets && Object.keys(patch.secrets).length > 0) {
      const all = await this.#readSecrets();
      if (Object.keys(secrets).length > 0) all[id] = secrets;
      else delete all[id];
      await this.#writeSecrets(all);
    }
    if (patch.params || patch.env) {
      const stored: StoredPlain = { params, env, updated_at: new Date().toISOString() };
      await retryLocked(() => this.#kv.set(["config", id], stored));
    }
    return { params, env, secrets };
  }

  async #readSecrets(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.#secretsPath);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return {};
      throw error;
    }
    try {
      const parsed = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed;
    } catch {
      // fall through
    }
    throw new Error(
      `The secrets file ${this.#secretsPath} is not valid JSON; fix or remove it (secrets set ` +
        "in it are then lost and must be set again)",
    );
  }

  /** Removes temp files (they hold secrets) left by a process killed between write and rename. */
  async #sweepTempFiles(dir: string) {
    const base = this.#secretsPath.slice(dir.length + 1);
    for await (const item of Deno.readDir(dir)) {
      if (!item.name.startsWith(`${base}.`) || !item.name.endsWith(".tmp")) continue;
      const path = `${dir}/${item.name}`;
      const info = await Deno.stat(path).catch(() => null);
      if (info?.mtime && Date.now() - info.mtime.getTime() > STALE_TEMP_MS) {
        await Deno.remove(path).catch(() => {});
      }
    }
  }

  async #writeSecrets(all: SecretsFile) {
    const dir = this.#secretsPath.replace(/\/[^/]+$/, "");
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await this.#sweepTempFiles(dir);
    const temp = `${this.#secretsPath}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.chmod(dir, 0o700); // an existing folder keeps its mode otherwise
      const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
      try {
        await file.write(new TextEncoder().encode(JSON.stringify(all, null, 2) + "\n"));
        await file.syncData(); // on disk before the rename makes it the file
      } finally {
        file.close();
      }
      await Deno.chmod(temp, 0o600); // a umask may have narrowed nothing, but be sure
      await Deno.rename(temp, this.#secretsPath);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
  }
}

/** How old a temp file must be before it counts as left by a process that died mid-write. */
const STALE_TEMP_MS = 60_000;

function apply<T>(
  current: Record<string, T>,
  patch: Record<string, T | null | undefined> | undefined,
): Record<string, T> {
  const out = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null || value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}
