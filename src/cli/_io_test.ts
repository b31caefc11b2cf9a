import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { checkArgs, clip, jsonText, optionProblem, safeText, UsageError, wrap } from "./_io.ts";
import { unknownCommand } from "./cli.ts";

Deno.test("safeText() keeps newlines and tabs and replaces every other control character", () => {
  equal(safeText("a\tb\nc"), "a\tb\nc");
  equal(
    safeText("\x1b[31mred\x1b]0;title\x07\r\x9b"),
    "\ufffd[31mred\ufffd]0;title\ufffd\ufffd\ufffd",
  );
});

Deno.test("jsonText() escapes DEL and C1 controls and still parses to the same data", () => {
  const data = { s: "a\x1b[2J\x7f\x9bz" };
  const text = jsonText(data);
  // deno-lint-ignore no-control-regex
  ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(text), text);
  deepEqual(JSON.parse(text), data);
});

Deno.test("wrap() breaks at spaces within the width, keeps long words and laid-out lines", () => {
  equal(wrap("aaa bbb ccc", { width: 7 }), "aaa bbb\nccc");
  equal(wrap("aaa bbb ccc", { width: 9, first: "> ", indent: "  " }), "> aaa bbb\n  ccc");
  equal(
    wrap("x https://example.com/a/very/long/url y", { width: 10 }),
    "x\nhttps://example.com/a/very/long/url\ny",
  );
  const laidOut = "  mcp-registry config set some-server some.key   (a long laid-out line)";
  equal(wrap(laidOut, { width: 20, keepIndented: true }), laidOut);
  equal(wrap("short\n\n  two  spaces kept", { width: 40 }), "short\n\n  two  spaces kept");
});

Deno.test("clip() cuts what a user typed to a readable length", () => {
  equal(clip("abc", 5), "abc");
  equal(clip("a".repeat(1000), 10), `${"a".repeat(9)}…`);
});

Deno.test("optionProblem() says node's parseArgs errors with the fix and never repeats a secret", () => {
  const names = ["limit", "offset", "json", "help"];
  equal(
    optionProblem("Unknown option '--lmit'. To specify...", names),
    "unknown option --lmit; did you mean --limit?",
  );
  match(optionProblem("Unknown option '--zzzzzz'.", names), /^unknown option --zzzzzz \(a value/);
  equal(
    optionProblem("Unknown option '--ghp_S3cret/x'.", names),
    'unknown option (not shown; a value starting with "-" goes after "--")',
  );
  equal(
    optionProblem("Option '--limit <value>' argument missing", names),
    "--limit needs a value: --limit <value>",
  );
  match(
    optionProblem("Option '--offset' argument is ambiguous.\nDid you forget", names),
    /--offset=<value>/,
  );
  equal(
    optionProblem("Option '--json' does not take an argument", names),
    "--json takes no value: write --json alone",
  );
});

Deno.test("checkArgs() names what to give and what was given, clipped", () => {
  checkArgs(["memory"], { what: "one id", min: 1 });
  throws(() => checkArgs([], { what: "one id", min: 1 }), { message: "give one id" });
  throws(
    () => checkArgs(["a", "b"], { what: "one id", min: 1 }),
    (e: unknown) =>
      e instanceof UsageError && e.usage && /not 2 arguments \("a", "b"\)/.test(e.message),
  );
  throws(
    () => checkArgs(["x".repeat(500)], { what: "no arguments" }),
    (e: unknown) => e instanceof UsageError && e.message.length < 80,
  );
});

Deno.test("unknownCommand() suggests the near command and lists them all", () => {
  match(unknownCommand("lst"), /unknown command "lst"; did you mean list\?\nCommands: find, list/);
  match(unknownCommand("--json"), /unknown option "--json"; options go after a command/);
  match(unknownCommand("x".repeat(10_000)), /^mcp-registry: unknown command "x{39}…"/);
  match(unknownCommand(""), /mcp-registry --help lists them/);
});
