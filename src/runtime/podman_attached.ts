/**
 * A long-lived server through podman's API service: the container is created by a short-lived
 * `podman create` with exactly the hardened arguments of `podman run` (podman_args.ts; its
 * environment values reach podman through its environment, never argv), then attached and
 * started over the service's socket. Nothing of ours runs per server but podman's own conmon.
 *
 * @module
 */
import type { AttachMode, ContainerRequest, ServerStdio } from "./container_runtime.ts";
import { podmanRunArgs } from "./podman_args.ts";
import { attachStdio } from "./podman_attach.ts";
import type { PodmanService } from "./podman_service.ts";

/** How long-lived servers run now, and why not through the service when they do not. */
export interface AttachStatus extends AttachMode {
  /** The service's process id while it runs. */
  servicePid?: number;
}

/** What {@linkcode startAttached} needs of `Podman`. */
export interface AttachHost {
  /**
   * Runs podman with `args` and podman's environment plus `env` (its exit code, output and the
   * last lines of its stderr); throws a runtime error when podman cannot run at all.
   */
  run(
    args: string[],
    env: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(names: string[]): Promise<void>;
  /** Makes the error a runtime error (`PodmanError`). */
  fail(message: string): Error;
}

/**
 * Creates the container of `request`, attaches to its stdio, starts it; whatever fails on the
 * way leaves no container (nor connection) behind and throws what podman said.
 */
export async function startAttached(
  host: AttachHost,
  service: PodmanService,
  request: ContainerRequest,
  timeoutMs = 60_000,
): Promise<ServerStdio> {
  const { name } = request;
  const created = await host.run(podmanRunArgs(request, "create"), request.spec.env, timeoutMs);
  if (created.code !== 0) {
    throw host.fail(`podman create ${name} failed: ${created.stderr || `exit ${created.code}`}`);
  }
  let stdio: ServerStdio | null = null;
  try {
    stdio = await service.withSocket((socket) =>
      attachStdio(socket, name, timeoutMs, service.prefix)
    );
    const answer = await service.request(
      "POST",
      `/containers/${encodeURIComponent(name)}/start`,
      timeoutMs,
    );
    // 204: started; 304: it runs already.
    if (answer.status !== 204 && answer.status !== 304) {
      let message = answer.body.trim().slice(0, 300);
      try {
        message = String(JSON.parse(answer.body).message ?? message);
      } catch {
        // not JSON
      }
      throw new Error(`podman could not start ${name} (${answer.status}): ${message}`);
    }
    return stdio;
  } catch (error) {
    stdio?.abort();
    await host.remove([name]).catch(() => {});
    throw host.fail((error as Error).message);
  }
}
