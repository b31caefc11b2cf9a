/**
 * `registry-add`: activate a catalog server and expose its tools.
 *
 * @module
 */
import { z } from "zod";
import type { CatalogEntry } from "../catalog/entry.ts";
import { missingConfig } from "../runtime/launch_spec.ts";
import { describePlan, needsRunFlow, prepareRun, type RunPlan } from "../registry/build_flow.ts";
import { describeMissing } from "../registry/config_view.ts";
import { describeUnrunnable } from "../registry/entry_summary.ts";
import { checkConfigValues } from "../registry/config_values.ts";
import { idArgument, lookupEntry } from "../registry/ids.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";

export const addTool = defineTool({
  name: "registry-add",
  title: "Activate an MCP server",
  description:
    "Start a catalog server by id; its tools appear as <id>__<tool> (also callable via " +
    "registry-exec). Says which keys are missing: pass them in config.",
  input: z.object({
    id: idArgument,
    config: z.record(z.string().max(200), z.unknown()).optional().describe(
      "as registry-config-set values",
    ),
    build: z.boolean().optional(),
  }).strict(),
  output: z.object({
    id: z.string(),
    status: z.enum(["started", "already-running", "restarted", "needs-build"]),
    container: z.string(),
    tools: z.array(z.object({ name: z.string(), tool: z.string(), description: z.string() })),
    ms: z.number(),
    /** For a server built from source: what was (or would be) built. */
    build: z.object({
      kind: z.enum(["package", "containerfile", "recipe"]),
      repo: z.string(),
      commit: z.string(),
      directory: z.string(),
      file: z.string(),
      image: z.string().optional(),
      package: z.object({ registry: z.string(), name: z.string(), version: z.string() })
        .optional(),
      recipe: z.string().optional(),
    }).optional(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  async handler(args, context, call) {
    const { catalog, active, configs, cacheDir, runMarks, runPlans, build: settings } = context;
    const entry = lookupEntry(catalog.index, args.id);
    if (typeof entry === "string") return toolError(entry);
    if (entry.launch_method === "none" && !needsRunFlow(entry)) {
      return toolError(cannotRun(entry));
    }
    if (args.config && Object.keys(args.config).length > 0) {
      const checked = await checkConfigValues(entry, args.config);
      if (!checked.ok) {
        return toolError(`Invalid config for ${entry.id}:\n- ${checked.problems.join("\n- ")}`);
      }
      await configs.update(entry.id, checked.patch);
    }
    const config = await configs.get(entry.id);
    const missing = missingConfig(entry, config);
    if (missing.length > 0) return toolError(describeMissing(entry, missing));
    const progress = (step: string) => call.progress({ subject: entry.id, message: step });
    let built: RunPlan | undefined;
    let toStart = entry;
    const flow = {
      cacheDir,
      runtime: active.runtime,
      progress,
      signal: call.signal,
      ...(runMarks ? { runMarks } : {}),
      ...(runPlans ? { runPlans } : {}),
      ...(settings ? { settings } : {}),
    };
    try {
      let answer = await prepareRun(entry, { ...flow, build: args.build === true });
      if (answer.status === "needs-consent") {
        // A client that can ask its user does; one that cannot gets the plan to ask with.
        const yes = await call.confirm?.(answer.question);
        if (yes !== true) {
          return toolResult(describeConsent(entry, answer.plan, yes), {
            id: entry.id,
            status: "needs-build",
            container: "",
            tools: [],
            ms: 0,
            build: answer.plan,
          });
        }
        answer = await prepareRun(entry, { ...flow, build: true });
        if (answer.status !== "ready") return toolError(`Cannot build ${entry.id}`);
      }
      toStart = answer.entry;
      if (args.build === true || answer.built) {
        built = answer.plan ?? undefined;
        // A new image or package version: what ran before stops, and the new one starts.
        if (built && active.has(entry.id)) await active.remove(entry.id);
      }
    } catch (error) {
      const message = (error as Error).message;
      const why = message.startsWith(`${entry.id}: `)
        ? message.slice(entry.id.length + 2)
        : message;
      return toolError(`Cannot run ${entry.id}: ${why}`);
    }
    let outcome;
    try {
      call.progress({ subject: entry.id, message: "starting" });
      outcome = await active.add(toStart, config, { progress });
    } catch (error) {
      return toolError(`Cannot start ${entry.id}: ${(error as Error).message}`);
    }
    // The pool marks the start verified, with the kept plan's commit (registry/pool.ts).
    const info = active.list().find((a) => a.id === entry.id);
    const head = outcome.status === "already-running"
      ? `${entry.id} is already running with these settings; nothing changed. Its tools:`
      : `${entry.id} is ${
        outcome.status === "restarted" ? "restarted with the new settings and " : ""
      }running (${outcome.ms} ms). Its ${outcome.tools.length} tools, callable ` +
        "directly or through registry-exec:";
    const text = [
      ...(built ? [builtLine(built)] : []),
      head,
      ...outcome.tools.map((t) => `- ${t.name}: ${t.description.split("\n")[0]!.slice(0, 160)}`),
    ].join("\n");
    return toolResult(text, {
      id: entry.id,
      status: outcome.status,
      container: info?.container ?? "",
      tools: outcome.tools,
      ms: outcome.ms,
      ...(built ? { build: built } : {}),
    });
  },
});

/** What a start of `entry` would run, and how the person goes on. */
function describeConsent(entry: CatalogEntry, plan: RunPlan, asked: boolean | undefined): string {
  return [
    `${entry.id} runs from its repository; nothing was built or started. It would run:`,
    ...describePlan(plan),
    asked === false
      ? "The user declined when asked. Call registry-add with build: true only if they change " +
        "their mind."
      : `Ask the user; if they agree, call registry-add {id: "${entry.id}", build: true}.`,
  ].join("\n");
}

/** One line on what this call built or resolved. */
function builtLine(plan: RunPlan): string {
  const at = `${plan.repo} at ${plan.commit}`;
  return plan.kind === "package" && plan.package
    ? `Runs ${plan.package.registry} ${plan.package.name}@${plan.package.version}, published ` +
      `from ${at}.`
    : `Built ${plan.image} from ${at}.`;
}

/** Why an entry without launch details cannot be added, and what the agent can do instead. */
function cannotRun(entry: CatalogEntry): string {
  return describeUnrunnable(
    entry,
    "Look for another entry of the same server with registry-find (filter launch_method), or " +
      "ask the user to describe it in their own catalog (MCP_REGISTRY_CATALOGS, server.yaml " +
      "format) and call registry-refresh with source local.",
  );
}
