/**
 * What a container may mount: one policy for every way a container starts (long-lived servers,
 * per-call `poci` containers, package servers, restores, `mcp-registry add --check`).
 *
 * - **Host folders are an allow-list.** A host path is mounted only when it is absolute once the
 *   templates are filled, exists, and its real path (symlinks followed) lies inside a root a
 *   person approved (`mcp-registry config allow-path`, or `MCP_REGISTRY_ALLOWED_PATHS`). It does
 *   not matter who wrote the path: the catalog, an agent's `registry-config-set`, or a tool
 *   call's arguments. Some paths are never mounted, even inside an approved root: the system's
 *   folders, the home folder's dot-files and dot-folders (keys, shell start-up files, tool
 *   settings), the registry's own folders, the runtime folder holding the podman and agent
 *   sockets, any folder holding one of those, and anything that is not a plain file or folder.
 * - **Named volumes are the server's own.** The catalog's `claude-memory` becomes
 *   `mcp-registry-memory_claude-memory`: ids never hold `_`, so no entry or argument can name
 *   another server's volume, another application's, or the registry's package caches.
 *
 * @module
 */
import { LaunchError, type LaunchSpec, normalizePath } from "./launch_spec.ts";

/** What a person allowed, and what is the registry's own. */
export interface MountPolicy {
  /** Folders a person approved for host mounts (absolute; real paths are taken when checked). */
  roots: readonly string[];
  /** The user's home: its dot-files and dot-folders are never mounted, nor the home whole. */
  home?: string | undefined;
  /** The registry's own folders (data, cache, program), never mounted. */
  protectedPaths: readonly string[];
}

/** One `source:target[:mode]` volume. */
export interface Volume {
  source: string;
  target: string;
  mode?: string | undefined;
}

/** What the policy needs from podman: whether a named volume exists. */
export interface VolumeLookup {
  volumeExists(name: string): Promise<boolean>;
}

/** Decides which older, unprefixed volume a server keeps using (see `legacy_volumes.ts`). */
export type LegacyVolumes = (serverId: string, name: string) => Promise<string | null>;

/** The command a person runs to approve `path` as a root. */
export function approveCommand(path: string): string {
  return `mcp-registry config allow-path ${path}`;
}

/** Folders of the system: never mounted, nor anything inside them, nor a folder holding one. */
export const SYSTEM_PATHS: readonly string[] = [
  "/",
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/sys",
  "/usr",
  "/var/cache",
  "/var/db",
  "/var/lib",
  "/var/lock",
  "/var/log",
  "/var/mail",
  "/var/run",
  "/var/spool",
];

/** Shared folders: never mounted whole (other users' files, sockets), folders inside them may. */
export const WHOLE_ONLY_PATHS: readonly string[] = [
  "/home",
  "/var/home",
  "/tmp",
  "/var/tmp",
  "/mnt",
  "/media",
];

/** The name a server's named volume gets: `mcp-registry-<id>_<name>`. */
export function ownVolumeName(serverId: string, name: string): string {
  return `mcp-registry-${serverId}_${name}`;
}

/** True for a volume source podman reads as a named volume. */
export function isNamedVolume(source: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source);
}

/** Splits a volume already checked by `checkVolume()` (launch_spec.ts). */
export function parseVolume(spec: string): Volume {
  const [source = "", target = "", mode] = spec.split(":");
  return { source, target, mode };
}

function formatVolume(volume: Volume): string {
  return [volume.source, volume.target, ...(volume.mode ? [volume.mode] : [])].join(":");
}

/** True when `path` is `root` or inside it (by whole path segments). */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root === "/" ? "/" : `${root}/`);
}

/**
 * Why `path` (absolute, normal form, a real path) is never mounted, or null. Approved roots do
 * not change this answer.
 */
export function neverMounted(path: string, policy: Omit<MountPolicy, "roots">): string | null {
  const system = systemFolder(path);
  if (system) return `${system} belongs to the system`;
  const whole = WHOLE_ONLY_PATHS.find((p) => isInside(p, path));
  if (whole) return `${whole} is shared by every user and may not be mounted whole`;
  const socket = socketFolder(path);
  if (socket) return `${socket} holds sockets of other programs (X11, ssh-agent, tmux)`;
  const home = homeOf(policy);
  if (home && isInside(home, path)) {
    return `${home} is your home folder, whose dot-files hold keys and settings; mount a ` +
      "folder inside it";
  }
  const dot = homeDotEntry(path, home);
  if (dot) return dot;
  const own = policy.protectedPaths.map(normalizePath).find((p) =>
    isInside(path, p) || isInside(p, path)
  );
  if (own) return `${own} holds the registry's own data, settings or program`;
  return null;
}

/**
 * Why `root` cannot be approved, or null. A root may be the home folder or hold the registry's
 * folders (what may not be mounted inside it is still refused one by one), but it may not touch
 * a system folder, lie inside the registry's folders or a home dot-folder, or be a shared
 * folder whole.
 */
export function refusedRoot(root: string, policy: Omit<MountPolicy, "roots">): string | null {
  if (!root.startsWith("/")) return `"${root}" is not an absolute path`;
  const system = systemFolder(root);
  if (system) return `${system} belongs to the system`;
  const own = policy.protectedPaths.map(normalizePath).find((p) => isInside(root, p));
  if (own) return `${own} holds the registry's own data, settings or program`;
  const whole = WHOLE_ONLY_PATHS.find((p) => isInside(p, root));
  if (whole) return `${whole} is shared by every user; approve a folder inside it`;
  return homeDotEntry(root, homeOf(policy));
}

