/**
 * The folder checks of `mcp-registry doctor`: the cache and data folders are writable, or can be
 * made, and the data folder (it holds secrets) is its owner's alone.
 *
 * @module
 */
import type { CheckResult } from "./check.ts";

/** Options for {@linkcode checkDirectory}. */
export interface CheckDirectoryOptions {
  /** The name shown, e.g. `cache dir`. */
  label: string;
  /** The setting that moves it, e.g. `MCP_REGISTRY_CACHE_DIR`. */
  setting: string;
  /** True for a folder that holds secrets: it should be mode 0700. @default false */
  private?: boolean;
}

/**
 * `path` is a writable folder, or can be created (its nearest existing parent is writable);
 * a private folder should be readable by its owner only (mode 0700).
 */
export async function checkDirectory(
  path: string,
  options: CheckDirectoryOptions,
): Promise<CheckResult> {
  const { label, setting, private: secret = false } = options;
  const fix = `Make ${path} a folder you can write (mkdir -p ${path}), or set ${setting} to one`;
  let existing = path;
  for (;;) {
    const exists = await Deno.lstat(existing).then(() => true, () => false);
    if (exists) break;
    const parent = existing.replace(/\/[^/]+\/*$/, "") || "/";
    if (parent === existing) break;
    existing = parent;
  }
  const why = await notWritable(existing);
  if (why) {
    const where = existing === path ? path : `${path} cannot be created: ${existing}`;
    return { check: label, status: "failed", detail: `${where} ${why}`, fix };
  }
  if (existing !== path) {
    return {
      check: label,
      status: "ok",
      detail: `${path} will be created (${existing} is writable)`,
    };
  }
  if (secret) {
    const mode = (await Deno.stat(path)).mode;
    if (mode !== null && (mode & 0o077) !== 0) {
      return {
        check: label,
        status: "warning",
        detail: `${path} is mode ${(mode & 0o777).toString(8).padStart(4, "0")}: others may ` +
          "read the settings and secrets in it",
        fix: `chmod 700 ${path}`,
      };
    }
  }
  return {
    check: label,
    status: "ok",
    detail: `${path} is writable${secret ? " (mode 0700)" : ""}`,
  };
}

/** Why `dir` is not a folder this process can write in, or `null` when it is. */
export async function notWritable(dir: string): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "does not exist";
    return (error as Error).message;
  }
  if (!info.isDirectory) return "is not a folder";
  try {
    const probe = await Deno.makeTempFile({ dir, prefix: ".mcp-registry-doctor-" });
    await Deno.remove(probe);
  } catch (error) {
    return error instanceof Deno.errors.PermissionDenied
      ? "not writable (permission denied)"
      : `not writable (${(error as Error).message})`;
  }
  return null;
}
