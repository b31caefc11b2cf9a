/**
 * `registry-remove`: stop an active server and withdraw its tools.
 *
 * @module
 */
import { z } from "zod";
import { idArgument } from "../registry/ids.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";

export const removeTool = defineTool({
  name: "registry-remove",
  title: "Deactivate an MCP server",
  description: "Stop an active server and drop its tools; its settings are kept.",
  input: z.object({ id: idArgument }).strict(),
  output: z.object({ id: z.string(), removed: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  async handler(args, { active }) {
    const removed = await active.remove(args.id);
    if (!removed) {
      const ids = active.list().map((a) => a.id);
      return toolError(
        `${args.id.slice(0, 80)} is not active. ${
          ids.length ? `Active servers: ${ids.join(", ")}.` : "No server is active."
        }`,
      );
    }
    return toolResult(`${args.id} stopped; its tools are gone.`, { id: args.id, removed: true });
  },
});
