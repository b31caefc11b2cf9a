import { equal, match, ok } from "node:assert/strict";
import { MAX_PATTERN_LENGTH, patternProblem, SafeJsonSchemaValidator } from "./safe_validator.ts";

/** 35 `a`s and a `!`: minutes of backtracking for `^(a+)+$` in the JavaScript engine. */
const EVIL_INPUT = `${"a".repeat(35)}!`;

/** Validates `value` against `schema` with a fresh validator. */
function check(schema: object, value: unknown, uncheckable: "refuse" | "skip" = "refuse") {
  return new SafeJsonSchemaValidator({ uncheckable }).getValidator(schema)(value);
}

Deno.test("`getValidator()` answers a catastrophic pattern at once, right in both directions", () => {
  const validator = new SafeJsonSchemaValidator();
  const validate = validator.getValidator({ type: "string", pattern: "^(a+)+$" });
  // Under the JavaScript engine this call alone would not return for minutes.
  const refused = validate(EVIL_INPUT);
  equal(refused.valid, false);
  match(refused.errorMessage!, /must match pattern "\^\(a\+\)\+\$"/);
  equal(validate("aaaa").valid, true);
  // The same through patternProperties and propertyNames.
  const keys = validator.getValidator({
    type: "object",
    patternProperties: { "^(a+)+$": { type: "number" } },
    propertyNames: { pattern: "^(a|aa)+$" },
  });
  equal(keys({ [EVIL_INPUT]: 1 }).valid, false);
  equal(keys({ aaa: "text" }).valid, false);
  equal(keys({ aaa: 3 }).valid, true);
});

Deno.test("`getValidator()` keeps ECMAScript pattern meaning for the patterns catalogs use", () => {
  const url = { type: "string", pattern: "^https?://.*" };
  equal(check(url, "https://example.com/x").valid, true);
  equal(check(url, "ftp://example.com").valid, false);
  // Unanchored, like RegExp.test.
  equal(check({ type: "string", pattern: "b+" }, "abba").valid, true);
  equal(check({ type: "string", pattern: "^\\d{3}-\\d{4}$" }, "555-1234").valid, true);
  equal(check({ type: "string", pattern: "^\\p{L}+$" }, "Grüße").valid, true);
  equal(check({ type: "string", pattern: "^\\u{1F600}$" }, "😀").valid, true);
  equal(check({ type: "string", pattern: "^(?<word>[a-z]+)/[a-z]+$" }, "a/b").valid, true);
  // Two patterns in one schema stay two patterns.
  const both = { type: "string", allOf: [{ pattern: "^a" }, { pattern: "b$" }] };
  equal(check(both, "ab").valid, true);
  equal(check(both, "a").valid, false);
  equal(check(both, "b").valid, false);
  // The SDK's formats are still there.
  equal(check({ type: "string", format: "email" }, "not an address").valid, false);
});

Deno.test("`getValidator()` refuses a pattern it cannot check safely, saying why and what fixes it", () => {
  const cases: [string, RegExp][] = [
    ["^(?=.*\\d)\\w+$", /lookahead or lookbehind/],
    ["(?<=x)y", /lookahead or lookbehind/],
    ["^(a)\\1$", /backreference/],
    ["^(?<c>a)\\k<c>$", /backreference/],
    ["a".repeat(MAX_PATTERN_LENGTH + 1), /1001 characters long \(at most 1000\)/],
    ["[ab]{0,999}".repeat(20), /expands to about \d+ steps/],
    ["a{1001}", /RE2 cannot run it/],
    ["(", /not a valid regular expression/],
  ];
  for (const [pattern, why] of cases) {
    const result = check({ type: "string", pattern }, "a");
    equal(result.valid, false, pattern);
    match(result.errorMessage!, /cannot be checked safely/, pattern);
    match(result.errorMessage!, why, pattern);
    match(result.errorMessage!, /the value is refused\. Fix: .*RE2 syntax/, pattern);
    ok(result.errorMessage!.length < 400, "the message quotes a long pattern shortened");
  }
});

Deno.test("`getValidator()` in skip mode leaves out only the pattern it cannot check", () => {
  const schema = { type: "string", maxLength: 5, pattern: "^(?!x)" };
  equal(check(schema, "xyz", "skip").valid, true);
  equal(check(schema, "too long", "skip").valid, false);
  equal(check({ type: "string", pattern: "^(a+)+$" }, EVIL_INPUT, "skip").valid, false);
});

Deno.test("`getValidator()` bounds the matching one validation does", () => {
  // Linear, but 64 KiB against a 4000-step program is still seconds of work: over the budget.
  const schema = { type: "string", pattern: "^[ab]{0,999}[ab]{0,999}$" };
  const long = "ab".repeat(32_768);
  const refused = check(schema, long);
  equal(refused.valid, false);
  match(refused.errorMessage!, /would take too long/);
  equal(check(schema, long, "skip").valid, true);
  // A short value is checked as usual, and the budget starts again for each validation.
  const validate = new SafeJsonSchemaValidator().getValidator(schema);
  equal(validate(long).valid, false);
  equal(validate("abab").valid, true);
  equal(validate("abc").valid, false);
});

Deno.test("`getValidator()` compiles a schema with an `$id` once and reports a broken schema", () => {
  const validator = new SafeJsonSchemaValidator();
  const schema = { $id: "urn:test:one", type: "string", pattern: "^x" };
  equal(validator.getValidator(schema)("xy").valid, true);
  equal(validator.getValidator({ ...schema })("yx").valid, false);
  const broken = validator.getValidator({ type: "string", $ref: "#/nowhere" })("x");
  equal(broken.valid, false);
  match(broken.errorMessage!, /nowhere/);
});

Deno.test("`patternProblem()` passes simple patterns and names what RE2 lacks", () => {
  for (const pattern of ["^https?://.*", "^[A-Z_][A-Z0-9_]*$", "^(a+)+$", "\\w+@\\w+\\.\\w+"]) {
    equal(patternProblem(pattern), null, pattern);
  }
  match(patternProblem("(?!a)")!, /lookahead/);
  // A `(?=` inside a character class is plain text.
  equal(patternProblem("[(?=]"), null);
  // Escaped backslash before a digit is no backreference.
  equal(patternProblem("\\\\1"), null);
});
