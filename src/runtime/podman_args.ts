/**
 * The `podman run` arguments for an MCP server container, built as plain data.
 *
 * @module
 */
import type { LaunchSpec } from "./launch_spec.ts";

/** Labels on every container the registry starts, so a later start can find and sweep them. */
export const LABEL_MANAGED = "io.mcp-registry.managed";
export const LABEL_SERVER = "io.mcp-registry.server";
export const LABEL_OWNER = "io.mcp-registry.owner";

/** Resource limits for each container. */
export interface ContainerLimits {
  /** podman's `--memory`, e.g. `512m`. */
  memory: string;
  /** podman's `--cpus`, e.g. `1`. */
  cpus: string;
  /** podman's `--pids-limit`. */
  pids: number;
}

export const DEFAULT_LIMITS: ContainerLimits = { memory: "512m", cpus: "1", pids: 256 };

/** Options for {@linkcode podmanRunArgs}. */
export interface PodmanRunOptions {
  spec: LaunchSpec;
  /** The container's name. */
  name: string;
  /** The catalog id, for the server label. */
  serverId: string;
  /** Who started it: `<pid>:<start time>` of the registry process. */
  owner: string;
  limits: ContainerLimits;
}

/**
 * `run --rm -i --init`, no new privileges, no capabilities, resource limits, `--pull never`
 * (the image is checked or pulled beforehand), our labels, a readable name, no network when
 * the entry disables it; environment variables by name only.
 */
export function podmanRunArgs(options: PodmanRunOptions): string[] {
  const { spec, name, serverId, owner, limits } = options;
  const args = [
    "run",
    "--rm",
    "-i",
    "--init",
    "--security-opt",
    "no-new-privileges",
    "--cap-drop",
    "all",
    "--memory",
    limits.memory,
    "--cpus",
    limits.cpus,
    "--pids-limit",
    String(limits.pids),
    "--pull",
    "never",
    // podman copies the host's proxy variables (with any credentials) into containers by default.
    "--http-proxy=false",
    "--name",
    name,
    "--label",
    `${LABEL_MANAGED}=true`,
    "--label",
    `${LABEL_SERVER}=${serverId}`,
    "--label",
    `${LABEL_OWNER}=${owner}`,
  ];
  if (spec.disableNetwork) args.push("--network", "none");
  for (const envName of Object.keys(spec.env).sort()) args.push("-e", envName);
  for (const volume of spec.volumes) args.push("-v", volume);
  if (spec.user) args.push("--user", spec.user);
  if (spec.entrypoint) args.push("--entrypoint", spec.entrypoint);
  args.push(spec.image, ...spec.command);
  return args;
}

/** A readable, unique container name: `mcp-registry-<id>-<6 hex>`. */
export function containerName(serverId: string): string {
  const suffix = crypto.getRandomValues(new Uint8Array(3));
  const hex = Array.from(suffix, (b) => b.toString(16).padStart(2, "0")).join("");
  return `mcp-registry-${serverId.slice(0, 40).replace(/-+$/, "")}-${hex}`;
}
