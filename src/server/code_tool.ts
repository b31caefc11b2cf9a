/**
 * `registry-code`: runs an agent's TypeScript in a sandbox against the active servers' tools, so
 * twenty calls cost one round trip and one result. `{types: true}` gives the typed bindings.
 *
 * @module
 */
import { z } from "zod";
import { MAX_CODE_CHARS } from "../code/limits.ts";
import { defineTool, toolError, toolResult } from "./tool.ts";

/** The longest a run may take. */
export const MAX_CODE_SECONDS = 120;

/** The result cap of `server.ts`, repeated here to keep a call's result under it. */
const MAX_RESULT_BYTES = 5 * 1024 * 1024;

export const codeTool = defineTool({
  name: "registry-code",
  title: "Run TypeScript against active servers",
  description:
    "Run the body of an async TypeScript function in a sandbox (no files, network or env) " +
    "that calls active servers' tools: `await servers[id][tool](args)` or " +
    "`await mcp.call(id, tool, args)`. Returns what it returns, plus console output. For many " +
    "calls or big results. {types: true} gives the bindings' TypeScript types.",
  input: z.object({
    code: z.string().min(1).max(MAX_CODE_CHARS).optional().describe(
      "Function body; `return` the answer.",
    ),
    types: z.boolean().optional().describe("Get the type declarations instead."),
    servers: z.array(z.string().max(200)).max(50).optional().describe(
      "With types: only these ids.",
    ),
    timeout_seconds: z.number().min(1).max(MAX_CODE_SECONDS).optional().describe("Default 30."),
  }).strict(),
  output: z.object({
    result: z.unknown().optional(),
    console: z.string().optional(),
    declarations: z.string().optional(),
  }),
  annotations: { readOnlyHint: false, openWorldHint: true },
  async handler(args, { active }, call) {
    // The sandbox and the bindings load with the first use: most sessions never run code.
    const { activeDeclarations, activeTools, callFromSandbox } = await import(
      "../code/mcp_bridge.ts"
    );
    if (args.types) {
      const text = activeDeclarations(active, args.servers);
      return toolResult(text, { declarations: text });
    }
    if (!args.code) return toolError("registry-code needs `code` (or `types: true`).");
    const bindings = Object.fromEntries(
      Object.entries(activeTools(active)).map(([id, tools]) => [id, tools.map((t) => t.name)]),
    );
    const { runSandboxed } = await import("../code/sandbox.ts");
    const outcome = await runSandboxed({
      code: args.code,
      servers: bindings,
      call: (server, tool, callArgs) => callFromSandbox(active, { server, tool, args: callArgs }),
      timeoutMs: (args.timeout_seconds ?? 30) * 1000,
      maxResultBytes: MAX_RESULT_BYTES,
      signal: call.signal,
    });
    const logs = outcome.logs
      ? `\n--- console${outcome.logsTruncated ? " (cut)" : ""} ---\n${outcome.logs}`
      : "";
    if (!outcome.ok) return toolError(`${outcome.error}${logs}`);
    const text = JSON.stringify(outcome.value) ?? "null";
    const data: Record<string, unknown> = { result: outcome.value };
    if (outcome.logs) data.console = outcome.logs;
    return toolResult(`${text}${logs}`, data);
  },
});
