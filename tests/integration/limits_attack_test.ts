/**
 * Attacks on the registry's limits through the real stdio process and a real SDK client (whose
 * stdio transport, like most clients', gives up on a message over 10 MiB): a child server that
 * answers 12 MB, or more than the registry reads at all, and agent input full of terminal
 * escape sequences.
 *
 * The child is a real MCP server (tests/_helpers/big_reply_server.ts, run by deno) that the
 * registry starts as a package server on the host (`MCP_REGISTRY_ALLOW_HOST_PROCESSES=1`): the
 * official registry fake lists it as the npm package `big-reply`, and an `npx` placed first on
 * the registry's PATH runs the script instead of downloading anything.
 */
import { equal, match, ok } from "node:assert/strict";
import type { CallToolResult } from "../../src/mcp/sdk.ts";
import { Client, StdioClientTransport } from "../../src/mcp/sdk_client.ts";
import { MAX_RESULT_BYTES } from "../../src/server/server.ts";
import { startOfficialRegistryFake } from "../_helpers/official_registry_fake.ts";
import { registryEnv, ROOT } from "../_helpers/processes.ts";
import { eventually, openTestRegistry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const NOW = new Date().toISOString();
const BIG_REPLY = {
  server: {
    $schema: "https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json",
    name: "io.github.mcp-registry-test/big-reply",
    description: "Answers with as many bytes as asked for.",
    version: "1.0.0",
    packages: [{
      registryType: "npm",
      identifier: "big-reply",
      version: "1.0.0",
      transport: { type: "stdio" },
    }],
  },
  meta: { status: "active" as const, isLatest: true, publishedAt: NOW, updatedAt: NOW },
};

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return await client.callTool({ name, arguments: args }, undefined, {
    timeout: 60_000,
  }) as CallToolResult;
}

Deno.test("a child's 12 MB reply is an error for that call; the session, the child and the next calls go on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-limits-" });
  await using official = startOfficialRegistryFake({ servers: [BIG_REPLY] });
  await Deno.mkdir(`${dir}/bin`);
  const script = `${ROOT}tests/_helpers/big_reply_server.ts`;
  await Deno.writeTextFile(
    `${dir}/bin/npx`,
    `#!/bin/sh\nexec '${Deno.execPath()}' run --allow-all --config '${ROOT}deno.json' '${script}'\n`,
    { mode: 0o755 },
  );
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "--allow-all", "main.ts"],
    cwd: ROOT,
    env: {
      ...Deno.env.toObject(),
      ...registryEnv(dir, {
        MCP_REGISTRY_SOURCES: "official",
        MCP_REGISTRY_OFFICIAL_URL: official.url,
        MCP_REGISTRY_ALLOW_HOST_PROCESSES: "1",
      }),
      PATH: `${dir}/bin:${Deno.env.get("PATH")}`,
    },
    stderr: "pipe",
  });
  let closed = false;
  transport.onclose = () => closed = true;
  const stderr = new Response(transport.stderr as unknown as ReadableStream).text();
  const client = new Client({ name: "limits-test", version: "1" });
  await client.connect(transport);
  try {
    let id = "";
    ok(
      await eventually(async () => {
        const found = await call(client, "registry-find", { query: "big reply" });
        id = (found.structuredContent as Json).results[0]?.id ?? "";
        return id !== "";
      }, { timeoutMs: 30_000, everyMs: 300 }),
      "the official fake's entry is in the catalog",
    );
    const added = await call(client, "registry-add", { id });
    equal(added.isError, undefined, textOf(added));
    const blob = `${id}__blob`;

    const big = await call(client, blob, { bytes: 12_000_000 });
    equal(big.isError, true);
    match(textOf(big), /is 11\.4 MiB \(\d+ bytes as JSON\), over the 5\.0 MiB the registry/);
    ok(textOf(big).length < 1_000);

    // The same session answers, and the child still runs.
    equal(closed, false, "the client's connection to the registry holds");
    const small = await call(client, blob, { bytes: 1_000 });
    equal(small.isError, undefined, textOf(small));
    equal(textOf(small).length, 1_000);
    const atLimit = await call(client, blob, { bytes: MAX_RESULT_BYTES - 1_000 });
    equal(atLimit.isError, undefined, "a result just under the cap passes");
    const viaExec = await call(client, "registry-exec", {
      id,
      tool: "blob",
      arguments: { bytes: 12_000_000 },
    });
    equal(viaExec.isError, true);
    match(textOf(viaExec), /over the 5\.0 MiB/);
    const status = await call(client, "registry-status");
    equal(status.isError, undefined);

    // Past what the registry reads from a child at all (64 MiB): the child is stopped, the
    // call says why, and the registry's session goes on.
    const runaway = await call(client, blob, { bytes: 70 * 1024 * 1024 });
    equal(runaway.isError, true);
    match(textOf(runaway), /over 64 MiB, the most the registry reads from a server/);
    const active = (await call(client, "registry-active")).structuredContent as Json;
    equal(active.servers.find((s: Json) => s.id === id)?.state, "exited");
    const again = await call(client, "registry-add", { id });
    equal(again.isError, undefined, textOf(again));
    equal(textOf(await call(client, `${id}__echo`, { message: "still here" })), "echo: still here");
    equal(closed, false);
  } finally {
    await client.close();
    await stderr.catch(() => "");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("escape sequences an agent sends do not come back: registry-find, unknown ids, keys and tools", async () => {
  await using t = await openTestRegistry();
  const hostile = "git\u001b]0;pwned\u0007hub \u001b[2J\u009b31m\r";
  const results: CallToolResult[] = [
    await t.call("registry-find", { query: hostile }),
    await t.call("registry-find", { query: `nosuchthing ${hostile}` }),
    await t.call("registry-find", { query: hostile, [`x${hostile}`]: 1 }),
    await t.call("registry-add", { id: `memroy${hostile}` }),
    await t.call("registry-exec", { id: "memory", tool: hostile }),
  ];
  const unknownTool = await t.client.callTool({ name: hostile, arguments: {} })
    .then((r) => JSON.stringify(r), (e) => String(e));
  for (const text of [...results.map((r) => JSON.stringify(r)), unknownTool]) {
    // JSON.stringify writes control characters as \u escapes.
    ok(!/\\u00(1b|07|9b|0d)|\\r/i.test(text), text.slice(0, 300));
  }
  const found = results[0]!;
  equal((found.structuredContent as Json).query, "github 31m");
  match(textOf(found), /match "github 31m"/);
  ok((found.structuredContent as Json).results.some((r: Json) => r.id === "github-official"));
});
