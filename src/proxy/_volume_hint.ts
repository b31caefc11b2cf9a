/**
 * Why a container may have failed to start: a named volume mounted over the image's own files
 * (the Docker catalog's `claude-memory:/app/dist`) keeps what an older image put there, so a
 * newer image starts with stale code and fails (`Cannot find module '/app/dist/index.js'`).
 *
 * @module
 */
import type { ContainerRuntime } from "../runtime/container_runtime.ts";
import { isNamedVolume, parseVolume } from "../runtime/mount_policy.ts";

/** What the hint needs from the container runtime. */
export type VolumeDates = Pick<ContainerRuntime, "volumeCreatedAt">;

/**
 * A sentence naming each named volume that may hide the image's files, with the command that
 * resets it; "" when none does. `message` is the start error (with the server's output);
 * `startedAt` when the start began (a volume made by this start holds the image's own files).
 */
export async function volumeHint(
  volumes: readonly string[],
  message: string,
  startedAt: Date,
  runtime: VolumeDates,
): Promise<string> {
  const hints: string[] = [];
  for (const spec of volumes) {
    const { source, target } = parseVolume(spec);
    if (!isNamedVolume(source)) continue;
    const created = await runtime.volumeCreatedAt(source).catch(() => null);
    if (!created || created.getTime() >= startedAt.getTime() - 1000) continue; // made just now
    const named = message.includes(`${target}/`) || message.includes(`${target}'`) ||
      message.includes(`${target}"`);
    const missingFile = /MODULE_NOT_FOUND|Cannot find module|No such file|ENOENT|not found/i
      .test(message);
    if (!named && !missingFile) continue;
    hints.push(
      `The volume ${source} is mounted at ${target}, over the image's own files there, and was ` +
        `made on ${created.toISOString().slice(0, 10)}: ` +
        (named ? "the error names a file under it, so it" : "it") +
        " may hold an older copy of the server (left by an earlier image). To reset it (its " +
        `data is lost), run: podman volume rm ${source}`,
    );
  }
  return hints.length ? `\n${hints.join("\n")}` : "";
}
