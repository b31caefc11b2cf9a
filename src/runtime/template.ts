/**
 * Docker catalog templates: `{{server.param}}` with the filters `volume`, `volume-target`,
 * `into`, `or:<default>`, `first` and `last`, as Docker's MCP gateway evaluates them.
 *
 * @module
 */

/** A template's value: a string, or a list where `into` spreads it over several arguments. */
export type TemplateValue = string | string[];

/** The configuration templates read, by server name then parameter: `{ filesystem: { paths } }`. */
export type TemplateConfig = Record<string, Record<string, unknown>>;

const TERM = /\{\{.*?\}\}|[^{}]+|[{}]/g;

/**
 * Evaluates one expression. A lone `{{...}}` term keeps the type of its value (a list stays a
 * list); text mixed with terms is joined into one string.
 */
export function evaluate(expression: string, config: TemplateConfig): TemplateValue {
  const terms = expression.match(TERM) ?? [];
  if (terms.length === 0) return "";
  if (terms.length === 1) return evaluateTerm(terms[0]!, config);
  return terms.map((term) => String(evaluateTerm(term, config))).join("");
}

/** Evaluates a list of expressions; a list value spreads into several items (`|into`). */
export function evaluateList(expressions: readonly string[], config: TemplateConfig): string[] {
  return expressions.flatMap((expression) => {
    const value = evaluate(expression, config);
    return Array.isArray(value) ? value : [value];
  });
}

/** The `server.param` paths an expression reads, e.g. to tell which parameters are needed. */
export function referencedPaths(expression: string): string[] {
  return [...expression.matchAll(/\{\{(.*?)\}\}/g)].map((m) => m[1]!.split("|")[0]!.trim());
}

function evaluateTerm(term: string, config: TemplateConfig): TemplateValue {
  if (!term.startsWith("{{") || !term.endsWith("}}")) return term;
  const [path = "", ...filters] = term.slice(2, -2).split("|");
  let value: unknown = dig(path.trim(), config);
  for (const raw of filters) {
    const filter = raw.trim();
    if (filter === "volume") value = map(value, volume);
    else if (filter === "volume-target") value = map(value, (v) => v);
    else if (filter === "into") value = Array.isArray(value) ? value.map(String) : [text(value)];
    else if (filter === "first") value = Array.isArray(value) ? text(value[0]) : text(value);
    else if (filter === "last") value = Array.isArray(value) ? text(value.at(-1)) : text(value);
    else if (filter.startsWith("or:")) value = or(value, filter.slice(3));
    else throw new SyntaxError(`Unknown template filter "${filter}" in ${term}`);
  }
  return Array.isArray(value) ? value.map(String) : text(value);
}

/** Follows a dotted path (`server.group.param`) through nested objects, as Docker's gateway. */
function dig(path: string, config: TemplateConfig): unknown {
  const parts = path.split(".").map((p) => p.trim());
  if (parts.length < 2) return "";
  let value: unknown = config;
  for (const part of parts) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return "";
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? "";
}

function map(value: unknown, fn: (v: string) => string): unknown {
  return Array.isArray(value) ? value.map((v) => fn(text(v))) : fn(text(value));
}

function volume(path: string): string {
  return path === "" ? "" : `${path}:${path}`;
}

function or(value: unknown, fallback: string): unknown {
  if (Array.isArray(value)) {
    if (value.length > 0) return value;
    if (fallback.startsWith("[") && fallback.endsWith("]")) {
      const inner = fallback.slice(1, -1);
      return inner === "" ? [] : inner.split(",");
    }
    return fallback;
  }
  return value === "" || value === null || value === undefined ? fallback : value;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
