/**
 * Real MCP servers (the official SDK's `McpServer`) speaking over HTTP on 127.0.0.1, for tests
 * of remote activation: Streamable HTTP that checks a bearer token, and an SSE-only one.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { z } from "zod";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/sse"
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { WebStandardStreamableHTTPServerTransport } from "../../src/mcp/sdk_http.ts";

/** A running test server. */
export interface RemoteTestServer extends AsyncDisposable {
  url: string;
  /** Authorization headers the server saw, in order. */
  seenAuth: string[];
}

function mcpServer(name: string): McpServer {
  const server = new McpServer({ name, version: "1.0.0" });
  server.registerTool("echo", {
    description: "Echoes the message back.",
    inputSchema: { message: z.string() },
  }, ({ message }) => ({ content: [{ type: "text", text: `${name}: ${message}` }] }));
  server.registerTool("add", {
    description: "Adds two numbers.",
    inputSchema: { a: z.number(), b: z.number() },
    outputSchema: { sum: z.number() },
  }, ({ a, b }) => ({
    content: [{ type: "text", text: String(a + b) }],
    structuredContent: { sum: a + b },
  }));
  return server;
}

/** Streamable HTTP at `/mcp`, stateless; refuses requests without `Bearer <token>` (401). */
export function streamableServer(token: string | null): RemoteTestServer {
  const seenAuth: string[] = [];
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const auth = req.headers.get("authorization") ?? "";
    seenAuth.push(auth);
    if (new URL(req.url).pathname !== "/mcp") return new Response("not found", { status: 404 });
    if (token !== null && auth !== `Bearer ${token}`) {
      return new Response("unauthorized", { status: 401 });
    }
    // Stateless: no standalone SSE stream (a GET would stay open and hold up shutdown).
    if (req.method !== "POST") return new Response("method not allowed", { status: 405 });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const server = mcpServer("streamable");
    await server.connect(transport);
    return await transport.handleRequest(req);
  });
  return {
    url: `http://127.0.0.1:${http.addr.port}/mcp`,
    seenAuth,
    async [Symbol.asyncDispose]() {
      await http.shutdown();
    },
  };
}

/** An older server that speaks only SSE (`GET /sse`, `POST /messages`). */
export async function sseServer(): Promise<RemoteTestServer> {
  const transports = new Map<string, SSEServerTransport>();
  const http = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/sse") {
      const transport = new SSEServerTransport("/messages", res);
      transports.set(transport.sessionId, transport);
      res.on("close", () => transports.delete(transport.sessionId));
      await mcpServer("sse").connect(transport);
    } else if (req.method === "POST" && url.pathname === "/messages") {
      const transport = transports.get(url.searchParams.get("sessionId") ?? "");
      if (!transport) {
        res.writeHead(404).end("no session");
        return;
      }
      await transport.handlePostMessage(req, res);
    } else {
      res.writeHead(405).end("method not allowed");
    }
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/sse`,
    seenAuth: [],
    async [Symbol.asyncDispose]() {
      for (const t of transports.values()) await t.close().catch(() => {});
      http.closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
