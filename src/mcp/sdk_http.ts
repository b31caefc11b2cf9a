/**
 * The HTTP server transport of the SDK doorway (see `sdk.ts`), apart so that stdio start-ups
 * do not load it.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
export { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
