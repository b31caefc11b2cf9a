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
import type { Logger } from "../util/log.ts";
import { truncate, withoutControls, withoutControlsDeep } from "../util/text.ts";
import { activeTool } from "./active_tool.ts";
import { addTool } from "./add_tool.ts";
import { configSetTool } from "./config_set_tool.ts";
import { execTool, forwardCall } from "./exec_tool.ts";
import { findTool } from "./find_tool.ts";
import { listTool } from "./list_tool.ts";
import { removeTool } from "./remove_tool.ts";
import { refreshTool } from "./refresh_tool.ts";
import { statusTool } from "./status_tool.ts";
import { codeTool } from "./code_tool.ts";
import {
  type CallInfo,
  describeInvalidArguments,
  type RegistryTool,
  type ToolContext,
  toolError,
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
  codeTool,
];

/**
 * The largest tool result the registry answers with, as JSON. A larger one is replaced by an
 * `isError` result: MCP clients hold a message in memory whole, and the SDK's stdio client
 * gives up on a line over 10 MiB by closing the connection, which ends the registry's stdio
 * session and stops every server it runs. Half that leaves room for the JSON-RPC envelope and
 * for clients with smaller limits; images up to about 3.7 MB fit (base64).
 */
export const MAX_RESULT_BYTES = 5 * 1024 * 1024;

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
    tools: [...listed, ...context.active.exposedTools({ lazy: context.toolSchemas === "lazy" })],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    inFlight.count++;
    try {
      const result = await callTool(
        request.params,
        withConfirm(callInfo(request.params._meta?.progressToken, extra), server, extra.signal),
      );
      return withinSizeLimit(result, request.params.name);
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
      if (route) {
        return await forwardCall(context.active, route.id, route.tool, args, {
          lazy: context.toolSchemas === "lazy",
        });
      }
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown tool "${withoutControls(truncate(name, 80))}"; the registry's tools are ${
          [...tools.keys()].join(", ")
        }, plus <id>__<tool> for each tool of an active server (see registry-active)`,
      );
    }
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) {
      return toolError(withoutControls(describeInvalidArguments(tool, parsed.error)));
    }
    const started = performance.now();
    try {
      await ready;
      const result = await tool.handler(parsed.data, context, call);
      log.debug("tool call", { tool: name, ms: +(performance.now() - started).toFixed(2) });
      // What the registry writes may repeat the agent's words (a query, an id, a key): no
      // terminal controls in it. registry-exec answers with the child's result, unchanged.
      return tool === execTool ? result : withoutControlsDeep(result);
    } catch (error) {
      log.error("tool failed", { tool: name, error: String(error) });
      return toolError(
        withoutControls(
          `${name} failed: ${(error as Error).message}. This is a bug in mcp-registry.`,
        ),
      );
    }
  }
  return server;
}

/** `result`, or an `isError` result naming its size when it is over {@linkcode MAX_RESULT_BYTES}. */
function withinSizeLimit(result: CallToolResult, name: string): CallToolResult {
  const json = JSON.stringify(result);
  // A UTF-16 unit is 1 to 3 bytes of UTF-8: most results are decided by their length alone.
  if (json.length * 3 <= MAX_RESULT_BYTES) return result;
  const size = new TextEncoder().encode(json).length;
  if (size <= MAX_RESULT_BYTES) return result;
  return toolError(
    `The result of ${withoutControls(truncate(name, 80))} is ${mebibytes(size)} ` +
      `(${size} bytes as JSON), over the ${mebibytes(MAX_RESULT_BYTES)} the registry passes ` +
      "on to an MCP client, so it was dropped. Ask for less (a narrower query, a smaller range " +
      "or page) and call again.",
  );
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** What the SDK hands a request handler that `callInfo` uses. */
interface HandlerExtra {
  signal: AbortSignal;
  sendNotification: (notification: ServerNotification) => Promise<void>;
}

/**
 * `call` with {@linkcode CallInfo.confirm} when the client declared elicitation: a form with
 * one yes/no field; a decline, a cancel, a "no" or a failed request are all a no.
 */
function withConfirm(call: CallInfo, server: Server, signal: AbortSignal): CallInfo {
  if (!server.getClientCapabilities()?.elicitation) return call;
  return {
    ...call,
    async confirm(question) {
      try {
        const answer = await server.elicitInput({
          message: question,
          requestedSchema: {
            type: "object",
            properties: { confirm: { type: "boolean", title: "Yes, go on", default: false } },
            required: ["confirm"],
          },
        }, { signal });
        return answer.action === "accept" && answer.content?.confirm === true;
      } catch {
        return undefined;
      }
    },
  };
}

/** Progress notifications for a call whose client passed `token`; none without one. */
function callInfo(token: string | number | undefined, extra: HandlerExtra): CallInfo {
  if (token === undefined) return { progress: () => {}, signal: extra.signal };
  let last = 0;
  return {
    signal: extra.signal,
    progress({ subject, message: step, done, total }) {
      const message = `${subject}: ${step}`;
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

/**
 * A registry tool as `tools/list` shows it: name, title, description, input schema and hints.
 * No output schema: every answer carries a text rendering an agent reads, and the schemas cost
 * every client about 1,600 tokens of context on every turn while no client we know acts on them
 * (the zod `output` shapes stay in each tool's file, for tests and readers).
 */
function describeTool(tool: RegistryTool): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: lean(jsonSchema(tool.input, "input")) as Tool["inputSchema"],
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}

/**
 * Keywords the server checks itself (its zod schema answers a bad argument with an error that
 * names it and the fix), dropped from the listed schema to save the client's context.
 */
const CHECKED_HERE = new Set(["minLength", "maxLength", "minimum", "maximum", "propertyNames"]);

/** `schema` without {@linkcode CHECKED_HERE} keywords and empty `additionalProperties`. */
function lean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lean);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (CHECKED_HERE.has(key)) continue;
    if (
      key === "additionalProperties" && typeof value === "object" && value !== null &&
      Object.keys(value).length === 0
    ) continue;
    out[key] = key === "properties" ? mapValues(value as Record<string, unknown>) : lean(value);
  }
  return out;
}

function mapValues(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, lean(v)]));
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "draft-7", io });
  return rest;
}
