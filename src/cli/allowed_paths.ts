/**
 * `mcp-registry config allow-path|disallow-path|allowed-paths`: the host folders a person
 * approves for container mounts. Only a person does this: no registry tool, so no agent, can.
 *
 * @module
 */
import { allowedRoots, checkRoot } from "../registry/mount_roots.ts";
import { emit, EXIT, type Output, UsageError, wrap } from "./_io.ts";
import { type CliSession, openSession } from "./_session.ts";

/** What approving a folder means, said after each change and in `--help`. */
export const ALLOW_PATH_HELP =
  "Containers may mount host folders only inside the folders approved here (or listed in " +
  "MCP_REGISTRY_ALLOWED_PATHS), whoever names them: a catalog entry, an agent's " +
  "registry-config-set, or a tool call's arguments. Inside an approved folder, the system's " +
  "folders, your home's dot-files and dot-folders and the registry's own folders are still " +
  "never mounted. Changes apply to the next container a registry starts, running or not.";

/** `config allow-path <folder>`. */
export async function allowPath(out: Output, path: string, json: boolean): Promise<number> {
  await using session = await openSession();
  let real: string;
  try {
    real = await checkRoot(path, session.config);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Nothing was approved.`);
  }
  const added = await session.allowedPaths.add(real);
  const paths = await listed(session);
  emit(out, json, { path: real, added, allowed_paths: paths }, () =>
    [
      added ? `Approved ${real} for container mounts.` : `${real} was approved already.`,
      wrap(ALLOW_PATH_HELP),
    ].join("\n"));
  return EXIT.ok;
}

/** `config disallow-path <folder>`. */
export async function disallowPath(out: Output, path: string, json: boolean): Promise<number> {
  await using session = await openSession();
  const real = await Deno.realPath(path).catch(() => path);
  const removed = await session.allowedPaths.remove(real) ||
    await session.allowedPaths.remove(path);
  const paths = await listed(session);
  emit(out, json, { path: real, removed, allowed_paths: paths }, () =>
    removed
      ? wrap(
        `Withdrew ${real}. Servers running with a folder inside it keep it until they restart; ` +
          "remove and add them to apply it now.",
      )
      : `${path} was not approved; nothing changed.`);
  return removed ? EXIT.ok : EXIT.notFound;
}

/** `config allowed-paths`. */
export async function listAllowedPaths(out: Output, json: boolean): Promise<number> {
  await using session = await openSession();
  const paths = await listed(session);
  emit(out, json, { allowed_paths: paths }, () =>
    [
      paths.length
        ? [
          "Host folders approved for container mounts:",
          ...paths.map((p) => `  ${p.path}  (${p.from})`),
        ]
          .join("\n")
        : "No host folder is approved for container mounts.",
      wrap(`Approve one with: mcp-registry config allow-path <folder>. ${ALLOW_PATH_HELP}`),
    ].join("\n"));
  return EXIT.ok;
}

function listed(session: CliSession) {
  return allowedRoots(session.config, session.allowedPaths);
}
