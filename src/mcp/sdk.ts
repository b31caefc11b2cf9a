/**
 * The one doorway to the MCP TypeScript SDK.
 *
 * The SDK's wildcard `types` export maps `server/stdio.js` to a `.js.d.ts` file that does not
 * exist, so deep imports would type-check as `any`; each `@ts-types` line below points the type
 * checker at the right declaration file. Import the SDK from here (server side) or from
 * `sdk_client.ts` (client side), never directly; the split keeps the client code, ~60 ms of
 * module loading, out of the server's start-up.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/index"
export { Server } from "@modelcontextprotocol/sdk/server/index.js";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
export { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/shared/stdio"
export { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export type { CallToolResult, ServerNotification, Tool } from "@modelcontextprotocol/sdk/types.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
