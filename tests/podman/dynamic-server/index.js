// A small real MCP server (official SDK) whose tool list changes at run time, for testing that
// mcp-registry follows a child's notifications/tools/list_changed. Built into a test image by
// scripts/build_test_images.ts.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "dynamic-test-server", version: "1.0.0" });
let added = 0;

server.registerTool("add_tool", {
  description: "Adds a new tool named extra_<n> and announces the change.",
  inputSchema: {},
}, () => {
  added += 1;
  const n = added;
  server.registerTool(`extra_${n}`, {
    description: `Extra tool number ${n}.`,
    inputSchema: { text: z.string() },
  }, ({ text }) => ({ content: [{ type: "text", text: `extra_${n}: ${text}` }] }));
  // registerTool sends notifications/tools/list_changed once connected.
  return { content: [{ type: "text", text: `added extra_${n}` }] };
});

server.registerTool("fail", {
  description: "Always returns an error result.",
  inputSchema: {},
}, () => ({ content: [{ type: "text", text: "this tool always fails" }], isError: true }));

await server.connect(new StdioServerTransport());
