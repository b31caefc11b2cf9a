/**
 * A JSON Schema validator that no schema from outside can freeze: the SDK's ajv set-up, with
 * every `pattern` and `patternProperties` regex run by RE2 (the `re2js` package) instead of the
 * JavaScript engine.
 *
 * Why RE2 and not a Worker with a time limit: a catalog's `^(a+)+$` against 35 `a`s and a `!`
 * backtracks for minutes in `RegExp`, on the one thread that serves every session. RE2 matches
 * in time linear in the input and the pattern, with no backtracking, so the bound is a property
 * of the engine, not of a clock: nothing to terminate, no thread to start per check, and the
 * same answer on a busy machine. ajv calls its regex engine synchronously, which a Worker could
 * only serve by blocking the main thread on `Atomics.wait`. `re2js` is a pure-JS port of RE2
 * (MIT, no dependencies), so it runs wherever Deno does.
 *
 * Linear is not free, so each pattern also passes three bounds before it runs:
 * - at most {@linkcode MAX_PATTERN_LENGTH} characters;
 * - a program of at most about {@linkcode MAX_PATTERN_SIZE} steps (`a{999}` is 999 steps),
 *   estimated before RE2 compiles it, since compiling a huge program is slow too;
 * - per validation, at most {@linkcode MAX_MATCH_WORK} steps of matching (input length times
 *   program size), whatever the number of strings and patterns.
 *
 * What RE2 cannot run: lookahead, lookbehind and backreferences (they need backtracking),
 * repeat counts over 1000 and a few ECMAScript-only escapes. Its `\s` leaves out the rarer
 * Unicode spaces and its `.` matches `\r`; both are looser, never slower.
 *
 * A pattern that cannot be checked safely is handled by `uncheckable`:
 * - `"refuse"` (the default, for values an agent sets, checked against a catalog's schema):
 *   validation fails and says why. The value goes into a container, the pattern is the entry's
 *   promise of what is valid, and a value we claim to have checked must have been checked.
 *   Real catalogs lose nothing: their patterns are simple.
 * - `"skip"` (for a child server's tool output, checked by the SDK `Client`): that one pattern
 *   is not applied, the rest of the schema is. The output goes back to the agent unchanged, its
 *   check protects nothing of ours, and zod-generated schemas (an e-mail field is a lookahead)
 *   must not make a server's tools fail.
 *
 * @module
 */
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { RE2JS } from "re2js";
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from "@modelcontextprotocol/sdk/validation";

/** The longest pattern a schema may use, in characters. */
export const MAX_PATTERN_LENGTH = 1_000;
/** The largest program a pattern may expand to, in RE2 steps (estimated before compiling). */
export const MAX_PATTERN_SIZE = 5_000;
/** The most matching one validation may do: the sum of input length x program size. */
export const MAX_MATCH_WORK = 10_000_000;
/** What a `"skip"` validator may compile in its lifetime, in program steps (a child's tools). */
export const MAX_COMPILED_SIZE = 200_000;

/** What to do with a pattern that cannot be checked safely. */
export type Uncheckable = "refuse" | "skip";

/** Options for {@linkcode SafeJsonSchemaValidator}. */
export interface SafeValidatorOptions {
  /**
   * `"refuse"`: validation fails with the reason; `"skip"`: the pattern is not applied.
   * @default "refuse"
   */
  uncheckable?: Uncheckable;
}

/** Thrown inside ajv to stop a validation that would match too much; never escapes. */
class TooMuchMatching extends Error {}

/**
 * Why `pattern` (a JSON Schema pattern, ECMAScript syntax with the `u` flag) cannot be run by
 * RE2 within the bounds above, or `null` when it can. Cheap: no matching, no compiling.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `it is ${pattern.length} characters long (at most ${MAX_PATTERN_LENGTH})`;
  }
  try {
    // Parsing only (the engine compiles lazily, at the first match): linear in the pattern.
    new RegExp(pattern, "u");
  } catch (error) {
    return `it is not a valid regular expression (${(error as Error).message})`;
  }
  const shape = patternShape(pattern);
  if (shape.lookaround) return "it uses a lookahead or lookbehind, which needs backtracking";
  if (shape.backreference) return "it uses a backreference, which needs backtracking";
  if (shape.size > MAX_PATTERN_SIZE) {
    return `it expands to about ${shape.size} steps (at most ${MAX_PATTERN_SIZE})`;
  }
  return null;
}

/** What a scan of a valid `u`-mode pattern finds: constructs RE2 lacks, and a size estimate. */
function patternShape(pattern: string) {
  let lookaround = false;
  let backreference = false;
  // One frame per open group: the size so far and the size of the last atom (for quantifiers).
  const frames = [{ size: 0, last: 0 }];
  const top = () => frames[frames.length - 1]!;
  const atom = (size: number) => {
    top().size += size;
    top().last = size;
  };
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") backreference = true;
      // `\u{...}`, `\p{...}`, `\k<...>` run to their closing bracket; other escapes are 2 long.
      const close = /[upPk]/.test(next) && /[{<]/.test(pattern[i + 2] ?? "")
        ? pattern.indexOf(pattern[i + 2] === "{" ? "}" : ">", i + 2)
        : -1;
      i = close > 0 ? close + 1 : i + 2;
      atom(1);
    } else if (char === "[") {
      // No nested classes in `u` mode: the class ends at the first unescaped `]`.
      i++;
      while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
      i++;
      atom(1);
    } else if (char === "(") {
      if (/^\(\?(=|!|<=|<!)/.test(pattern.slice(i, i + 4))) lookaround = true;
      frames.push({ size: 0, last: 0 });
      i++;
    } else if (char === ")") {
      const group = frames.length > 1 ? frames.pop()! : top();
      atom(group.size + 1);
      i++;
    } else if (char === "|") {
      top().size += 1;
      top().last = 0;
      i++;
    } else if (char === "{" && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      const [, low, high] = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i))!;
      const end = pattern.indexOf("}", i);
      const times = high === undefined ? Number(low) : high === "" ? Number(low) + 1 : Number(high);
      // A repeat of n copies the atom n times (RE2 compiles `x{2,5}` as `xx(x(x(x)?)?)?`).
      top().size += top().last * (Math.max(times, 1) - 1) * 2;
      i = end + 1;
    } else if (char === "*" || char === "+" || char === "?") {
      top().size += 1;
      i++;
    } else {
      atom(1);
      i++;
    }
  }
  return { lookaround, backreference, size: frames.reduce((sum, f) => sum + f.size, 0) };
}

