/**
 * `registry-config-set`: store a server's declared settings and secrets.
 *
 * @module
 */
import { z } from "zod";
import { missingConfig } from "../runtime/launch_spec.ts";
import { configView } from "../registry/config_view.ts";
import { checkConfigValues } from "../registry/config_values.ts";
import { idArgument, lookupEntry } from "../registry/ids.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";

export const configSetTool = defineTool({
  name: "registry-config-set",
  title: "Configure an MCP server",
  description:
    "Store the keys and settings a server declares (registry-add names missing ones), e.g. " +
    '{"github.personal_access_token": "..."}; null unsets. Restarts it if running.',
  input: z.object({
    id: idArgument,
    values: z.record(z.string().max(200), z.unknown()),
  }).strict(),
  output: z.object({
    id: z.string(),
    changed: z.array(z.string()),
    config: z.array(z.object({
      key: z.string(),
      kind: z.enum(["secret", "parameter", "env"]),
      required: z.boolean(),
      set: z.boolean(),
      value: z.unknown(),
      description: z.string().optional(),
      example: z.string().optional(),
    })),
    missing: z.array(z.string()),
    restarted: z.boolean(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  async handler(args, { catalog, configs, active }) {
    const entry = lookupEntry(catalog.index, args.id);
    if (typeof entry === "string") return toolError(entry);
    if (Object.keys(args.values).length === 0) {
      return toolError(
        'Invalid arguments for registry-config-set: "values" is empty; give at least one key.',
      );
    }
    const checked = await checkConfigValues(entry, args.values);
    if (!checked.ok) {
      return toolError(`Nothing was stored for ${entry.id}:\n- ${checked.problems.join("\n- ")}`);
    }
    const config = await configs.update(entry.id, checked.patch);
    const missing = missingConfig(entry, config).map((k) => k.key);
    let restarted = false;
    let note = "";
    let failed = false;
    const state = active.list().find((a) => a.id === entry.id)?.state;
    if (state === "running" || state === "starting") {
      try {
        // Other settings make add() restart it; the server stays remembered either way.
        const outcome = await active.add(entry, config, { keep: true });
        restarted = outcome.status !== "already-running";
        note = restarted ? ` ${entry.id} was restarted with the new settings.` : "";
      } catch (error) {
        failed = true;
        note = ` Restarting ${entry.id} with them failed: ${(error as Error).message}. It is ` +
          "listed as failed in registry-active; fix the setting and call registry-add.";
      }
    }
    const view = configView(entry, config);
    // checked.keys follows the order of args.values: null there means "unset".
    const given = Object.values(args.values);
    const stored = checked.keys.filter((_, i) => given[i] !== null);
    const unset = checked.keys.filter((_, i) => given[i] === null);
    const done = [
      ...(stored.length ? [`Stored ${stored.join(", ")}`] : []),
      ...(unset.length ? [`${stored.length ? "unset" : "Unset"} ${unset.join(", ")}`] : []),
    ].join(" and ");
    const text = `${done} for ${entry.id}.${note}` +
      (missing.length ? ` Still missing: ${missing.join(", ")}.` : " Nothing required is missing.");
    const result = toolResult(text, {
      id: entry.id,
      changed: checked.keys,
      config: view,
      missing,
      restarted,
    });
    return failed ? { ...result, isError: true } : result;
  },
});
