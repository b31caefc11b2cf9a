/**
 * `mcp-registry <command>` on a real terminal: util-linux `script` gives the command a
 * pseudo-terminal as stdin, stdout and stderr, so prompts ask as they ask a person.
 *
 * @module
 */
import { ROOT } from "./processes.ts";

/**
 * True when util-linux `script` runs here. Debian and Fedora always have it; where it is
 * missing the tests say so loudly, and in CI they fail instead.
 */
export const HAS_SCRIPT: boolean = await (async () => {
  const found = await new Deno.Command("script", {
    args: ["--version"],
    stdout: "null",
    stderr: "null",
  }).output().then((o) => o.success, () => false);
  if (found) return true;
  if (Deno.env.get("CI")) throw new Error("CI needs util-linux's `script` (Debian: bsdutils)");
  console.error("\n!!! SKIPPING the terminal tests: util-linux's `script` is missing.\n");
  return false;
})();

/** Options for {@linkcode onTerminal}. */
export interface TerminalRun {
  env: Record<string, string>;
  args: string[];
  /** Typed once the terminal shows `after` (a prompt). */
  keys: string;
  after: string;
  /** Killed after this long, so a prompt that never shows fails the test. @default 60_000 */
  killAfterMs?: number;
}

/**
 * Runs `mcp-registry args` on a terminal, types `keys` once `after` shows, and returns
 * everything the terminal displayed and the exit code.
 */
export async function onTerminal(run: TerminalRun): Promise<{ code: number; screen: string }> {
  const command = [Deno.execPath(), "run", "--allow-all", "main.ts", ...run.args]
    .map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  const child = new Deno.Command("script", {
    args: ["--quiet", "--return", "--command", command, "/dev/null"],
    cwd: ROOT,
    env: run.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), run.killAfterMs ?? 60_000);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let screen = "";
  while (!screen.includes(run.after)) {
    const { value, done } = await reader.read();
    if (done) break;
    screen += value;
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(run.keys)).catch(() => {});
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    screen += value;
  }
  const { code } = await child.status;
  clearTimeout(timer);
  await writer.close().catch(() => {});
  await child.stderr.cancel();
  return { code, screen };
}
