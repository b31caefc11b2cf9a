/**
 * Tool routing of the pool: the names under which every running server's tools are exposed,
 * the route from an exposed name back to a server and its own tool name, and the tools as
 * `tools/list` shows them. Pure: no I/O, no state of its own.
 *
 * @module
 */
import type { Tool } from "../mcp/sdk.ts";
import { exposedToolNames } from "./tool_names.ts";

/** What routing reads of an active server; it writes `names`. */
export interface Routable {
  entry: { id: string; title: string };
  /** The prefix of its exposed names (see `toolPrefix()`). */
  prefix: string;
  /** Child tool name -> exposed name. */
  names: Map<string, string>;
  upstream: { readonly tools: Tool[] } | null;
}

/** Exposed name -> [server id, child tool name]. */
export type Routes = Map<string, [string, string]>;

/**
 * Names every server's tools again, in a stable order of server ids, so names never collide;
 * sets each server's `names` and returns the routes.
 */
export function buildRoutes(servers: ReadonlyMap<string, Routable>): Routes {
  const taken = new Set<string>();
  const routes: Routes = new Map();
  for (const id of [...servers.keys()].sort()) {
    const server = servers.get(id)!;
    const tools = server.upstream?.tools.map((t) => t.name) ?? [];
    server.names = exposedToolNames(server.prefix, tools, taken);
    for (const [tool, name] of server.names) routes.set(name, [id, tool]);
  }
  return routes;
}

/**
 * The exposed tools of `servers`: the child's own definitions under the exposed name, the
 * description starting with `[<title>]` so same-named tools of two servers can be told apart.
 * `lazy` lists each by name and the first sentence of its description, with an open input
 * schema: a client with many servers pays for a schema only when a call needs it (a call whose
 * arguments do not fit gets the schema back, see `server.ts`).
 */
export function exposedTools(servers: Iterable<Routable>, { lazy = false } = {}): Tool[] {
  const tools: Tool[] = [];
  for (const server of servers) {
    for (const tool of server.upstream?.tools ?? []) {
      const name = server.names.get(tool.name);
      if (!name) continue;
      const description = `[${server.entry.title}] ${tool.description ?? ""}`.trim();
      tools.push(
        lazy
          ? {
            name,
            description: firstSentence(description, 120),
            inputSchema: { type: "object" },
            ...(tool.annotations ? { annotations: tool.annotations } : {}),
          }
          : {
            ...tool,
            name,
            title: tool.title ?? `${server.entry.title}: ${tool.name}`,
            description,
          },
      );
    }
  }
  return tools;
}

/** The first sentence of `text`, at most `max` characters. */
function firstSentence(text: string, max: number): string {
  const end = text.search(/[.!?](\s|$)/);
  const sentence = end >= 0 ? text.slice(0, end + 1) : text;
  return sentence.length <= max ? sentence : `${sentence.slice(0, max - 1)}\u2026`;
}

/** One server's tools as `registry-add` reports them: exposed name, own name, description. */
export function describeTools(
  server: Routable,
): { name: string; tool: string; description: string }[] {
  return (server.upstream?.tools ?? []).map((t) => ({
    name: server.names.get(t.name) ?? t.name,
    tool: t.name,
    description: t.description ?? "",
  }));
}
