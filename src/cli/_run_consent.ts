/**
 * `mcp-registry add` for an entry that must be built from its repository first: the person
 * sees what would run (repository, exact commit, what is built, the image) and answers
 * "Build and start it? [y/N]" at a prompt; `--yes` answers for a script. Without a terminal and
 * without `--yes` nothing is built: the plan and the command to type are printed instead.
 * The decision itself is the registry's (`prepareRun` in registry/build_flow.ts), the same the
 * MCP tool and the web page ask.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { buildSpecOf, describePlan, prepareRun, type RunPlan } from "../registry/build_flow.ts";
import { Podman } from "../runtime/podman.ts";
import { redactUrl } from "../util/redact_url.ts";
import { confirm, type ConfirmOptions } from "./_confirm.ts";
import { EXIT, jsonText, type Output, progressReporter } from "./_io.ts";
import type { CliSession } from "./_session.ts";

/** What `add` was told besides the id. */
export interface ConsentFlags {
  /** `--yes`: the person (or their script) agreed beforehand. */
  yes: boolean;
  json: boolean;
  /** `--check`: named in the command to type, so it is the one they ran. */
  check: boolean;
  /** `--rebuild`: build again even when an image is at hand (a new upstream commit too). */
  rebuild: boolean;
}

/** What to start (and record): the entry as it runs, and how it was resolved. */
export interface Consented {
  entry: CatalogEntry;
  /** The plan it runs by (kept from before, or just made); null for an image built before. */
  plan: RunPlan | null;
  /** True when this command built it (or resolved its package) after a yes. */
  built: boolean;
}

/**
 * Asks the registry what starting `entry` needs and, when that is a build, the person; builds
 * on a yes. Resolves to what to start, or to the exit code when nothing is to be done (refused,
 * no yes, or the build failed: each said on `out`, nothing recorded).
 */
export async function consentToRun(
  session: CliSession,
  entry: CatalogEntry,
  out: Output,
  flags: ConsentFlags & { stdin?: ConfirmOptions["stdin"] },
): Promise<Consented | { exit: number }> {
  const progress = progressReporter(out);
  const runtime = new Podman({ binary: session.config.podman });
  const options = {
    cacheDir: session.config.cacheDir,
    runtime,
    runMarks: session.stores.runMarks,
    runPlans: session.stores.runPlans,
    settings: session.config.build,
    progress: (step: string) => progress.step(`${entry.id}: ${step}`),
  };
  const failed = (error: unknown, what: "resolve" | "build") => {
    progress.end();
    const raw = (error as Error).message;
    const message = (raw.startsWith(`${entry.id}: `) ? raw.slice(entry.id.length + 2) : raw)
      .replaceAll("call registry-refresh with source local", "run mcp-registry refresh local")
      .replace(/\w$/, "$&.");
    out.note(
      `${what === "build" ? "Cannot build" : "Cannot run"} ${entry.id}: ${message}\n` +
        "Nothing was recorded.",
    );
    if (flags.json) {
      out.line(jsonText({ id: entry.id, added: false, error: message.split("\n")[0] }));
    }
    return { exit: EXIT.failed };
  };

  let plan: RunPlan | null = null;
  if (!flags.rebuild) {
    let answer;
    try {
      answer = await prepareRun(entry, { ...options, build: false });
    } catch (error) {
      return failed(error, "resolve");
    }
    progress.end();
    if (answer.status === "ready") return { entry: answer.entry, plan: answer.plan, built: false };
    plan = answer.plan;
  }

  const command = `mcp-registry add ${entry.id}${flags.check ? " --check" : ""}` +
    `${flags.rebuild ? " --rebuild" : ""} --yes`;
  const what = plan?.kind === "package"
    ? `${entry.id} runs as the package its repository publishes; nothing is installed before ` +
      "your yes."
    : `${entry.id} is built from its repository before it can start.`;
  out.note(
    [
      `${what} ${flags.yes ? "--yes: going ahead with:" : "It would run:"}`,
      ...(plan ? describePlan(plan) : rebuildPlan(entry)).map((line) => `  ${line}`),
    ].join("\n"),
  );
  const stdin = flags.stdin ?? Deno.stdin;
  let yes = flags.yes;
  if (!yes && stdin.isTerminal()) {
    yes = await confirm(plan?.kind === "package" ? "Run it?" : "Build and start it?", { stdin });
    if (!yes) {
      out.note(`Nothing was built or recorded. To build it later: ${command}`);
      if (flags.json) out.line(jsonText({ id: entry.id, added: false, declined: true, plan }));
      return { exit: EXIT.failed };
    }
  } else if (!yes) {
    out.note(
      "Nothing was built or recorded: a build needs your yes, and there is no terminal to " +
        `ask at. If you agree, run:\n  ${command}`,
    );
    if (flags.json) {
      out.line(jsonText({ id: entry.id, added: false, needs_build: true, plan, command }));
    }
    return { exit: EXIT.failed };
  }

  // Ctrl-C while it builds: the build stops and leaves no container or half image.
  const stop = new AbortController();
  const interrupted = () => {
    progress.end();
    out.note("Interrupted; stopping the build.");
    stop.abort();
  };
  Deno.addSignalListener("SIGINT", interrupted);
  const interruptedExit = () => {
    out.note(`The build of ${entry.id} was stopped; nothing was recorded.`);
    if (flags.json) out.line(jsonText({ id: entry.id, added: false, error: "interrupted" }));
    return { exit: EXIT.failed };
  };
  try {
    const built = await prepareRun(entry, { ...options, build: true, signal: stop.signal });
    progress.end();
    // podman may exit 0 when stopped: an interrupted build is never taken as done.
    if (stop.signal.aborted) return interruptedExit();
    if (built.status !== "ready") throw new Error(`${entry.id}: the build was not done`);
    return { entry: built.entry, plan: built.plan, built: true };
  } catch (error) {
    if (stop.signal.aborted) return interruptedExit();
    return failed(error, "build");
  } finally {
    Deno.removeSignalListener("SIGINT", interrupted);
  }
}

/** What a rebuild runs, from the entry alone (the commit is resolved when it builds). */
function rebuildPlan(entry: CatalogEntry): string[] {
  const spec = buildSpecOf(entry);
  return [
    `- repository: ${redactUrl(spec?.repo ?? "")}`,
    `- commit: ${spec?.commit ?? "the newest of its default branch, resolved when it builds"}`,
    ...(spec?.directory ? [`- folder: ${spec.directory}`] : []),
    "- built again even though an image of it is at hand; the new image replaces it",
  ];
}