/** A pattern shortened for messages. */
function shown(pattern: string): string {
  return JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 60)}\u2026` : pattern);
}

/**
 * The SDK's `jsonSchemaValidator` with ajv configured as the SDK does, patterns on RE2.
 * Pass one to the SDK `Client` (`jsonSchemaValidator` option) or call `getValidator` directly.
 */
export class SafeJsonSchemaValidator implements jsonSchemaValidator {
  readonly #ajv: Ajv;
  readonly #uncheckable: Uncheckable;
  /** Matching done in the validation under way (one at a time: validation is synchronous). */
  #work = 0;
  /** Program steps compiled so far (bounded only in `"skip"` mode). */
  #compiled = 0;

  constructor(options: SafeValidatorOptions = {}) {
    const { uncheckable = "refuse" } = options;
    this.#uncheckable = uncheckable;
    // ajv asks its `code.regExp` engine for each pattern while compiling a schema; `code` is
    // only used by ajv's standalone code generation, which we do not use.
    const regExp = Object.assign((pattern: string) => this.#compilePattern(pattern), {
      code: "re2js",
    });
    // The SDK's own defaults (`createDefaultAjvInstance`), plus the engine.
    this.#ajv = new Ajv({
      strict: false,
      validateFormats: true,
      validateSchema: false,
      allErrors: true,
      code: { regExp },
    });
    addFormats.default(this.#ajv);
  }

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    let validate: ValidateFunction;
    try {
      // A schema with an `$id` is compiled once; compiling it again would throw.
      const id = (schema as { $id?: unknown }).$id;
      validate = (typeof id === "string" ? this.#ajv.getSchema(id) : undefined) ??
        this.#ajv.compile(schema);
    } catch (error) {
      const message = (error as Error).message;
      return () => ({ valid: false, data: undefined, errorMessage: message });
    }
    return (input: unknown) => {
      this.#work = 0;
      try {
        if (validate(input)) return { valid: true, data: input as T, errorMessage: undefined };
      } catch (error) {
        if (!(error instanceof TooMuchMatching)) throw error;
        return { valid: false, data: undefined, errorMessage: error.message };
      }
      return {
        valid: false,
        data: undefined,
        errorMessage: this.#ajv.errorsText(validate.errors),
      };
    };
  }

  /** The engine ajv calls for each pattern it compiles. */
  #compilePattern(pattern: string): { test(text: string): boolean; toString(): string } {
    let problem = patternProblem(pattern);
    let program: RE2JS | undefined;
    if (problem === null) {
      try {
        program = RE2JS.compile(RE2JS.translateRegExp(pattern));
      } catch (error) {
        problem = `RE2 cannot run it (${(error as Error).message})`;
      }
    }
    if (program && this.#uncheckable === "skip") {
      this.#compiled += program.programSize();
      if (this.#compiled > MAX_COMPILED_SIZE) {
        problem = `this server's schemas hold over ${MAX_COMPILED_SIZE} steps of patterns`;
        program = undefined;
      }
    }
    if (!program) {
      if (this.#uncheckable === "refuse") {
        throw new RangeError(
          `pattern ${shown(pattern)} cannot be checked safely: ${problem}, so the value is ` +
            `refused. Fix: the schema's author rewrites the pattern in RE2 syntax (no ` +
            `lookahead, lookbehind or backreference), at most ${MAX_PATTERN_LENGTH} characters`,
        );
      }
      // ajv shares compiled patterns by `toString()`, so each kind gets its own key.
      return { test: () => true, toString: () => `unchecked:${pattern}` };
    }
    const re2 = program;
    const size = re2.programSize();
    return {
      test: (text: string) => {
        this.#work += text.length * size;
        if (this.#work <= MAX_MATCH_WORK) return re2.test(text);
        if (this.#uncheckable === "skip") return true;
        throw new TooMuchMatching(
          `checking the pattern ${shown(pattern)} would take too long (the value is too long ` +
            `for it, or the schema tests too many strings), so the value is refused; a shorter ` +
            `value passes`,
        );
      },
      toString: () => `re2:${pattern}`,
    };
  }
}
