/**
 * The `podman run` (and `podman build`) arguments for a request, built as plain data.
 *
 * @module
 */
import type { BuildRequest, ContainerLimits, ContainerRequest } from "./container_runtime.ts";

export type { ContainerLimits } from "./container_runtime.ts";
export { LABEL_MANAGED, LABEL_OWNER, LABEL_SERVER } from "./container_runtime.ts";

export const DEFAULT_LIMITS: ContainerLimits = { memory: "512m", cpus: "1", pids: 256 };

/**
 * `run --rm -i --init`, no new privileges, no capabilities, resource limits, `--pull never`
 * (the image is checked or pulled beforehand), the request's labels, a readable name, no
 * network when the entry disables it; environment variables by name only. With `verb`
 * `create`, the same container is only created (the API service starts and attaches it).
 */
export function podmanRunArgs(request: ContainerRequest, verb: "run" | "create" = "run"): string[] {
  const { spec, name, labels, limits } = request;
  const args = [
    verb,
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

/**
 * The capabilities a build's `RUN` steps keep: what package managers need to install files as
 * root and switch users; everything else is dropped.
 */
const BUILD_CAPS = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "SETGID", "SETUID"];

/**
 * `podman build` arguments for `request`, as data: the clone is the only host folder it sees
 * (the context), nothing is pulled (`--pull=never`: base images must be local), no layer is
 * kept on the way (`--layers=false`, `--force-rm`: a failed build leaves no half image or
 * container), memory and CPU limits, the capabilities of {@linkcode BUILD_CAPS}, labels, tags.
 */
export function podmanBuildArgs(request: BuildRequest): string[] {
  const { context, file, tags, labels, limits } = request;
  const cpus = Number(limits.cpus);
  const quota = Number.isFinite(cpus) && cpus > 0 ? Math.round(cpus * 100_000) : 100_000;
  return [
    "build",
    "--pull=never",
    "--layers=false",
    "--force-rm",
    "--memory",
    limits.memory,
    "--cpu-period",
    "100000",
    "--cpu-quota",
    String(quota),
    "--cap-drop",
    "all",
    "--cap-add",
    BUILD_CAPS.join(","),
    ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    ...tags.flatMap((tag) => ["--tag", tag]),
    "--file",
    `${context}/${file}`,
    "--",
    context,
  ];
}
