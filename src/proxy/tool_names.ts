/**
 * Names under which a child server's tools are exposed: `<prefix>__<tool>`, within MCP's
 * `^[a-zA-Z0-9_-]{1,64}$`, shortened deterministically, never colliding.
 *
 * @module
 */
import { fingerprint } from "../util/fingerprint.ts";

export { fingerprint };

export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX = 64;
const MAX_PREFIX = 32;

/** The prefix for a catalog id: the id itself, or its start and a fingerprint when long. */
export function toolPrefix(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9-]/g, "-");
  if (clean.length <= MAX_PREFIX && clean === id) return clean;
  return `${clean.slice(0, MAX_PREFIX - 9).replace(/-+$/, "")}-${fingerprint(id)}`;
}

/**
 * Names every tool of one server. Names that fit as they are stay readable; others (too long,
 * characters MCP forbids) keep their start and gain a fingerprint of the original name.
 * `taken` holds names already used by other servers and grows with the names given.
 */
export function exposedToolNames(
  prefix: string,
  tools: readonly string[],
  taken: Set<string>,
): Map<string, string> {
  const names = new Map<string, string>();
  for (const tool of [...tools].sort()) {
    const plain = `${prefix}__${tool}`;
    let name = plain;
    if (!TOOL_NAME.test(plain) || taken.has(plain)) {
      const safe = `${prefix}__${tool.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
      const mark = fingerprint(`${prefix}\u0000${tool}`);
      name = `${safe.slice(0, MAX - mark.length - 1)}_${mark}`;
      for (let n = 2; taken.has(name); n++) name = `${name.slice(0, MAX - 3)}_${n}`;
    }
    taken.add(name);
    names.set(tool, name);
  }
  return names;
}
