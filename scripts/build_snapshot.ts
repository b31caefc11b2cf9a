/**
 * Builds the embedded default catalog, `src/catalog/snapshot/docker.json`, from a checkout of
 * the Docker MCP registry (a git repository or a plain copy of its `servers/` folder).
 *
 *   deno task snapshot                       # clones MCP_REGISTRY_DOCKER_REPO or GitHub
 *   deno task snapshot --from <dir|git-url>  # a local checkout or any git URL
 *   deno task snapshot --from <plain dir> --revision <commit> --date <iso>
 *
 * The license of the data (MIT, Docker) is copied beside the snapshot, as it requires.
 */
import { parseArgs } from "node:util";
import { DOCKER_REGISTRY_URL, loadDockerServers } from "../src/sources/docker_registry.ts";
import { runGit, syncRepo } from "../src/sources/git.ts";
import { type Snapshot, SNAPSHOT_FORMAT } from "../src/catalog/snapshot.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    from: { type: "string" },
    revision: { type: "string" },
    date: { type: "string" },
    out: { type: "string", default: new URL("../src/catalog/snapshot/", import.meta.url).pathname },
  },
});

let root = values.from ?? Deno.env.get("MCP_REGISTRY_DOCKER_REPO") ?? DOCKER_REGISTRY_URL;
let revision = values.revision ?? null;
let revisionDate = values.date ?? null;
const isDir = await Deno.stat(root).then((s) => s.isDirectory, () => false);
const isGitDir = isDir && await Deno.stat(`${root}/.git`).then(() => true, () => false);
if (!isDir) {
  const temp = await Deno.makeTempDir({ prefix: "mcp-registry-snapshot-" });
  revision = await syncRepo(root, `${temp}/repo`);
  root = `${temp}/repo`;
}
if (!isDir || isGitDir) {
  revision ??= await runGit(["rev-parse", "HEAD"], { cwd: root });
  revisionDate ??= await runGit(["log", "-1", "--format=%cI"], { cwd: root });
}
if (!revision || !revisionDate) {
  console.error(
    "A plain folder needs --revision <commit> and --date <iso date> of the upstream data.",
  );
  Deno.exit(2);
}
const { entries, errors, warnings } = await loadDockerServers(root, revisionDate);
const snapshot: Snapshot = {
  format: SNAPSHOT_FORMAT,
  source: "docker",
  upstream: "https://github.com/docker/mcp-registry",
  revision,
  revision_date: revisionDate,
  license: "MIT License, Copyright (c) 2025 Docker (see docker-mcp-registry.LICENSE)",
  entries,
};
await Deno.writeTextFile(`${values.out}/docker.json`, JSON.stringify(snapshot));
await Deno.writeTextFile(
  `${values.out}/docker-mcp-registry.LICENSE`,
  await Deno.readTextFile(`${root}/LICENSE`),
);
console.log(
  `Wrote ${entries.length} entries from ${revision} (${revisionDate}) to ${values.out}docker.json;` +
    ` ${warnings.length} warnings, ${errors.length} unreadable files.`,
);
for (const line of [...errors, ...warnings]) console.log(`  ${line}`);
