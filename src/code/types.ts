/**
 * TypeScript declarations for registry-code: `mcp.call` and, for each active server, its tools
 * as methods of `servers[id]`, typed from the tools' JSON schemas. Pure: no I/O.
 *
 * @module
 */

/** A tool as the declarations read it (the MCP `Tool`'s fields that matter here). */
export interface TypedTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
}

type Schema = Record<string, unknown>;

const MAX_DEPTH = 8;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Declarations for `servers`: server id -> its tools. */
export function declarations(servers: Record<string, readonly TypedTool[]>): string {
  const lines = [
    "/** Calls `tool` of active server `server`: its structuredContent, else its text (parsed",
    " * when JSON). A tool error throws an Error with the tool's message. */",
    "declare const mcp: { call(server: string, tool: string, args?: Record<string, unknown>): " +
    "Promise<unknown> };",
    "declare const servers: {",
  ];
  for (const [id, tools] of Object.entries(servers)) {
    lines.push(`  ${key(id)}: {`);
    for (const tool of tools) {
      const doc = summary(tool.description);
      if (doc) lines.push(`    /** ${doc} */`);
      const input = tool.inputSchema ? typeOf(tool.inputSchema, tool.inputSchema, 3) : "{}";
      const output = tool.outputSchema
        ? typeOf(tool.outputSchema, tool.outputSchema, 3)
        : "unknown";
      const optional = requiredCount(tool.inputSchema) === 0 ? "?" : "";
      lines.push(`    ${key(tool.name)}(args${optional}: ${input}): Promise<${output}>;`);
    }
    lines.push("  };");
  }
  lines.push("};");
  return lines.join("\n");
}

/** A property name as TypeScript writes it. */
function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** The first sentence of a description, short and safe inside a comment. */
function summary(text: string | undefined): string {
  if (!text) return "";
  const first = text.replace(/\s+/g, " ").trim().split(/(?<=\.)\s/)[0] ?? "";
  return (first.length > 160 ? `${first.slice(0, 157)}...` : first).replaceAll("*/", "* /");
}

function requiredCount(schema: unknown): number {
  const required = (schema as Schema | undefined)?.required;
  return Array.isArray(required) ? required.length : 0;
}

/** The TypeScript type of `schema`; `root` resolves local `$ref`s; `indent` is for objects. */
export function typeOf(schema: unknown, root: unknown, indent: number, depth = 0): string {
  if (schema === true || schema === undefined) return "unknown";
  if (schema === false) return "never";
  if (!schema || typeof schema !== "object" || depth > MAX_DEPTH) return "unknown";
  const s = schema as Schema;
  if (typeof s.$ref === "string") {
    return typeOf(resolve(s.$ref, root), root, indent, depth + 1);
  }
  if ("const" in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.length ? s.enum.map(literal).join(" | ") : "never";
  for (const union of ["anyOf", "oneOf"] as const) {
    const options = s[union];
    if (Array.isArray(options) && options.length) {
      return group(options.map((o) => typeOf(o, root, indent, depth + 1)), " | ");
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length) {
    return group(s.allOf.map((o) => typeOf(o, root, indent, depth + 1)), " & ");
  }
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  if (types.length === 0) {
    return s.properties
      ? objectType(s, root, indent, depth)
      : s.items
      ? arrayType(s, root, indent, depth)
      : "unknown";
  }
  return group(
    types.map((type) => {
      switch (type) {
        case "string":
          return "string";
        case "number":
        case "integer":
          return "number";
        case "boolean":
          return "boolean";
        case "null":
          return "null";
        case "array":
          return arrayType(s, root, indent, depth);
        case "object":
          return objectType(s, root, indent, depth);
        default:
          return "unknown";
      }
    }),
    " | ",
  );
}

function group(parts: string[], separator: string): string {
  const unique = [...new Set(parts)];
  if (unique.includes("unknown") && separator === " | ") return "unknown";
  return unique.length === 1
    ? unique[0]!
    : unique.map((p) => p.includes(" ") && !p.startsWith("{") ? `(${p})` : p).join(separator);
}

function arrayType(s: Schema, root: unknown, indent: number, depth: number): string {
  if (Array.isArray(s.items)) {
    return `[${s.items.map((i) => typeOf(i, root, indent, depth + 1)).join(", ")}]`;
  }
  const item = typeOf(s.items, root, indent, depth + 1);
  return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
}

function objectType(s: Schema, root: unknown, indent: number, depth: number): string {
  const properties = s.properties && typeof s.properties === "object"
    ? Object.entries(s.properties as Schema)
    : [];
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  const extra = s.additionalProperties;
  const rest = extra && typeof extra === "object"
    ? typeOf(extra, root, indent + 2, depth + 1)
    : extra === false
    ? null
    : "unknown";
  if (properties.length === 0) {
    return rest === null ? "Record<string, never>" : `Record<string, ${rest}>`;
  }
  const pad = " ".repeat(indent + 2);
  const lines = properties.map(([name, property]) => {
    const doc = summary((property as Schema | undefined)?.description as string | undefined);
    const type = typeOf(property, root, indent + 2, depth + 1);
    const line = `${pad}${key(name)}${required.has(name) ? "" : "?"}: ${type};`;
    return doc ? `${pad}/** ${doc} */\n${line}` : line;
  });
  // Named properties must fit an index signature: with them, extra keys are `unknown`.
  if (rest !== null && extra !== undefined) lines.push(`${pad}[key: string]: unknown;`);
  return `{\n${lines.join("\n")}\n${" ".repeat(indent)}}`;
}

function literal(value: unknown): string {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return JSON.stringify(value);
  }
  return "unknown";
}

/** A local `$ref` (`#/definitions/x`, `#/$defs/x`); anything else is unknown. */
function resolve(ref: string, root: unknown): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Schema)[decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return node;
}
