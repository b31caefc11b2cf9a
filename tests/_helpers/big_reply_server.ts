/**
 * A real MCP server (the SDK's `McpServer` over stdio) that answers with as many bytes as it is
 * asked for, for tests of what the registry does with an oversized child reply. Run it with
 * `deno run --config <repo>/deno.json tests/_helpers/big_reply_server.ts`.
 *
 * @module
 */
import { z } from "zod";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "../../src/mcp/sdk.ts";

const server = new McpServer({ name: "big-reply", version: "1.0.0" });
server.registerTool("blob", {
  description: "Answers with `bytes` characters of text.",
  inputSchema: { bytes: z.number().int().min(0) },
}, ({ bytes }) => ({ content: [{ type: "text", text: "x".repeat(bytes) }] }));
server.registerTool("echo", {
  description: "Echoes the message back.",
  inputSchema: { message: z.string() },
}, ({ message }) => ({ content: [{ type: "text", text: `echo: ${message}` }] }));
await server.connect(new StdioServerTransport());
