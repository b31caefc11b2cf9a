/**
 * `mcp-registry config set|get|unset`: the settings and secrets a server declares, in the same
 * stores `registry-config-set` writes. A secret is never taken from the command line (shell
 * history, `ps`, a chat transcript): it comes from a hidden prompt or from stdin.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { type ConfigKey, configKeys, missingConfig, resolveKey } from "../runtime/launch_spec.ts";
import { checkConfigValues } from "../registry/config_values.ts";
import { configView } from "../registry/config_view.ts";
import { lookupEntry } from "../registry/ids.ts";
import type { Command } from "./command.ts";
import { ALLOW_PATH_HELP, allowPath, disallowPath, listAllowedPaths } from "./allowed_paths.ts";
import { clip, emit, EXIT, type Output, parseCommand, UsageError, wrap } from "./_io.ts";
import { readValue } from "./_secret_input.ts";
import { settingLine } from "./show.ts";
import { type CliSession, openSession } from "./_session.ts";

/** Said after every change: when the change takes effect. */
const TAKES_EFFECT = "A running registry uses the new settings the next time it starts the " +
  "server (registry-config-set from an agent restarts a running server at once).";

const SYNOPSIS = `Usage:
  mcp-registry config get <id> [--json]            every setting <id> declares and its state
  mcp-registry config set <id> <key> [value]       store one setting
  mcp-registry config unset <id> <key>             remove one setting
  mcp-registry config allow-path <folder>          let containers mount host folders inside it
  mcp-registry config disallow-path <folder>       withdraw an approved folder
  mcp-registry config allowed-paths [--json]       the approved folders`;

