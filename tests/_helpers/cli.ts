/**
 * The `mcp-registry <command>` CLI run as a user runs it: `deno run -A main.ts ...` in the
 * project root, over a temp cache and data dir, offline (the embedded Docker catalog).
 *
 * @module
 */
import { registryEnv, ROOT } from "./processes.ts";

/** What one command printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of one run. */
export interface RunOptions {
  /** Written to the command's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string;
  /** More environment for this run. */
  env?: Record<string, string>;
}

/** A temp folder for the registry's cache and data, and a way to run commands over it. */
export interface CliFixture extends AsyncDisposable {
  dir: string;
  dataDir: string;
  /** The environment every command gets (on top of this process's). */
  env: Record<string, string>;
  run(args: string[], options?: RunOptions): Promise<CliRun>;
}

/** A fixture over a new temp folder; `env` is added to `registryEnv`. */
export async function cliFixture(env: Record<string, string> = {}): Promise<CliFixture> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-cli-" });
  const fullEnv = registryEnv(dir, env);
  return {
    dir,
    dataDir: `${dir}/data`,
    env: fullEnv,
    run: (args, options = {}) => runMain(args, { ...options, env: { ...fullEnv, ...options.env } }),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Runs `deno run -A main.ts ...args` in the project root. */
export async function runMain(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts", ...args],
    cwd: ROOT,
    env: options.env ?? {},
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** A one-line summary of a run, for assertion messages. */
export function describeRun(args: string[], run: CliRun): string {
  return `mcp-registry ${
    args.join(" ")
  } exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}
