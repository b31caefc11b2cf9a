/**
 * The `podman run` arguments for a container request, built as plain data.
 *
 * @module
 */
import type { ContainerLimits, ContainerRequest } from "./container_runtime.ts";

export type { ContainerLimits } from "./container_runtime.ts";
export { LABEL_MANAGED, LABEL_OWNER, LABEL_SERVER } from "./container_runtime.ts";

export const DEFAULT_LIMITS: ContainerLimits = { memory: "512m", cpus: "1", pids: 256 };

/**
 * `run --rm -i --init`, no new privileges, no capabilities, resource limits, `--pull never`
 * (the image is checked or pulled beforehand), the request's labels, a readable name, no
 * network when the entry disables it; environment variables by name only.
 */
export function podmanRunArgs(request: ContainerRequest): string[] {
  const { spec, name, labels, limits } = request;
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
  ];
  for (const [key, value] of Object.entries(labels)) args.push("--label", `${key}=${value}`);
  if (spec.disableNetwork) args.push("--network", "none");
  for (const envName of Object.keys(spec.env).sort()) args.push("-e", envName);
  for (const volume of spec.volumes) args.push("-v", volume);
  if (spec.user) args.push("--user", spec.user);
  if (spec.entrypoint) args.push("--entrypoint", spec.entrypoint);
  args.push(spec.image, ...spec.command);
  return args;
}
