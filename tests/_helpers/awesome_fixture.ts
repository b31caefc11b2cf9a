/**
 * A real git repository holding a README of the awesome list (wong2/awesome-mcp-servers), for
 * tests of the awesome source.
 *
 * @module
 */
import { runGit } from "../../src/sources/git.ts";
import { AWESOME_FIXTURES } from "./fixtures.ts";

export { AWESOME_FIXTURES };

/** The two README versions in the fixtures: 2026-07 (one sponsor) and 2025-10 (three). */
export type AwesomeReadmeVersion = "39eb1d7" | "6f0239d";

/** The text of a fixture README. */
export function awesomeReadme(version: AwesomeReadmeVersion): string {
  return Deno.readTextFileSync(
    `${AWESOME_FIXTURES}/wong2-awesome-mcp-servers.README.${version}.md`,
  );
}

const IDENTITY = ["-c", "user.name=mcp-registry tests", "-c", "user.email=tests@invalid"];

/** A temp dir with `repo/` (a git repository of the README and LICENSE) and room for more. */
export interface AwesomeFixture extends AsyncDisposable {
  dir: string;
  repo: string;
  /** Writes `path` (relative to the repo) and commits it; returns the new commit. */
  commit(path: string, text: string): Promise<string>;
}

/** Builds the repository with one commit of the given README version. */
export async function createAwesomeFixture(
  version: AwesomeReadmeVersion = "39eb1d7",
): Promise<AwesomeFixture> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-awesome-" });
  const repo = `${dir}/repo`;
  await Deno.mkdir(repo);
  await Deno.writeTextFile(`${repo}/README.md`, awesomeReadme(version));
  await Deno.copyFile(`${AWESOME_FIXTURES}/wong2-awesome-mcp-servers.LICENSE`, `${repo}/LICENSE`);
  await runGit(["init", "--quiet", "--initial-branch=main"], { cwd: repo });
  const commit = async (path: string, text: string) => {
    await Deno.writeTextFile(`${repo}/${path}`, text);
    await runGit([...IDENTITY, "add", "-A"], { cwd: repo });
    await runGit([...IDENTITY, "commit", "--quiet", "-m", `change ${path}`], { cwd: repo });
    return await runGit(["rev-parse", "HEAD"], { cwd: repo });
  };
  await runGit([...IDENTITY, "add", "-A"], { cwd: repo });
  await runGit([...IDENTITY, "commit", "--quiet", "-m", "fixtures"], { cwd: repo });
  return {
    dir,
    repo,
    commit,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}
