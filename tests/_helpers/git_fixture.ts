/**
 * A real git repository holding the Docker MCP registry fixtures, for tests of the git source.
 *
 * @module
 */
import { runGit } from "../../src/sources/git.ts";
import { DOCKER_FIXTURES } from "./fixtures.ts";

export { DOCKER_FIXTURES };

const IDENTITY = ["-c", "user.name=mcp-registry tests", "-c", "user.email=tests@invalid"];

/** A temp dir with `repo/` (a git repository of the fixtures) and room for more. */
export interface GitFixture extends AsyncDisposable {
  dir: string;
  repo: string;
  /** Writes `path` (relative to the repo) and commits it; returns the new commit. */
  commit(path: string, text: string, message?: string): Promise<string>;
}

/** Builds the repository from the fixtures, one commit. `servers` limits which servers. */
export async function createGitFixture(servers?: string[]): Promise<GitFixture> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-git-" });
  const repo = `${dir}/repo`;
  await Deno.mkdir(`${repo}/servers`, { recursive: true });
  const names = servers ??
    [...Deno.readDirSync(`${DOCKER_FIXTURES}/servers`)].map((e) => e.name);
  for (const name of names) {
    await Deno.mkdir(`${repo}/servers/${name}`);
    for (const file of Deno.readDirSync(`${DOCKER_FIXTURES}/servers/${name}`)) {
      await Deno.copyFile(
        `${DOCKER_FIXTURES}/servers/${name}/${file.name}`,
        `${repo}/servers/${name}/${file.name}`,
      );
    }
  }
  await Deno.copyFile(`${DOCKER_FIXTURES}/LICENSE`, `${repo}/LICENSE`);
  await runGit(["init", "--quiet", "--initial-branch=main"], { cwd: repo });
  await runGit([...IDENTITY, "add", "-A"], { cwd: repo });
  await runGit([...IDENTITY, "commit", "--quiet", "-m", "fixtures"], { cwd: repo });
  return {
    dir,
    repo,
    async commit(path, text, message = `change ${path}`) {
      const full = `${repo}/${path}`;
      await Deno.mkdir(full.replace(/\/[^/]+$/, ""), { recursive: true });
      await Deno.writeTextFile(full, text);
      await runGit([...IDENTITY, "add", "-A"], { cwd: repo });
      await runGit([...IDENTITY, "commit", "--quiet", "-m", message], { cwd: repo });
      return await runGit(["rev-parse", "HEAD"], { cwd: repo });
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}
