/**
 * What the user configured for each server: parameters and plain environment values in
 * Deno.Kv, secrets apart in a JSON file only the user can read (mode 0600, folder 0700),
 * replaced atomically (write a new file, then rename it over the old one).
 *
 * A value whose key is named like a credential (`API_KEY`, `access_token`, see
 * {@linkcode isSecretName}) is a secret whatever the catalog declares it as: it is kept in the
 * secrets file, never in Kv, and one that an older version left in Kv moves there on the next
 * read or write. {@linkcode ConfigStore.get} hands it back among the parameters and environment
 * values too, under the same key, so templates and env items still get it.
 *
 * @module
 */
import { isSecretName } from "../catalog/entry.ts";
import { withFileLock } from "../util/file_lock.ts";
import type { ConfigPatch, ServerConfig } from "../catalog/settings.ts";
import { retryLocked } from "../util/retry.ts";

export type { ConfigPatch, ServerConfig };

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
    const stored = await this.#read(id);
    const moved = strays(stored.params, stored.env);
    if (Object.keys(moved).length === 0) return view(stored);
    // Credentials an older version kept in Kv move to the secrets file. Should that fail (a
    // read-only folder), they are read from both places and the next write tries again.
    return await this.update(id, {}).catch(() =>
      view({ ...stored, secrets: { ...moved, ...stored.secrets } })
    );
  }

  async #read(id: string): Promise<Stored> {
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
    return await withFileLock(
      { target: this.#secretsPath, doing: "changing settings in", waitMs: 30_000 },
      () => this.#updateLocked(id, patch),
    );
  }

  async #updateLocked(id: string, patch: ConfigPatch): Promise<ServerConfig> {
    const current = await this.#read(id);
    const moved = strays(current.params, current.env);
    const { plain, secret } = splitPatch(patch);
    const params = apply(current.params, { ...nulls(moved), ...plain.params });
    const env = apply(current.env, { ...nulls(moved), ...plain.env }) as Record<string, string>;
    // What is already in the secrets file wins over a stray copy in Kv.
    const secrets = apply({ ...moved, ...current.secrets }, secret) as Record<string, string>;
    // The secrets file first: a crash before the Kv write leaves a copy that the next read moves.
    if (!sameRecord(secrets, current.secrets)) {
      const all = await this.#readSecrets();
      if (Object.keys(secrets).length > 0) all[id] = secrets;
      else delete all[id];
      await this.#writeSecrets(all);
    }
    if (patch.params || patch.env || Object.keys(moved).length > 0) {
      const stored: StoredPlain = { params, env, updated_at: new Date().toISOString() };
      await retryLocked(() => this.#kv.set(["config", id], stored));
    }
    return view({ params, env, secrets });
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

/** One server's values as stored: plain ones in Kv, secrets in the file. */
type Stored = ServerConfig;

/** What callers see: the credential-named secrets also among the parameters and env values. */
function view(stored: Stored): ServerConfig {
  const named = Object.fromEntries(Object.entries(stored.secrets).filter(([k]) => isSecretName(k)));
  return {
    params: { ...stored.params, ...named },
    env: { ...stored.env, ...named },
    secrets: { ...stored.secrets },
  };
}

/** Plain values named like a credential (strings only: the secrets file holds strings). */
function strays(
  params: Record<string, unknown>,
  env: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of [...Object.entries(params), ...Object.entries(env)]) {
    if (isSecretName(key) && typeof value === "string") out[key] = value;
  }
  return out;
}

/** `patch` with every credential-named parameter or env value moved to its secrets. */
function splitPatch(patch: ConfigPatch): { plain: ConfigPatch; secret: ConfigPatch["secrets"] } {
  const secret: Record<string, string | null> = { ...patch.secrets };
  const plain = (values: Record<string, unknown> | undefined) => {
    if (!values) return undefined;
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const removal = value === null || value === undefined;
      if (isSecretName(key) && (removal || typeof value === "string")) {
        secret[key] = removal ? null : value as string;
        kept[key] = undefined; // and never left behind in Kv
      } else kept[key] = value;
    }
    return kept;
  };
  return {
    plain: {
      params: plain(patch.params),
      env: plain(patch.env) as Record<string, string | null> | undefined,
    },
    secret,
  };
}

function nulls(values: Record<string, unknown>): Record<string, undefined> {
  return Object.fromEntries(Object.keys(values).map((k) => [k, undefined]));
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

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
