/**
 * How a server's configuration is shown: declared keys, which are set, secrets masked.
 *
 * @module
 */
import { type CatalogEntry, isSecretName } from "../catalog/entry.ts";
import { type ConfigKey, configKeys } from "../runtime/launch_spec.ts";
import type { ServerConfig } from "../catalog/settings.ts";

/** The mask shown for a secret that is set. */
export { MASK } from "../util/mask.ts";
import { MASK } from "../util/mask.ts";

/** One declared key and its (masked) state. */
export interface ConfigItem {
  key: string;
  kind: ConfigKey["kind"];
  required: boolean;
  set: boolean;
  /** The value for parameters and env; the mask for secrets; null when unset. */
  value: unknown;
  description?: string;
  example?: string;
}

/**
 * Every declared key of `entry` with its state; secret values never appear, nor the value of any
 * key named like a credential (see `isSecretName`), whatever its kind.
 */
export function configView(entry: CatalogEntry, config: ServerConfig): ConfigItem[] {
  return configKeys(entry).map((k) => {
    const raw = k.kind === "secret"
      ? config.secrets[k.key] ?? config.env[k.key] ?? config.params[k.key]
      : k.kind === "env"
      ? config.env[k.key]
      : config.params[k.key];
    const set = raw !== undefined;
    const hidden = k.kind === "secret" || isSecretName(k.key);
    const item: ConfigItem = {
      key: k.key,
      kind: k.kind,
      required: k.required,
      set,
      value: !set ? null : hidden ? MASK : raw,
    };
    if (k.description) item.description = k.description;
    if (k.example && !hidden) item.example = k.example;
    return item;
  });
}

/** A sentence for what is missing, with the call that fixes it. */
export function describeMissing(entry: CatalogEntry, missing: ConfigKey[]): string {
  const lines = missing.map((k) => {
    const what = k.kind !== "secret" ? k.kind : k.env ? `secret (becomes ${k.env})` : "secret";
    return `- ${k.key}: ${what}${k.description ? `, ${k.description.split("\n")[0]}` : ""}`;
  });
  const example = Object.fromEntries(
    missing.map((k) => [k.key, k.kind === "secret" ? "<value>" : exampleValue(k)]),
  );
  return `${entry.id} needs configuration before it can start:\n${lines.join("\n")}\n` +
    `Ask the user for the values, then call registry-config-set ${
      JSON.stringify({ id: entry.id, values: example })
    } and registry-add again.`;
}

function exampleValue(k: ConfigKey): unknown {
  if (k.schema?.type === "array") return ["<value>"];
  if (k.schema?.type === "number" || k.schema?.type === "integer") return 0;
  if (k.schema?.type === "boolean") return true;
  return "<value>";
}
