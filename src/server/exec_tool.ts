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
  async handler(args, { active }) {
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
    return await forwardCall(active, args.id, tool, args.arguments ?? {});
  },
});

/** Calls a child tool; a failure to reach it becomes an `isError` result that says why. */
export async function forwardCall(
  active: ActiveServers,
  id: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  try {
    return await active.call(id, tool, args);
  } catch (error) {
    // The registry's words, around the agent's tool name and the child's or the SDK's message.
    return toolError(
      withoutControls(`Calling ${tool} on ${id} failed: ${(error as Error).message}`),
    );
  }
}
