/**
 * The rootless checks of `mcp-registry doctor` (run when not root and podman is local): the
 * user's subordinate id ranges and `XDG_RUNTIME_DIR`.
 *
 * @module
 */
import type { CheckResult } from "./check.ts";
import { notWritable } from "./folders.ts";

/** Options for {@linkcode checkSubIds}. */
export interface CheckSubIdsOptions {
  /** The user's name. */
  user: string;
  /** The user's uid (ranges may name it instead of the name). */
  uid: number;
  /** @default "/etc/subuid" */
  subuidFile?: string;
  /** @default "/etc/subgid" */
  subgidFile?: string;
}

/** Rootless podman needs subordinate uid and gid ranges for the user (65536 ids each). */
export async function checkSubIds(options: CheckSubIdsOptions): Promise<CheckResult> {
  const { user, uid, subuidFile = "/etc/subuid", subgidFile = "/etc/subgid" } = options;
  const counts = await Promise.all(
    [subuidFile, subgidFile].map(async (file) => {
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch {
        return { file, count: 0, readable: false };
      }
      let count = 0;
      for (const line of text.split("\n")) {
        const [owner, , size] = line.trim().split(":");
        if (owner === user || owner === String(uid)) count += Number(size) || 0;
      }
      return { file, count, readable: true };
    }),
  );
  const fix = `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user} ` +
    "&& podman system migrate";
  const missing = counts.filter((c) => c.count === 0);
  if (missing.length) {
    return {
      check: "subuid/subgid",
      status: "failed",
      detail: missing.map((c) =>
        c.readable ? `no range for ${user} in ${c.file}` : `cannot read ${c.file}`
      ).join("; "),
      fix,
    };
  }
  const small = counts.filter((c) => c.count < 65536);
  if (small.length) {
    return {
      check: "subuid/subgid",
      status: "warning",
      detail: small.map((c) => `${c.file} gives ${user} only ${c.count} ids`).join("; ") +
        " (images with users above that id fail to start)",
      fix,
    };
  }
  return {
    check: "subuid/subgid",
    status: "ok",
    detail: counts.map((c) => `${c.count} ids in ${c.file}`).join(", "),
  };
}

/** Options for {@linkcode checkRuntimeDir}. */
export interface CheckRuntimeDirOptions {
  /** @default Deno.env.toObject() */
  env?: Record<string, string | undefined>;
  /** The user's uid, for the folder to suggest. @default Deno.uid() */
  uid?: number | null;
}

/**
 * `XDG_RUNTIME_DIR` is set and writable: rootless podman keeps its sockets and locks there.
 * Unset is a warning: podman then falls back to a folder in /tmp.
 */
export async function checkRuntimeDir(options: CheckRuntimeDirOptions = {}): Promise<CheckResult> {
  const { env = Deno.env.toObject(), uid = Deno.uid() } = options;
  const dir = env.XDG_RUNTIME_DIR?.trim();
  const fix = "export XDG_RUNTIME_DIR=/run/user/$(id -u) (log in through a systemd session, or " +
    `sudo loginctl enable-linger ${env.USER ?? "$USER"}, so that /run/user/${
      uid ?? "<uid>"
    } exists)`;
  if (!dir) {
    return {
      check: "XDG_RUNTIME_DIR",
      status: "warning",
      detail: "not set: rootless podman falls back to a folder in /tmp",
      fix,
    };
  }
  const why = await notWritable(dir);
  if (why) return { check: "XDG_RUNTIME_DIR", status: "failed", detail: `${dir}: ${why}`, fix };
  return { check: "XDG_RUNTIME_DIR", status: "ok", detail: `${dir} is writable` };
}
