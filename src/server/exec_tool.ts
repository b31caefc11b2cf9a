/**
 * `registry-exec`: call a tool of an active server, for clients that do not follow tool-list
 * changes. Direct calls of exposed tools (`<id>__<tool>`) take the same path.
 *
 * @module
 */
import { z } from "zod";
import type { CallToolResult } from "../mcp/sdk.ts";
import type { ActiveServers } from "../proxy/active_servers.ts";
import { withoutControls } from "../util/text.ts";
import { idArgument } from "../registry/ids.ts";
import { defineTool, toolError } from "./tool.ts";
import type { SafeJsonSchemaValidator } from "../mcp/safe_validator.ts";

export const execTool = defineTool({
  name: "registry-exec",
  title: "Call a tool of an active server",
  description:
    "Call a tool of an active server (for clients that miss tool-list changes, or for a " +
    "tool listed without its schema); the result comes back unchanged.",
  input: z.object({
    id: idArgument,
    tool: z.string().trim().min(1).max(200),
    arguments: z.record(z.string(), z.unknown()).optional(),
  }).strict(),
  annotations: { readOnlyHint: false, openWorldHint: true },
  async handler(args, { active, toolSchemas }) {
    if (!active.has(args.id)) {
      const ids = active.list().map((a) => a.id);
      return toolError(
        `${args.id.slice(0, 80)} is not active; start it with registry-add first. ${
          ids.length ? `Active: ${ids.join(", ")}.` : "No server is active."
        }`,
      );
    }
    const tools = active.toolsOf(args.id);
    let tool = args.tool;
    if (!tools.includes(tool)) {
      const routed = active.route(tool);
      if (routed?.id === args.id) tool = routed.tool;
    }
    if (tools.length > 0 && !tools.includes(tool)) {
      return toolError(
        `${args.id} has no tool "${withoutControls(args.tool.slice(0, 80))}". Its tools: ${
          tools.join(", ")
        }.`,
      );
    }
    return await forwardCall(active, args.id, tool, args.arguments ?? {}, {
      lazy: toolSchemas === "lazy",
    });
  },
});

/**
 * Calls a child tool; a failure to reach it becomes an `isError` result that says why. With
 * `lazy` (tools listed without schemas), arguments that do not fit the tool's input schema are
 * answered with the schema instead, so the agent gets it on first use.
 */
export async function forwardCall(
  active: ActiveServers,
  id: string,
  tool: string,
  args: Record<string, unknown>,
  { lazy = false } = {},
): Promise<CallToolResult> {
  if (lazy) {
    const misfit = await schemaMisfit(active, id, tool, args);
    if (misfit) return toolError(misfit);
  }
  try {
    return await active.call(id, tool, args);
  } catch (error) {
    // The registry's words, around the agent's tool name and the child's or the SDK's message.
    return toolError(
      withoutControls(`Calling ${tool} on ${id} failed: ${(error as Error).message}`),
    );
  }
}

let validator: SafeJsonSchemaValidator | undefined;

/** What is wrong with `args` for the tool's input schema, with the schema; null when they fit. */
async function schemaMisfit(
  active: ActiveServers,
  id: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<string | null> {
  const schema = active.toolOf(id, tool)?.inputSchema;
  if (!schema) return null;
  validator ??= new (await import("../mcp/safe_validator.ts")).SafeJsonSchemaValidator({
    uncheckable: "skip",
  });
  let result: { valid: boolean; errorMessage?: string | undefined };
  try {
    // deno-lint-ignore no-explicit-any
    result = validator.getValidator(schema as any)(args);
  } catch {
    return null; // a schema the validator cannot read: let the server judge the call
  }
  if (result.valid) return null;
  return withoutControls(
    `The arguments do not fit ${tool} of ${id} (${result.errorMessage ?? "invalid"}). Its ` +
      `input schema: ${JSON.stringify(schema)}. Call it again with arguments that fit.`,
  );
}
