/**
 * What a registry tool is: a name, a zod input schema, an optional output schema and a
 * handler. `server.ts` serves them through the SDK's low-level `Server`, so the same dispatch
 * can later serve tools proxied from child servers, which arrive as JSON Schema.
 *
 * @module
 */
import type { z } from "zod";
import type { ToolContext } from "../registry/context.ts";
import type { CallToolResult } from "../mcp/sdk.ts";
import { truncate } from "../util/text.ts";

export type { ToolContext };

/** One step of a call's work: what it is about and how far it got. */
export interface ProgressStep {
  /** What the step is about: a server id, a source name. */
  subject: string;
  message: string;
  done?: number;
  total?: number;
}

/** What a handler knows about the call it answers. */
export interface CallInfo {
  /**
   * Sends `notifications/progress` (message `<subject>: <message>`) when the client asked for
   * progress (passed a progress token); does nothing otherwise. Never throws.
   */
  progress(step: ProgressStep): void;
  /** Aborted when the client cancels the call or disconnects. */
  signal: AbortSignal;
  /**
   * Asks the client's user a yes/no `question` by MCP elicitation: true on accept, false on
   * decline or cancel; absent (or undefined) when the client cannot ask.
   */
  confirm?(question: string): Promise<boolean | undefined>;
}

/** A call without a client asking for progress (for direct use and tests). */
export const QUIET_CALL: CallInfo = { progress: () => {}, signal: new AbortController().signal };

/** Hints for clients, as in the MCP `ToolAnnotations`. */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A tool of the registry itself. */
export interface RegistryTool<I extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output?: z.ZodObject;
  annotations?: ToolAnnotations;
  handler(args: z.infer<I>, ctx: ToolContext, call: CallInfo): Promise<CallToolResult>;
}

/** Declares a tool with its argument types inferred from `input`. */
export function defineTool<I extends z.ZodObject>(tool: RegistryTool<I>): RegistryTool {
  return tool as unknown as RegistryTool;
}

/** A tool result that tells the agent what went wrong and what to do about it. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** A successful result: `data` as structured content, with a text rendering beside it. */
export function toolResult(text: string, data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: data };
}

/** Turns zod issues into one message that names each bad argument and the fix. */
export function describeInvalidArguments(tool: RegistryTool, error: z.ZodError): string {
  const accepted = Object.keys(tool.input.shape);
  const problems = error.issues.slice(0, 5).map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => `"${truncate(k, 40)}"`).join(", ");
      return `unknown argument ${keys}; ${tool.name} accepts ${
        accepted.length ? accepted.join(", ") : "no arguments"
      }`;
    }
    const path = issue.path.length ? issue.path.join(".") : "(arguments)";
    return `"${path}": ${issue.message}`;
  });
  return `Invalid arguments for ${tool.name}: ${problems.join("; ")}. Fix ${
    problems.length > 1 ? "them" : "it"
  } and call ${tool.name} again.`;
}
