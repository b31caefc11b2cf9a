/**
 * Attacks with catastrophic regular expressions: a catalog parameter's `pattern` and a child
 * server's tool `outputSchema` pattern, each made to backtrack for minutes in the JavaScript
 * engine on the one thread that serves every session. Through a real client: the hostile call
 * answers, and the next call in the same session still does.
 *
 * No clock here: a freeze blocks the event loop, timers included, so the proof is that the test
 * finishes at all (the old behaviour was 80 s for the first call, doubling with each `a`).
 */
import { equal, match, ok } from "node:assert/strict";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  Server,
} from "../../src/mcp/sdk.ts";
import { WebStandardStreamableHTTPServerTransport } from "../../src/mcp/sdk_http.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** `^(a+)+$` fails on this only after trying every way to split the `a`s: 2^35 of them. */
const EVIL_INPUT = `${"a".repeat(35)}!`;

/** A catalog entry whose parameters carry hostile patterns (as any public source could). */
const hostile = testEntry({
  id: "hostile-regex",
  container_image: "localhost/mcp-registry-test/none:latest",
  config: {
    parameters: {
      type: "object",
      properties: {
        word: { type: "string", pattern: "^(a+)+$" },
        tags: { type: "array", items: { type: "string", pattern: "^(a|aa)+$" } },
        checked: { type: "string", pattern: "^(?=(a+)+$)" },
        huge: { type: "string", pattern: `^${"(a|b)?".repeat(300)}$` },
      },
    },
  } as Json,
});

Deno.test("a catalog pattern `^(a+)+$` answers at once, and the session goes on", async () => {
  await using t = await openTestRegistry({ entries: [hostile] });

  // Sent together: the second must not wait behind a frozen first.
  const [attack, find] = await Promise.all([
    t.call("registry-config-set", { id: "hostile-regex", values: { word: EVIL_INPUT } }),
    t.call("registry-find", { query: "memory", limit: 3 }),
  ]);
  equal(attack.isError, true);
  match(textOf(attack), /Nothing was stored for hostile-regex/);
  match(textOf(attack), /word: .*must match pattern "\^\(a\+\)\+\$"/);
  equal(find.isError, undefined, textOf(find));
  equal((find.structuredContent as Json).results[0].id, "memory");

  const list = await t.call("registry-config-set", {
    id: "hostile-regex",
    values: { tags: ["aa", EVIL_INPUT, EVIL_INPUT] },
  });
  equal(list.isError, true);
  match(textOf(list), /tags: data\/1 must match pattern/);

  // A legitimate value still passes the same pattern and is stored.
  const fine = await t.call("registry-config-set", {
    id: "hostile-regex",
    values: { word: "aaaa", tags: ["a", "aaa"] },
  });
  equal(fine.isError, undefined, textOf(fine));
  const view = (fine.structuredContent as Json).config;
  equal(view.find((c: Json) => c.key === "word").value, "aaaa");

  const after = await t.call("registry-find", { query: "github", limit: 1 });
  equal(after.isError, undefined, textOf(after));
});

Deno.test("a catalog pattern RE2 cannot run refuses the value, naming the problem and the fix", async () => {
  await using t = await openTestRegistry({ entries: [hostile] });
  const lookahead = await t.call("registry-config-set", {
    id: "hostile-regex",
    values: { checked: EVIL_INPUT },
  });
  equal(lookahead.isError, true);
  match(textOf(lookahead), /checked: pattern ".*" cannot be checked safely: it uses a lookahead/);
  match(textOf(lookahead), /the value is refused\. Fix: .*RE2 syntax/);

  const huge = await t.call("registry-config-set", {
    id: "hostile-regex",
    values: { huge: "ab".repeat(150) },
  });
  equal(huge.isError, true);
  match(textOf(huge), /huge: pattern ".*…" cannot be checked safely: it is 1802 characters long/);

  // Other keys of the same entry are unaffected.
  const word = await t.call("registry-config-set", {
    id: "hostile-regex",
    values: { word: "a" },
  });
  equal(word.isError, undefined, textOf(word));
});

/** A remote MCP server whose tools declare hostile output schemas and answer to match. */
function hostileChild() {
  const tools = [
    { name: "catastrophic", pattern: "^(a+)+$", word: EVIL_INPUT },
    { name: "lookahead", pattern: "^(?!x)(a+)+$", word: "aaa" },
  ];
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.method !== "POST") return new Response("method not allowed", { status: 405 });
    const server = new Server({ name: "hostile", version: "1.0.0" }, {
      capabilities: { tools: {} },
    });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: tools.map((tool) => ({
        name: tool.name,
        description: "Answers with a word.",
        inputSchema: { type: "object" as const },
        outputSchema: {
          type: "object" as const,
          properties: { word: { type: "string", pattern: tool.pattern } },
          required: ["word"],
        },
      })),
    }));
    server.setRequestHandler(CallToolRequestSchema, (request): CallToolResult => {
      const word = tools.find((tool) => tool.name === request.params.name)?.word ?? "";
      return { content: [{ type: "text", text: word }], structuredContent: { word } };
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    return await transport.handleRequest(req);
  });
  return {
    url: `http://127.0.0.1:${http.addr.port}/mcp`,
    async [Symbol.asyncDispose]() {
      await http.shutdown();
    },
  };
}

Deno.test("a child tool's output schema pattern `^(a+)+$` does not freeze the registry", async () => {
  await using child = hostileChild();
  const entry = testEntry({
    id: "hostile-child",
    launch_method: "remote-http",
    remote: { url: child.url, transport: "streamable-http", headers: {} },
  } as Json);
  await using t = await openTestRegistry({ entries: [entry] });
  const added = await t.call("registry-add", { id: "hostile-child" });
  equal(added.isError, undefined, textOf(added));

  // registry-exec declares no output schema, so only the registry checks the child's result.
  const attack = await t.call("registry-exec", {
    id: "hostile-child",
    tool: "catastrophic",
    arguments: {},
  });
  equal(attack.isError, true);
  match(textOf(attack), /does not match the tool's output schema/);

  // A pattern RE2 cannot run is left out: the tool keeps working.
  const lookahead = await t.call("registry-exec", {
    id: "hostile-child",
    tool: "lookahead",
    arguments: {},
  });
  equal(lookahead.isError, undefined, textOf(lookahead));
  equal((lookahead.structuredContent as Json).word, "aaa");

  const find = await t.call("registry-find", { query: "memory", limit: 1 });
  equal(find.isError, undefined, textOf(find));
  ok((find.structuredContent as Json).results.length > 0);
  equal((await t.call("registry-remove", { id: "hostile-child" })).isError, undefined);
});
