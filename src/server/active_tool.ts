/**
 * `registry-active`: what runs now.
 *
 * @module
 */
import { z } from "zod";
import { defineTool, toolResult } from "./tool.ts";

export const activeTool = defineTool({
  name: "registry-active",
  title: "Active MCP servers",
  description: "List the servers started with registry-add: state, tools, last error.",
  input: z.object({}).strict(),
  output: z.object({
    servers: z.array(z.object({
      id: z.string(),
      title: z.string(),
      state: z.enum(["starting", "running", "exited", "failed"]),
      container: z.string(),
      image: z.string(),
      url: z.string().nullable(),
      started_at: z.string(),
      tool_count: z.number().int(),
      tools: z.array(z.string()),
      last_error: z.string().nullable(),
    })),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler(_args, { active }) {
    const servers = active.list();
    const text = servers.length === 0
      ? "No server is active. Find one with registry-find and start it with registry-add."
      : servers.map((s) =>
        `- ${s.id}: ${s.state}, ${s.tool_count} tools, ${
          s.url ? `remote ${s.url}` : `container ${s.container}`
        }, since ` +
        `${s.started_at}${s.last_error ? `; last error: ${s.last_error}` : ""}`
      ).join("\n");
    return Promise.resolve(toolResult(text, { servers }));
  },
});
