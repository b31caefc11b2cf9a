/**
 * The "container" of the fake runtime: a tiny MCP server over stdio (JSON-RPC lines, no SDK, so
 * it starts in a few milliseconds). Run as `deno run fake_mcp_server.ts <pid dir> <name>`; it
 * writes its pid to `<pid dir>/<name>.pid` so the fake runtime can stop or crash it.
 *
 * Its environment is the container's: `FAKE_MODE=fail` makes it exit at start with an error
 * on stderr (`stale`: a missing module under `/data`, as an old volume over the image causes); `FAKE_TOOLS` lists its tools (default `echo,whoami,crash`). Tools: `echo` answers
 * its `text`, `whoami` answers `<name> <FAKE_MODE>`, `crash` exits without an answer.
 *
 * @module
 */
const [pidDir = ".", name = "fake"] = Deno.args;
const mode = Deno.env.get("FAKE_MODE") ?? "";
const tools = (Deno.env.get("FAKE_TOOLS") ?? "echo,whoami,crash").split(",").filter(Boolean);

if (mode === "fail") {
  console.error("fake server starting");
  console.error(`Error: cannot start, FAKE_MODE=${mode}`);
  Deno.exit(1);
}
if (mode === "stale") {
  console.error("Error: Cannot find module '/data/index.js'");
  Deno.exit(1);
}
await Deno.writeTextFile(`${pidDir}/${name}.pid`, String(Deno.pid));

const encoder = new TextEncoder();
function send(message: unknown) {
  Deno.stdout.writeSync(encoder.encode(`${JSON.stringify(message)}\n`));
}

function answer(method: string, params: Record<string, unknown>): unknown {
  switch (method) {
    case "initialize":
      return {
        protocolVersion: params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "fake", version: "1.0.0" },
      };
    case "ping":
      return {};
    case "tools/list":
      return {
        tools: tools.map((tool) => ({
          name: tool,
          description: `the fake's ${tool}`,
          inputSchema: { type: "object", properties: { text: { type: "string" } } },
        })),
      };
    case "tools/call": {
      const args = (params.arguments ?? {}) as Record<string, unknown>;
      if (params.name === "crash") Deno.exit(3);
      const text = params.name === "echo" ? String(args.text ?? "") : `${name} ${mode}`.trim();
      return { content: [{ type: "text", text }] };
    }
  }
  return undefined;
}

let buffer = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  buffer += chunk;
  for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
    const line = buffer.slice(0, end).trim();
    buffer = buffer.slice(end + 1);
    if (!line) continue;
    const message = JSON.parse(line) as { id?: number | string; method: string; params?: object };
    if (message.id === undefined) continue; // a notification
    const result = answer(message.method, (message.params ?? {}) as Record<string, unknown>);
    send(
      result === undefined
        ? { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "no such method" } }
        : { jsonrpc: "2.0", id: message.id, result },
    );
  }
}
await Deno.remove(`${pidDir}/${name}.pid`).catch(() => {});