export const configCommand: Command = {
  name: "config",
  usage: `${SYNOPSIS}

Keys are the names \`mcp-registry show <id>\` lists (a secret may also be named by its
environment variable, e.g. GITHUB_PERSONAL_ACCESS_TOKEN).

Secrets are never taken from the command line, where shell history, ps and chat transcripts
would keep them. Leave the value out and type it at the hidden prompt, or pipe it in:
  mcp-registry config set github-official github.personal_access_token
  pass show github | mcp-registry config set github-official github.personal_access_token
Secrets are stored in secrets.json in the data dir (MCP_REGISTRY_DATA_DIR), readable by you
only, and are never shown again (config get and show print ********).

Other settings take the value as an argument, or from stdin when it is left out. Lists,
numbers, booleans and objects are written as JSON:
  mcp-registry config set filesystem paths '["/home/me/notes"]'

A running registry uses new settings the next time it starts the server; registry-config-set
from an agent restarts a running server at once.

Host folders for containers:
${wrap(ALLOW_PATH_HELP)}
  mcp-registry config allow-path ~/projects/notes
  mcp-registry config set filesystem paths '["/home/me/projects/notes"]'

Exit codes: 0 done, 1 cancelled at the prompt, 2 bad arguments or value (nothing stored),
3 no such id.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {});
    const [action, id, key, value] = positionals;
    const json = values.json === true;
    const takes = (min: number, max: number, form: string) => {
      if (positionals.length < min + 1 || positionals.length > max + 1) {
        throw new UsageError(`config ${action} takes ${form}`, { usage: true });
      }
    };
    switch (action) {
      case "get":
        takes(1, 1, "<id>");
        return await withEntry(out, id!, (session, entry) => get(session, entry, out, json));
      case "set":
        takes(2, 3, "<id> <key> [value]");
        return await withEntry(
          out,
          id!,
          (session, entry) => set(session, entry, { out, json, key: key!, value }),
        );
      case "unset":
        takes(2, 2, "<id> <key>");
        return await withEntry(
          out,
          id!,
          (session, entry) => unset(session, entry, { out, json, key: key! }),
        );
      case "allow-path":
        takes(1, 1, "<folder>");
        return await allowPath(out, id!, json);
      case "disallow-path":
        takes(1, 1, "<folder>");
        return await disallowPath(out, id!, json);
      case "allowed-paths":
        takes(0, 0, "nothing more");
        return await listAllowedPaths(out, json);
      case undefined:
        throw new UsageError("say what to do: get, set, unset, allow-path or allowed-paths", {
          usage: true,
        });
      default:
        throw new UsageError(
          `unknown action "${clip(action, 40)}"; use get, set, unset, allow-path, ` +
            "disallow-path or allowed-paths",
          { usage: true },
        );
    }
  },
};

async function withEntry(
  out: Output,
  id: string,
  body: (session: CliSession, entry: CatalogEntry) => Promise<number>,
): Promise<number> {
  await using session = await openSession();
  const entry = lookupEntry(session.catalog.index, id.trim());
  if (typeof entry === "string") {
    out.note(entry.replace("registry-find", "mcp-registry find <words>"));
    return EXIT.notFound;
  }
  return await body(session, entry);
}

async function get(
  session: CliSession,
  entry: CatalogEntry,
  out: Output,
  json: boolean,
): Promise<number> {
  const config = await session.configs.get(entry.id);
  const settings = configView(entry, config);
  const missing = missingConfig(entry, config).map((k) => k.key);
  emit(
    out,
    json,
    { id: entry.id, settings, missing },
    () =>
      settings.length === 0 ? `${entry.id} declares no settings.` : [
        `Settings of ${entry.id}:`,
        ...settings.map((item) => settingLine(item)),
        "",
        missing.length
          ? wrap(
            `Missing before it can start: ${missing.join(", ")}. Set each with ` +
              `mcp-registry config set ${entry.id} <key>.`,
          )
          : "Nothing required is missing.",
      ].join("\n"),
  );
  return EXIT.ok;
}

interface ChangeOptions {
  out: Output;
  json: boolean;
  key: string;
}

async function set(
  session: CliSession,
  entry: CatalogEntry,
  { out, json, key: rawKey, value: given }: ChangeOptions & { value: string | undefined },
): Promise<number> {
  const key = declaredKey(entry, rawKey);
  const command = `mcp-registry config set ${entry.id} ${key.key}`;
  if (key.kind === "secret" && given !== undefined) {
    throw new UsageError(
      `${key.key} is a secret: it is never taken from the command line, where shell history, ` +
        `ps and chat transcripts keep it. Nothing was stored. Run\n  ${command}\nand type it ` +
        `at the hidden prompt, or pipe it in:\n  <command that prints it> | ${command}`,
    );
  }
  let raw = given;
  if (raw === undefined) {
    if (key.kind !== "secret" && Deno.stdin.isTerminal()) {
      throw new UsageError(`give the value: ${command} <value>`);
    }
    raw = await readValue({
      label: `${key.key} for ${entry.id}`,
      ...(key.kind === "secret"
        ? {}
        : { whenEmpty: `give the value as an argument:\n  ${command} <value>` }),
    }) ?? undefined;
    if (raw === undefined) {
      out.note("Cancelled; nothing was stored.");
      return EXIT.failed;
    }
  }
  const value = key.kind === "parameter" ? parseParameter(key, raw) : raw;
  const checked = await checkConfigValues(entry, { [key.key]: value });
  if (!checked.ok) {
    throw new UsageError(
      `nothing was stored for ${entry.id}:\n- ${checked.problems.join("\n- ")}`,
    );
  }
  const config = await session.configs.update(entry.id, checked.patch);
  const missing = missingConfig(entry, config).map((k) => k.key);
  const shown = key.kind === "secret"
    ? "(secret, stored; it is not shown again)"
    : `= ${JSON.stringify(value)}`;
  emit(
    out,
    json,
    { id: entry.id, changed: [key.key], settings: configView(entry, config), missing },
    () =>
      [
        `Stored ${key.key} for ${entry.id} ${shown}.`,
        missingLine(entry, missing),
        wrap(TAKES_EFFECT),
      ].join("\n"),
  );
  return EXIT.ok;
}

async function unset(
  session: CliSession,
  entry: CatalogEntry,
  { out, json, key: rawKey }: ChangeOptions,
): Promise<number> {
  const key = declaredKey(entry, rawKey);
  const before = configView(entry, await session.configs.get(entry.id))
    .find((item) => item.key === key.key);
  const checked = await checkConfigValues(entry, { [key.key]: null });
  if (!checked.ok) throw new UsageError(checked.problems.join("; "));
  const config = await session.configs.update(entry.id, checked.patch);
  const missing = missingConfig(entry, config).map((k) => k.key);
  const wasSet = before?.set === true;
  emit(
    out,
    json,
    {
      id: entry.id,
      changed: wasSet ? [key.key] : [],
      settings: configView(entry, config),
      missing,
    },
    () =>
      [
        wasSet
          ? `Unset ${key.key} for ${entry.id}.`
          : `${key.key} of ${entry.id} was not set; nothing changed.`,
        missingLine(entry, missing),
        ...(wasSet ? [wrap(TAKES_EFFECT)] : []),
      ].join("\n"),
  );
  return EXIT.ok;
}

/** The declared key `raw` names, or a `UsageError` listing the keys there are. */
function declaredKey(entry: CatalogEntry, raw: string): ConfigKey {
  const key = resolveKey(entry, raw.trim());
  if (key) return key;
  const keys = configKeys(entry);
  throw new UsageError(
    `"${raw.slice(0, 80)}" is not a setting of ${entry.id}; ` +
      (keys.length
        ? `its settings are ${keys.map((k) => `${k.key} (${k.kind})`).join(", ")}`
        : `${entry.id} declares no settings`),
  );
}

/**
 * A parameter's value as typed: a string stays a string where the schema takes strings;
 * lists, numbers, booleans and objects are JSON.
 */
export function parseParameter(key: ConfigKey, raw: string): unknown {
  const declared = key.schema?.type;
  const types = Array.isArray(declared)
    ? declared.map(String)
    : typeof declared === "string"
    ? [declared]
    : [];
  if (types.length === 0 || (types.length === 1 && types[0] === "string")) {
    // No type, or a string: take it as written, unless it is plainly JSON of another kind.
    if (types.length === 0 && /^\s*[[{]/.test(raw)) return tryJson(raw) ?? raw;
    return raw;
  }
  const parsed = tryJson(raw);
  if (parsed !== undefined) return parsed;
  if (types.includes("string")) return raw;
  throw new UsageError(
    `${key.key} takes ${types.map(withArticle).join(" or ")}, written as JSON, e.g. ` +
      `${jsonExample(types[0]!)}; ${
        JSON.stringify(clip(raw, 80))
      } is not JSON. Nothing was stored.`,
  );
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function tryJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function jsonExample(type: string): string {
  switch (type) {
    case "array":
      return `'["/home/me/notes"]'`;
    case "object":
      return `'{"name": "value"}'`;
    case "boolean":
      return "true";
    default:
      return "42";
  }
}

function missingLine(entry: CatalogEntry, missing: string[]): string {
  return missing.length
    ? wrap(`Still missing before ${entry.id} can start: ${missing.join(", ")}.`)
    : "Nothing required is missing.";
}
