/**
 * Checks the values an agent sends to `registry-config-set` against what the entry declares,
 * and turns them into a store patch. Messages never repeat a value (it may be a secret).
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import type { SafeJsonSchemaValidator } from "../mcp/safe_validator.ts";
import { configKeys, resolveKey } from "../runtime/launch_spec.ts";
import type { ConfigPatch } from "../catalog/settings.ts";

const MAX_SECRET = 16_384;
const MAX_VALUE_JSON = 65_536;
/** The schema of a parameter that declares none. */
const ANY_STRING = { type: "string" };
let validators: SafeJsonSchemaValidator | undefined;

/**
 * The JSON Schema validator, loaded on first use (it costs start-up time). A catalog's pattern
 * runs on RE2, in linear time (see `safe_validator.ts`); one it cannot check safely (a
 * lookahead, a backreference, over 1000 characters) refuses the value with the reason: the
 * value goes into a container, and the pattern is the entry's word on what is valid there.
 */
async function validator(): Promise<SafeJsonSchemaValidator> {
  if (!validators) {
    const { SafeJsonSchemaValidator } = await import("../mcp/safe_validator.ts");
    validators = new SafeJsonSchemaValidator({ uncheckable: "refuse" });
  }
  return validators;
}

/** The patch to store, or every problem found. */
export type CheckedValues =
  | { ok: true; patch: ConfigPatch; keys: string[] }
  | { ok: false; problems: string[] };

/** Checks `values` (key -> value; null unsets) for `entry`. */
export async function checkConfigValues(
  entry: CatalogEntry,
  values: Record<string, unknown>,
): Promise<CheckedValues> {
  const problems: string[] = [];
  const patch: Required<ConfigPatch> = { params: {}, env: {}, secrets: {} };
  const keys: string[] = [];
  for (const [rawKey, value] of Object.entries(values)) {
    const key = resolveKey(entry, rawKey);
    const shownKey = JSON.stringify(rawKey.slice(0, 80));
    if (!key) {
      problems.push(`${shownKey} is not a setting of ${entry.id}`);
      continue;
    }
    keys.push(key.key);
    if (value === null) {
      if (key.kind === "secret") patch.secrets[key.key] = null;
      else if (key.kind === "env") patch.env[key.key] = null;
      else patch.params[key.key] = undefined;
      continue;
    }
    if (key.kind === "secret" || key.kind === "env") {
      const limit = key.kind === "secret" ? MAX_SECRET : 4096;
      if (typeof value !== "string" || value === "") {
        problems.push(`${key.key} must be a non-empty string`);
      } else if (value.length > limit || value.includes("\0")) {
        problems.push(`${key.key} must be at most ${limit} characters, without NUL bytes`);
      } else if (key.kind === "secret") patch.secrets[key.key] = value;
      else patch.env[key.key] = value;
      continue;
    }
    if (JSON.stringify(value).length > MAX_VALUE_JSON) {
      problems.push(`${key.key} is too large (over ${MAX_VALUE_JSON} bytes as JSON)`);
      continue;
    }
    const schema = key.schema && Object.keys(key.schema).length ? key.schema : ANY_STRING;
    // deno-lint-ignore no-explicit-any
    const result = (await validator()).getValidator(schema as any)(value);
    if (!result.valid) problems.push(`${key.key}: ${result.errorMessage}`);
    else patch.params[key.key] = value;
  }
  if (problems.length > 0) {
    const accepted = configKeys(entry).map((k) => `${k.key} (${k.kind})`);
    problems.push(
      accepted.length
        ? `${entry.id} accepts: ${accepted.join(", ")}`
        : `${entry.id} declares no settings`,
    );
    return { ok: false, problems };
  }
  return { ok: true, patch, keys };
}
