/**
 * Reads the fields of an official registry record in either layout (today's camelCase, the
 * snake_case one before 2025-09-16): packages, inputs (arguments, environment variables,
 * headers, variables) and the small typed readers the mapping shares. Pure.
 *
 * @module
 */

/** A read package: both layouts' field names brought to one. */
export interface Pkg {
  registryType: string;
  identifier: string;
  version: string | undefined;
  registryBaseUrl: string | undefined;
  transport: string | undefined;
  raw: Record<string, unknown>;
}

/** A read input (argument, environment variable, header, variable). */
export interface Input {
  name: string | undefined;
  type: string | undefined;
  value: string | undefined;
  default: string | undefined;
  description: string | undefined;
  placeholder: string | undefined;
  valueHint: string | undefined;
  format: string | undefined;
  choices: string[] | undefined;
  isRequired: boolean | undefined;
  isSecret: boolean | undefined;
  isRepeated: boolean | undefined;
  variables: Record<string, Input>;
}

export function readPackage(raw: unknown): Pkg | null {
  if (!isRecord(raw)) return null;
  const registryType = text(pick(raw, "registryType", "registry_name"))?.trim().toLowerCase();
  const identifier = text(pick(raw, "identifier", "name"))?.trim();
  if (!registryType || !identifier) return null;
  const transport = isRecord(raw.transport)
    ? text(raw.transport.type)
    : text(pick(raw, "transport", "transport_type"));
  return {
    registryType,
    identifier,
    version: text(raw.version)?.trim() || undefined,
    registryBaseUrl: text(pick(raw, "registryBaseUrl", "registry_base_url")),
    transport: transport?.trim() || undefined,
    raw,
  };
}

export function readInput(raw: unknown): Input | null {
  if (!isRecord(raw)) return null;
  const choices = list(raw.choices).filter((c): c is string => typeof c === "string");
  return {
    name: text(raw.name),
    type: text(raw.type),
    value: scalar(raw.value),
    default: scalar(raw.default),
    description: text(raw.description)?.trim() || undefined,
    placeholder: text(raw.placeholder),
    valueHint: text(pick(raw, "valueHint", "value_hint")),
    format: text(raw.format),
    choices: choices.length ? choices : undefined,
    isRequired: bool(pick(raw, "isRequired", "is_required")),
    isSecret: bool(pick(raw, "isSecret", "is_secret")),
    isRepeated: bool(pick(raw, "isRepeated", "is_repeated")),
    variables: readVariables(raw.variables),
  };
}

export function readVariables(raw: unknown): Record<string, Input> {
  if (!isRecord(raw)) return {};
  const out: Record<string, Input> = {};
  for (const [key, value] of Object.entries(raw)) {
    const input = readInput(value);
    if (input) out[key] = input;
  }
  return out;
}

export function readList(value: unknown, path: string, warnings: string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warnings.push(`'${path}' ignored: expected a list`);
    return [];
  }
  return value;
}

/** `Authorization` -> `AUTHORIZATION`, `X-Api-Key` -> `X_API_KEY`. */
export function envNameOf(name: string): string {
  const out = name.toUpperCase().replace(/[^A-Z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[A-Z_]/.test(out) ? out : `_${out}`;
}

/** The camelCase field, or the snake_case one of the old layout. */
export function pick(record: Record<string, unknown>, camel: string, snake: string): unknown {
  return record[camel] ?? record[snake];
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function scalar(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
