/**
 * The registry's MCP server: the SDK's low-level `Server` with one `tools/list` and one
 * `tools/call` handler dispatching to the registry tools.
 *
 * @module
 */
import { z } from "zod";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  Server,
} from "../mcp/sdk.ts";
import type { CallToolResult, ServerNotification, Tool } from "../mcp/sdk.ts";
import type { Logger } from "../log.ts";
import { activeTool } from "./active_tool.ts";
import { addTool } from "./add_tool.ts";
import { configSetTool } from "./config_set_tool.ts";
import { execTool, forwardCall } from "./exec_tool.ts";
import { findTool } from "./find_tool.ts";
import { listTool } from "./list_tool.ts";
import { removeTool } from "./remove_tool.ts";
import { refreshTool } from "./refresh_tool.ts";
import { statusTool } from "./status_tool.ts";
import {
  type CallInfo,
  describeInvalidArguments,
  type RegistryTool,
  type ToolContext,
  toolError,
  truncate,
} from "./tool.ts";

/** The registry's own tools. */
export const REGISTRY_TOOLS: readonly RegistryTool[] = [
  findTool,
  listTool,
  addTool,
  removeTool,
  activeTool,
  execTool,
  configSetTool,
  refreshTool,
  statusTool,
];

/** Options for {@linkcode createRegistryServer}. */
export interface RegistryServerOptions {
  context: ToolContext;
  /** Resolves once the catalog is loaded; calls wait for it. */
  ready: Promise<void>;
  log: Logger;
  /** Counts calls being answered, so a shutdown can let them finish. */
  inFlight?: { count: number };
}

/** Builds the MCP server (not yet connected to a transport). */
export function createRegistryServer(options: RegistryServerOptions): Server {
  const { context, ready, log, inFlight = { count: 0 } } = options;
  const server = new Server(
    { name: "mcp-registry", title: "MCP Registry", version: context.version },
    {
      capabilities: { tools: { listChanged: true } },
      instructions:
        "mcp-registry finds and runs MCP servers for what the user needs. registry-find " +
        "searches the catalog (plain words, typos are fine); registry-add starts a server and " +
        "adds its tools as <id>__<tool> (also callable through registry-exec); " +
        "registry-config-set stores the keys a server needs; registry-active and " +
        "registry-remove manage what runs; registry-status shows where the catalog comes from.",
    },
  );
  const tools = new Map(REGISTRY_TOOLS.map((t) => [t.name, t]));
  const listed: Tool[] = REGISTRY_TOOLS.map(describeTool);

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [...listed, ...context.active.exposedTools()],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    inFlight.count++;
    try {
      return await callTool(request.params, callInfo(request.params._meta?.progressToken, extra));
    } finally {
      inFlight.count--;
    }
  });

  async function callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    call: CallInfo,
  ): Promise<CallToolResult> {
    const { name, arguments: args = {} } = params;
    const tool = tools.get(name);
    if (!tool) {
      const route = context.active.route(name);
      if (route) return await forwardCall(context.active, route.id, route.tool, args);
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown tool "${truncate(name, 80)}"; the registry's tools are ${
          [...tools.keys()].join(", ")
        }, plus <id>__<tool> for each tool of an active server (see registry-active)`,
      );
    }
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) return toolError(describeInvalidArguments(tool, parsed.error));
    const started = performance.now();
    try {
      await ready;
      const result = await tool.handler(parsed.data, context, call);
      log.debug("tool call", { tool: name, ms: +(performance.now() - started).toFixed(2) });
      return result;
    } catch (error) {
      log.error("tool failed", { tool: name, error: String(error) });
      return toolError(
        `${name} failed: ${(error as Error).message}. This is a bug in mcp-registry.`,
      );
    }
  }
  return server;
}

/** What the SDK hands a request handler that `callInfo` uses. */
interface HandlerExtra {
  signal: AbortSignal;
  sendNotification: (notification: ServerNotification) => Promise<void>;
}

/** Progress notifications for a call whose client passed `token`; none without one. */
function callInfo(token: string | number | undefined, extra: HandlerExtra): CallInfo {
  if (token === undefined) return { progress: () => {}, signal: extra.signal };
  let last = 0;
  return {
    signal: extra.signal,
    progress(message, done, total) {
      // Progress must grow with every notification: count steps when the work has no unit.
      last = done !== undefined && done > last ? done : last + 1;
      const params: {
        progressToken: string | number;
        progress: number;
        total?: number;
        message: string;
      } = { progressToken: token, progress: last, message };
      if (total !== undefined && total >= last) params.total = total;
      extra.sendNotification({ method: "notifications/progress", params }).catch(() => {});
    },
  };
}

function describeTool(tool: RegistryTool): Tool {
  const described: Tool = {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.input, "input") as Tool["inputSchema"],
    annotations: { title: tool.title, ...tool.annotations },
  };
  if (tool.output) {
    described.outputSchema = jsonSchema(tool.output, "output") as Tool["outputSchema"];
  }
  return described;
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "draft-7", io });
  return rest;
}
