/**
 * What joins the sandbox to the pool: the bindings it gets (the active servers and their tools)
 * and `mcp.call` answered through `ActiveServers.call` (timeouts, secret masking, crash
 * recovery), validated like any tool call.
 *
 * @module
 */
import type { CallToolResult } from "../mcp/sdk.ts";
import type { ActiveServers } from "../proxy/active_servers.ts";
import { declarations, type TypedTool } from "./types.ts";

/** Server id -> its tools (with schemas), for every active server that has tools now. */
export function activeTools(active: ActiveServers): Record<string, TypedTool[]> {
  const servers: Record<string, TypedTool[]> = {};
  for (const { id } of active.list()) {
    servers[id] = active.upstreamOf(id)?.tools ?? [];
  }
  return servers;
}

/** The declarations of `mcp` and `servers` for the active servers (all, or those named). */
export function activeDeclarations(active: ActiveServers, only?: readonly string[]): string {
  const all = activeTools(active);
  const chosen = only?.length
    ? Object.fromEntries(Object.entries(all).filter(([id]) => only.includes(id)))
    : all;
  return declarations(chosen);
}

/**
 * Answers one `mcp.call` from the sandbox: the server must be active, the tool one of its own,
 * the arguments an object. Resolves to the tool's `structuredContent`, else its text (parsed
 * when it is JSON); a tool error rejects with the tool's message.
 */
export async function callFromSandbox(
  active: ActiveServers,
  call: { server: string; tool: string; args: unknown },
): Promise<unknown> {
  const { server, tool, args } = call;
  if (!active.has(server)) {
    const ids = active.list().map((a) => a.id);
    throw new Error(
      `${server.slice(0, 80)} is not active; ${
        ids.length ? `active: ${ids.join(", ")}` : "no server is active"
      } (registry-add starts one)`,
    );
  }
  const tools = active.toolsOf(server);
  if (tools.length > 0 && !tools.includes(tool)) {
    throw new Error(`${server} has no tool "${tool.slice(0, 80)}"; its tools: ${tools.join(", ")}`);
  }
  if (args === undefined || args === null) return valueOf(await active.call(server, tool, {}));
  if (typeof args !== "object" || Array.isArray(args)) {
    throw new TypeError(`The arguments of ${tool} must be an object, not ${typeName(args)}`);
  }
  return valueOf(await active.call(server, tool, args as Record<string, unknown>));
}

/** What the code gets of a result; throws the tool's message for an error result. */
export function valueOf(result: CallToolResult): unknown {
  const texts = result.content.flatMap((c) => c.type === "text" ? [c.text] : []);
  if (result.isError) throw new Error(texts.join("\n") || "the tool failed");
  if (result.structuredContent !== undefined) return result.structuredContent;
  if (texts.length === 0) return result.content;
  const text = texts.join("\n");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