/**
 * The socket folder of a shared folder that `path` is or lies in: `/tmp/.X11-unix`,
 * `/tmp/ssh-XXXX` (ssh-agent), `/tmp/tmux-1000`, and any other dot-folder there.
 */
function socketFolder(path: string): string | undefined {
  for (const shared of WHOLE_ONLY_PATHS) {
    if (!isInside(path, shared) || path === shared) continue;
    const first = path.slice(shared.length + 1).split("/")[0]!;
    if (/^(\.|ssh-|tmux-|systemd-private-|podman-run-|containers-user-)/.test(first)) {
      return `${shared}/${first}`;
    }
  }
  return undefined;
}

/** The system folder `path` is, lies in or holds, if any. */
function systemFolder(path: string): string | undefined {
  return SYSTEM_PATHS.find((p) =>
    p === "/" ? path === "/" : isInside(path, p) || isInside(p, path)
  );
}

function homeOf(policy: Omit<MountPolicy, "roots">): string | null {
  return policy.home && policy.home.startsWith("/") && policy.home !== "/"
    ? normalizePath(policy.home)
    : null;
}

/**
 * Why `path` lies in a dot-file or dot-folder of a home folder (the user's, or any under
 * `/home` and `/var/home`), or null.
 */
function homeDotEntry(path: string, home: string | null): string | null {
  const other = /^(\/var)?\/home\/[^/]+/.exec(path)?.[0];
  for (const base of [home, other]) {
    if (!base || !isInside(path, base) || path === base) continue;
    const first = path.slice(base.length + 1).split("/")[0]!;
    if (first.startsWith(".")) {
      return `${base}/${first} is a dot-file or dot-folder of a home folder (keys, shell ` +
        "start-up files, tool settings)";
    }
  }
  return null;
}

/**
 * Checks a host path against the policy: `real` is its real path. Throws a `LaunchError` that
 * names the path and, for a path outside every approved root, the command that approves it.
 */
export function checkHostPath(
  shown: string,
  real: string,
  policy: MountPolicy,
  serverId: string,
): void {
  const via = shown === real ? "" : ` (it leads to ${real})`;
  const never = neverMounted(real, policy);
  if (never) {
    throw new LaunchError(
      `${serverId}: the host path ${shown}${via} is never mounted into a container: ${never}. ` +
        "Use another folder",
    );
  }
  const roots = policy.roots.map(normalizePath);
  if (roots.some((root) => isInside(real, root))) return;
  const approved = roots.length ? `approved folders: ${roots.join(", ")}` : "none is approved yet";
  throw new LaunchError(
    `${serverId}: the host path ${shown}${via} is outside the folders a person approved for ` +
      `containers (${approved}). To allow it, a person runs: ${approveCommand(real)} ` +
      "(or adds it to MCP_REGISTRY_ALLOWED_PATHS)",
  );
}

/** Options for {@linkcode applyMountPolicy}. */
export interface ApplyOptions {
  serverId: string;
  policy: MountPolicy;
  /** The older volume a server keeps using, if any. */
  legacy?: LegacyVolumes;
  /** Told when a server keeps using an older volume name. */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Applies the policy to `spec.volumes` (already checked for form by `checkVolume()`): each host
 * path is replaced by its real path after the checks, so podman mounts what was checked and not
 * what a symlink says when podman reads it; each named volume by the server's own name.
 */
export async function applyMountPolicy(spec: LaunchSpec, options: ApplyOptions): Promise<void> {
  const { serverId, policy } = options;
  const realRoots = await Promise.all(
    policy.roots.map((root) => Deno.realPath(root).catch(() => null)),
  );
  const resolved: MountPolicy = {
    ...policy,
    roots: realRoots.filter((r): r is string => r !== null),
  };
  const volumes: string[] = [];
  for (const spec_ of spec.volumes) {
    const volume = parseVolume(spec_);
    if (isNamedVolume(volume.source)) {
      const legacy = await options.legacy?.(serverId, volume.source);
      if (legacy) {
        options.log?.("using the volume made by an earlier version", {
          server: serverId,
          volume: legacy,
          new_name: ownVolumeName(serverId, volume.source),
        });
      }
      volumes.push(
        formatVolume({ ...volume, source: legacy ?? ownVolumeName(serverId, volume.source) }),
      );
      continue;
    }
    if (!volume.source.startsWith("/")) {
      throw new LaunchError(
        `${serverId}: the host path "${volume.source}" is not absolute; give the full path`,
      );
    }
    const real = await Deno.realPath(volume.source).catch(() => null);
    if (!real) {
      throw new LaunchError(
        `${serverId}: the host path ${volume.source} does not exist; create it or set another ` +
          "path with registry-config-set",
      );
    }
    checkHostPath(volume.source, real, resolved, serverId);
    const info = await Deno.stat(real);
    if (!info.isFile && !info.isDirectory) {
      throw new LaunchError(
        `${serverId}: the host path ${volume.source} is not a plain file or folder (a socket or ` +
          "a device); only files and folders are mounted",
      );
    }
    volumes.push(formatVolume({ ...volume, source: real }));
  }
  spec.volumes = volumes;
}
