/**
 * `mcp-registry add`, `remove` and `active`: the servers a registry starts when it starts (the
 * mount store it restores from). These commands change what the next registry start does; a
 * registry running now is changed by an agent through registry-add and registry-remove.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { AddOutcome } from "../proxy/active_servers.ts";
import { builtImage } from "../runtime/container_runtime.ts";
import { type ConfigKey, missingConfig } from "../runtime/launch_spec.ts";
import { Podman } from "../runtime/podman.ts";
import { needsRunFlow, runnableEntry, type RunPlan } from "../registry/build_flow.ts";
import { describeUnrunnable } from "../registry/entry_summary.ts";
import { lookupEntry } from "../registry/ids.ts";
import type { Command } from "./command.ts";
import {
  checkArgs,
  clip,
  emit,
  EXIT,
  jsonText,
  oneLine,
  type Output,
  parseCommand,
  progressReporter,
  textWidth,
  UsageError,
  wrap,
} from "./_io.ts";
import { consentToRun } from "./_run_consent.ts";
import { type CliSession, openSession } from "./_session.ts";

/** When an added server runs, and how to run it sooner. */
const NEXT_START = "restart your MCP client to start it now; an agent can also call registry-add";

export const addCommand: Command = {
  name: "add",
  usage: `Usage: mcp-registry add <id> [--check] [--yes] [--rebuild] [--json]

Records that the registry starts <id> whenever it starts, so its tools are there for your agent
from the next start on. A registry running now does not start it: restart your MCP client (it
restarts mcp-registry), or let the agent call registry-add.

Settings the server requires must be set first; add says which are missing and the exact
mcp-registry config set command for each.

A server built from its repository (launch method build) is built only with your yes: add
shows what would run (repository, exact commit, the file built, the image) and asks "Build
and start it? [y/N]". Without a terminal to ask at, it builds nothing and prints the command
with --yes. Once built, its image is used until you ask for a build again (--rebuild; an
entry not pinned to a commit then takes the newest one).

  --check    start it once now (pulling or building its image if needed), list its tools and
             stop it again, before recording it; when it does not start, nothing is recorded
  --yes      answer yes to the build question (for scripts); ignored when nothing is built
  --rebuild  build it again (asking first, as for a first build)
  --json     JSON for scripts

Exit codes: 0 recorded, 1 it cannot run (required settings missing, the catalog does not say
how to run it, a build was declined, needs --yes or failed, or --check failed), 2 bad
arguments, 3 no such id.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {
      check: { type: "boolean" },
      yes: { type: "boolean", short: "y" },
      rebuild: { type: "boolean" },
    });
    checkArgs(positionals, { what: "one id", min: 1 });
    const json = values.json === true;
    await using session = await openSession();
    const entry = lookupEntry(session.catalog.index, positionals[0]!.trim());
    if (typeof entry === "string") {
      out.note(entry.replace("registry-find", "mcp-registry find <words>"));
      return EXIT.notFound;
    }
    if (values.rebuild === true && !needsRunFlow(entry)) {
      throw new UsageError(
        `${entry.id} is not built from source (it runs as ${entry.launch_method}); --rebuild ` +
          `is for servers built from their repository: mcp-registry add ${entry.id}`,
      );
    }
    const why = needsRunFlow(entry) ? null : whyNotRunnable(entry);
    if (why) {
      out.note(why);
      if (json) out.line(jsonText({ id: entry.id, added: false, error: "cannot be started" }));
      return EXIT.failed;
    }
    const config = await session.configs.get(entry.id);
    const missing = missingConfig(entry, config);
    if (missing.length > 0) {
      out.note(describeMissing(entry, missing));
      if (json) out.line(jsonText({ id: entry.id, added: false, missing: keysOf(missing) }));
      return EXIT.failed;
    }
    // A server built from source: the person decides first (nothing is built without a yes).
    let toStart = entry;
    let plan: RunPlan | null = null;
    let built = false;
    if (needsRunFlow(entry)) {
      const consented = await consentToRun(session, entry, out, {
        yes: values.yes === true,
        json,
        check: values.check === true,
        rebuild: values.rebuild === true,
      });
      if ("exit" in consented) return consented.exit;
      ({ entry: toStart, plan, built } = consented);
    }
    let check: Checked | null = null;
    if (values.check === true) {
      const started = await checkStart(session, toStart, out);
      if ("error" in started) {
        // The pool's messages are written for an agent: name the commands a person types.
        const error = started.error
          .replace(/^([\w.-]+): /, (all, id) => id === entry.id ? "" : all)
          .replaceAll("registry-config-set", `mcp-registry config set ${entry.id} <key> <value>`)
          .replaceAll("registry-find", "mcp-registry find <words>");
        const reason = error.startsWith(`${entry.id} `)
          ? error
          : `${entry.id} did not start: ${error}`;
        out.note(
          `${reason}\nNothing was recorded; fix the cause (mcp-registry doctor checks podman) ` +
            `and run mcp-registry add ${entry.id} again.`,
        );
        if (json) out.line(jsonText({ id: entry.id, added: false, error: started.error }));
        return EXIT.failed;
      }
      check = started;
      if (needsRunFlow(entry)) {
        await session.stores.runMarks.verified(entry.id, plan?.commit ?? entry.build?.commit)
          .catch(() => {});
      }
    }
    const already = (await session.mounts.list()).some((m) => m.id === entry.id);
    const mount = await session.mounts.put(entry.id);
    emit(
      out,
      json,
      {
        id: entry.id,
        title: entry.title,
        added: true,
        already_added: already,
        added_at: mount.added_at,
        launch_method: entry.launch_method,
        ...(needsRunFlow(entry)
          ? { image: toStart.container_image ?? null, plan, built: built ? plan : null }
          : {}),
        check: check ? { ms: check.ms, container: check.container, tools: check.tools } : null,
      },
      () => {
        const width = textWidth();
        return [
          ...(needsRunFlow(entry) ? [describeRun(entry, toStart, plan, built)] : []),
          ...(check
            ? [
              `${entry.id} started in ${check.ms} ms with ${check.tools.length} tools, ` +
              "and was stopped again:",
              ...check.tools.map((t) => clip(`  - ${t.tool}: ${oneLine(t.description)}`, width)),
              "",
            ]
            : []),
          already
            ? `${entry.id} was already on the list of servers the registry starts (since ` +
              `${mount.added_at}).`
            : `Added ${entry.id} (${entry.title}).`,
          wrap(`${entry.id} will start the next time mcp-registry starts (${NEXT_START}).`, {
            width,
          }),
        ].join("\n");
      },
    );
    return EXIT.ok;
  },
};

export const removeCommand: Command = {
  name: "remove",
  usage: `Usage: mcp-registry remove <id> [--json]

The registry no longer starts <id> when it starts. Its settings and secrets stay (see
mcp-registry config get <id>; mcp-registry config unset <id> <key> removes one). A registry
running now keeps running it until it stops; an agent's registry-remove stops it at once.

Exit codes: 0 removed, 2 bad arguments, 3 the registry does not start <id>.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {});
    checkArgs(positionals, { what: "one id", min: 1 });
    const wanted = positionals[0]!.trim();
    await using session = await openSession();
    const mounts = await session.mounts.list();
    const id = mounts.find((m) => m.id === wanted)?.id ??
      mounts.find((m) => m.id === wanted.toLowerCase())?.id;
    if (!id) {
      out.note(
        `The registry does not start "${clip(wanted)}"; nothing to remove. ` +
          (mounts.length
            ? `It starts: ${mounts.map((m) => m.id).join(", ")}.`
            : "It starts no server (mcp-registry add <id>)."),
      );
      return EXIT.notFound;
    }
    await session.mounts.delete(id);
    emit(out, values.json === true, { id, removed: true, settings_kept: true }, () =>
      [
        `Removed ${id}: the registry no longer starts it.`,
        `Its settings are kept (mcp-registry config get ${id}); adding it again uses them.`,
        wrap(
          "A registry running now keeps running it until it stops (an agent can call " +
            "registry-remove to stop it now).",
        ),
      ].join("\n"));
    return EXIT.ok;
  },
};

