/**
 * Every registry tool against 1,000 generated bad argument sets, through the protocol: no
 * crash, no hang, and every refusal a clear message.
 */
import { equal, ok } from "node:assert/strict";
import { McpError } from "../../src/mcp/sdk.ts";
import { REGISTRY_TOOLS } from "../../src/server/server.ts";
import { openTestRegistry, textOf } from "../_helpers/registry.ts";

const CASES = 1000;

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER,
  "",
  " ",
  "\u0000\u0001\u0002",
  "x".repeat(10_000),
  "y".repeat(1_000_000),
  "../../etc/passwd",
  "'; DROP TABLE servers; --",
  "$(rm -rf /)",
  "`id`",
  "--privileged",
  "-v/:/host",
  "memory\nINJECTED",
  "{{memory.secret}}",
  "${HOME}",
  "😀".repeat(100),
  "\u202eevil",
  [],
  [1, "a", null],
  {},
  { nested: { deeper: { deepest: [{}] } } },
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
];
/** Real ids and keys too, so that refusals past the id lookup are exercised. */
const REAL = ["memory", "github-official", "filesystem", "aks", "slack", "notion-remote"];
const REAL_KEYS = [
  "github.personal_access_token",
  "paths",
  "access_level",
  "azure_dir",
  "kubeconfig",
];
const JUNK_KEYS = [
  "q",
  "__proto__",
  "constructor",
  "prototype",
  "",
  " ",
  "id ",
  "ID",
  "x".repeat(300),
];

function generate(next: () => number, keys: string[]): Record<string, unknown> {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const args: Record<string, unknown> = {};
  const count = Math.floor(next() * 4);
  for (let i = 0; i < count; i++) {
    const key = next() < 0.7 && keys.length ? pick(keys) : pick(JUNK_KEYS);
    args[key] = pick(NASTY);
  }
  // Half the time: a real id, and settings with real keys and nasty values.
  if (keys.includes("id") && next() < 0.5) args.id = pick(REAL);
  if (keys.includes("values") && next() < 0.7) {
    args.values = Object.fromEntries(
      REAL_KEYS.filter(() => next() < 0.4).map((k) => [k, pick(NASTY)]),
    );
  }
  if (keys.includes("tool") && next() < 0.5) args.tool = pick(["read_graph", "echo", "nope"]);
  return JSON.parse(JSON.stringify(args)); // as it would arrive over the wire
}

Deno.test(`every registry tool survives ${CASES} generated bad argument sets`, async () => {
  // No podman: an argument set that happens to be valid for registry-add fails fast and clearly.
  await using t = await openTestRegistry({ env: { MCP_REGISTRY_PODMAN: "/nonexistent/podman" } });
  const next = random(20261125);
  const tally = { ok: 0, refused: 0 };
  for (let i = 0; i < CASES; i++) {
    const tool = REGISTRY_TOOLS[i % REGISTRY_TOOLS.length]!;
    const args = generate(next, Object.keys(tool.input.shape));
    const label = `#${i} ${tool.name} ${JSON.stringify(args).slice(0, 160)}`;
    let result;
    try {
      result = await t.call(tool.name, args);
    } catch (error) {
      // The SDK itself refuses some shapes before our handler runs; that must be an MCP error.
      ok(error instanceof McpError, `${label}: ${error}`);
      tally.refused++;
      continue;
    }
    if (!result.isError) {
      tally.ok++;
      continue;
    }
    tally.refused++;
    const text = textOf(result);
    ok(text.length > 10 && text.length < 5_000, `${label}: message length ${text.length}`);
    ok(!/\n\s+at \S+ \(|\[object Object\]|This is a bug/.test(text), `${label}: ${text}`);
  }
  console.log(`${CASES} generated argument sets: ${tally.ok} accepted, ${tally.refused} refused`);
  equal(({} as Record<string, unknown>).polluted, undefined, "no prototype pollution");
  const status = await t.call("registry-status");
  equal(status.isError, undefined, "the registry still answers");
});
