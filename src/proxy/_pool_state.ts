/**
 * The pool's state: the active servers by id, the epoch of each id (bumped by every remove, so
 * a start that began before it knows to undo itself), and the routes of exposed tool names. No
 * I/O; `active_servers.ts` drives the transitions.
 *
 * @module
 */
import { type CatalogEntry, minimalEntry } from "../catalog/entry.ts";
import type { Tool } from "../mcp/sdk.ts";
import { buildRoutes, exposedTools, type Routable, type Routes } from "./_tool_routes.ts";
import { toolPrefix } from "./tool_names.ts";
import type { ServerConnection } from "./upstream.ts";

/**
 * Where an active server stands: `exited` when its process ended (it restarts on the next call),
 * `failed` when it could not be started or restored (the reason is in `last_error`).
 */
export type ServerState = "starting" | "running" | "exited" | "failed";

/** One active server, as `registry-active` reports it. */
export interface ActiveInfo {
  id: string;
  title: string;
  state: ServerState;
  container: string;
  image: string;
  /** The remote server's address (origin and path), for remote servers. */
  url: string | null;
  started_at: string;
  tool_count: number;
  tools: string[];
  last_error: string | null;
}

/** One active server inside the pool. */
export interface Active extends Routable {
  entry: CatalogEntry;
  /** Its container's name; "" for a remote, a host process or per-call containers. */
  container: string;
  upstream: ServerConnection | null;
  state: ServerState;
  startedAt: Date;
  lastError: string | null;
  /** Fingerprint of the settings it runs with: other settings mean a restart. */
  configHash: string;
  /** Masks the server's stored secret values in what it answers. */
  mask: (text: string) => string;
}

/** A server about to start (`starting`, no connection yet). */
export function newActive(
  entry: CatalogEntry,
  fields: Pick<Active, "container" | "configHash" | "mask">,
): Active {
  return {
    entry,
    prefix: toolPrefix(entry.id),
    names: new Map(),
    upstream: null,
    state: "starting",
    startedAt: new Date(),
    lastError: null,
    ...fields,
  };
}

/** The active servers, their epochs and tool routes. */
export class PoolState {
  readonly #active = new Map<string, Active>();
  readonly #epoch = new Map<string, number>();
  #routes: Routes = new Map();
  /** Set on shutdown: nothing new starts, and starts under way undo themselves. */
  closed = false;

  get(id: string): Active | undefined {
    return this.#active.get(id);
  }

  has(id: string): boolean {
    return this.#active.has(id);
  }

  set(active: Active): Active {
    this.#active.set(active.entry.id, active);
    return active;
  }

  delete(id: string): void {
    this.#active.delete(id);
  }

  /** Every active server, and none afterwards. */
  takeAll(): Active[] {
    const all = [...this.#active.values()];
    this.#active.clear();
    this.rebuildRoutes();
    return all;
  }

  /** How many removes of `id` there were. */
  epochOf(id: string): number {
    return this.#epoch.get(id) ?? 0;
  }

  /** Records a remove of `id`: starts and restarts of it under way give up. */
  bumpEpoch(id: string): void {
    this.#epoch.set(id, this.epochOf(id) + 1);
  }

  /** False when `id` was removed since `epoch`, or the pool shut down. */
  stillWanted(id: string, epoch: number): boolean {
    return !this.closed && this.epochOf(id) === epoch;
  }

  /**
   * Lists `id` as failed (with `reason`) or, with a null reason, as about to start; `entry`
   * null keeps the entry it had (or a placeholder for one that left the catalog).
   */
  markFailed(id: string, entry: CatalogEntry | null, reason: string | null): void {
    const existing = this.#active.get(id);
    this.#active.set(id, {
      entry: entry ?? existing?.entry ?? minimalEntry({ id }),
      container: "",
      prefix: toolPrefix(id),
      names: existing?.names ?? new Map(),
      upstream: null,
      state: reason ? "failed" : "starting",
      startedAt: new Date(),
      lastError: reason,
      configHash: "",
      mask: existing?.mask ?? ((text) => text),
    });
  }

  /** Names every server's tools again (after a server came, went or changed its tools). */
  rebuildRoutes(): void {
    this.#routes = buildRoutes(this.#active);
  }

  /** The server and child tool behind an exposed name. */
  route(exposedName: string): { id: string; tool: string } | undefined {
    const route = this.#routes.get(exposedName);
    return route ? { id: route[0], tool: route[1] } : undefined;
  }

  /** The exposed tools of every running server, as `tools/list` shows them. */
  exposedTools(options: { lazy?: boolean } = {}): Tool[] {
    return exposedTools(this.#active.values(), options);
  }

  /** Every active server, as `registry-active` reports it. */
  list(): ActiveInfo[] {
    return [...this.#active.values()].map((a) => ({
      id: a.entry.id,
      title: a.entry.title,
      state: a.state,
      container: a.container,
      image: a.entry.launch_method === "podman"
        ? a.entry.container_image ?? ""
        : a.entry.run.package
        ? `${a.entry.run.package.registry}:${a.entry.run.package.name}`
        : "",
      url: a.entry.remote && a.entry.launch_method === "remote-http"
        ? a.entry.remote.url.replace(/[?#].*$/, "")
        : null,
      started_at: a.startedAt.toISOString(),
      tool_count: a.names.size,
      tools: [...a.names.values()],
      last_error: a.lastError,
    }));
  }
}