export const activeCommand: Command = {
  name: "active",
  usage: `Usage: mcp-registry active [--json]

The servers the registry starts when it starts (mcp-registry add), with how each runs and
whether its required settings are all set. (registry-active, from an agent, shows what a
running registry runs now.)

Exit codes: 0 each can start, 1 one of them cannot (settings missing, not in the catalog any
more, or the catalog does not say how to run it), 2 bad arguments.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {});
    checkArgs(positionals, { what: "no arguments" });
    await using session = await openSession();
    const servers = await Promise.all(
      (await session.mounts.list()).map((mount) => describeMount(session, mount)),
    );
    emit(out, values.json === true, { servers }, () => {
      if (servers.length === 0) {
        return "The registry starts no server. Add one with mcp-registry add <id> " +
          "(mcp-registry find <words> finds ids).";
      }
      return [
        `The registry starts ${servers.length} server${servers.length === 1 ? "" : "s"}:`,
        ...servers.map((s) =>
          wrap(
            `${s.id} (${s.title ?? "not in the catalog"}) ${s.launch_method ?? "-"}: ${
              s.problem ?? "ready"
            }`,
            { first: "  ", indent: "      " },
          )
        ),
      ].join("\n");
    });
    return servers.some((s) => s.problem) ? EXIT.failed : EXIT.ok;
  },
};

/** One mount as `active` shows it. */
async function describeMount(session: CliSession, mount: { id: string; added_at: string }) {
  const entry = session.catalog.index.get(mount.id);
  if (!entry) {
    return {
      id: mount.id,
      title: null,
      launch_method: null,
      added_at: mount.added_at,
      missing: [],
      problem: `not in the catalog any more; mcp-registry remove ${mount.id} forgets it`,
    };
  }
  const missing = missingConfig(entry, await session.configs.get(entry.id));
  const why = needsRunFlow(entry) ? null : whyNotRunnable(entry);
  const unbuilt = needsRunFlow(entry) && !(await runsWithoutBuild(session, entry));
  return {
    id: entry.id,
    title: entry.title,
    launch_method: entry.launch_method,
    added_at: mount.added_at,
    missing: keysOf(missing),
    problem: why
      ? "the catalog does not say how to run it"
      : unbuilt
      ? `not built yet (mcp-registry add ${entry.id} builds it, asking first)`
      : missing.length
      ? `settings missing: ${
        missing.map((k) => `${k.key} (mcp-registry config set ${entry.id} ${k.key})`).join(", ")
      }`
      : null,
  };
}

/**
 * Whether the next registry start can start a repository entry without a build, as its restore
 * does: by the plan kept for it (a package, or an image that is still there), else by the image
 * a build entry's pinned commit (or last build) made.
 */
async function runsWithoutBuild(session: CliSession, entry: CatalogEntry): Promise<boolean> {
  const planned = runnableEntry(entry, session.stores.runPlans);
  const image = planned.launch_method === "podman"
    ? planned.container_image
    : planned.launch_method === "build"
    ? builtImage(entry.id, entry.build?.commit)
    : null;
  if (!image) return planned.launch_method === "stdio-proxy";
  const runtime = new Podman({ binary: session.config.podman });
  return await runtime.imageExists(image).catch(() => false);
}

/** What `add --check` saw: the start, and the container it ran in (removed since). */
type Checked = AddOutcome & { container: string };

/** Starts `entry` once through the pool a registry uses, then stops it; never throws. */
async function checkStart(
  session: CliSession,
  entry: CatalogEntry,
  out: Output,
): Promise<Checked | { error: string }> {
  const { newPool } = await import("../registry/pool.ts");
  // Not remembered: the check stops what it started, and the next registry start restores
  // only what `add` (without --check) recorded.
  const { active } = newPool(session.config, session.stores, {
    log: session.log,
    catalog: session.catalog,
    remember: false,
  });
  const progress = progressReporter(out);
  // Ctrl-C while it starts: stop what was started before exiting.
  const interrupted = () => {
    progress.end();
    out.note("Interrupted; stopping it.");
    void active.closeAll().finally(() => Deno.exit(EXIT.failed));
  };
  Deno.addSignalListener("SIGINT", interrupted);
  try {
    progress.step(`${entry.id}: starting`);
    const outcome = await active.add(entry, await session.configs.get(entry.id), {
      progress: (step) => progress.step(`${entry.id}: ${step}`),
    });
    const container = active.list().find((a) => a.id === entry.id)?.container ?? "";
    return { ...outcome, container };
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    progress.step(`${entry.id}: stopping`);
    await active.closeAll();
    progress.end();
    Deno.removeSignalListener("SIGINT", interrupted);
  }
}

/** Why the catalog entry cannot be started at all, with what to do instead; null if it can. */
function whyNotRunnable(entry: CatalogEntry): string | null {
  const nothing = entry.launch_method === "none" ||
    (entry.launch_method === "podman" && !entry.container_image) ||
    (entry.launch_method === "remote-http" && !entry.remote) ||
    (entry.launch_method === "stdio-proxy" && !entry.run.package);
  if (!nothing) return null;
  return describeUnrunnable(
    entry,
    "Look for another entry of the same server (mcp-registry find <words> --launch-method " +
      "podman), or describe it in your own catalog (MCP_REGISTRY_CATALOGS, server.yaml format) " +
      "and run mcp-registry refresh local.",
  );
}

/** How a server run from its repository runs: built now, or as resolved before. */
function describeRun(
  entry: CatalogEntry,
  toStart: CatalogEntry,
  plan: RunPlan | null,
  built: boolean,
): string {
  const pkg = plan?.package;
  if (pkg) {
    return `${entry.id} runs the ${pkg.registry} package ${pkg.name}@${pkg.version}` +
      (plan ? ` (published from ${plan.repo} at ${plan.commit})` : "") +
      (built ? "." : ", as resolved before.");
  }
  if (built && plan) return `Built ${plan.image ?? entry.id} from ${plan.repo} at ${plan.commit}.`;
  return `${entry.id} runs ${toStart.container_image ?? "its image"}, built before.`;
}

/** What is missing, with the command that sets each. */
function describeMissing(entry: CatalogEntry, missing: ConfigKey[]): string {
  const lines = missing.map((k) => {
    const about = k.description ? `\n${wrap(oneLine(k.description), { indent: "      " })}` : "";
    const command = `mcp-registry config set ${entry.id} ${k.key}`;
    return `  - ${k.key} (${
      k.kind === "secret" ? "secret: typed at a hidden prompt, or piped in" : k.kind
    })${about}\n      ${k.kind === "secret" ? command : `${command} <value>`}`;
  });
  return `${entry.id} needs ${missing.length === 1 ? "a setting" : "settings"} before it can ` +
    `start; nothing was recorded:\n${
      lines.join("\n")
    }\nThen run mcp-registry add ${entry.id} again.`;
}

function keysOf(keys: ConfigKey[]): string[] {
  return keys.map((k) => k.key);
}
