/**
 * Server-sent events for the page (`GET /api/events`): the active servers when they change
 * (at once, from the registry's change notifier, and by a look every 2 s for what it does not
 * announce: a server that exited, new stderr lines), the sources and the catalog when they
 * change (a look every 2 s), and the progress of starts and refreshes as it happens.
 *
 * @module
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Registry } from "../registry/context.ts";
import { activeServers, type ProgressEvent, sourcesStatus } from "./_api.ts";

/** How often the hub looks for changes while a page listens. */
const POLL_MS = 2_000;
/** A comment line this often keeps proxies and the browser from timing the stream out. */
const KEEPALIVE_MS = 15_000;

interface Listener {
  send(event: string, data: unknown): void;
  close(): void;
}

/** Fans changes out to every open event stream. */
export class EventHub {
  readonly #registry: Registry;
  readonly #listeners = new Set<Listener>();
  /** The last data sent per event name, to send only changes. */
  readonly #last = new Map<string, string>();
  /** The latest progress of each source refreshing, for `/api/sources`. */
  readonly progress = new Map<string, ProgressEvent>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #stopNotifier: (() => void) | undefined;
  #pending: Promise<void> | null = null;
  #again = false;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** Opens an event stream: the current state at once, then every change, until either ends. */
  stream(c: Context): Response {
    const response = streamSSE(c, async (sse) => {
      const ended = Promise.withResolvers<void>();
      const listener: Listener = {
        send(event, data) {
          void (event === ""
            ? sse.write(": keepalive\n\n")
            : sse.writeSSE({ event, data: JSON.stringify(data) }));
        },
        close: () => ended.resolve(),
      };
      sse.onAbort(() => ended.resolve());
      this.#add(listener);
      try {
        await ended.promise;
      } finally {
        this.#remove(listener);
      }
    });
    // What the page has always been sent; the transfer framing is the HTTP server's business.
    response.headers.set("content-type", "text/event-stream; charset=utf-8");
    response.headers.set("x-accel-buffering", "no");
    response.headers.delete("transfer-encoding");
    response.headers.delete("connection");
    return response;
  }

  /** Sends `event` to every stream now (progress is not deduplicated). */
  broadcast(event: string, data: unknown): void {
    for (const listener of this.#listeners) listener.send(event, data);
  }

  /** A refresh or a start reported progress: pass it on, and look at the sources soon. */
  reportProgress(event: ProgressEvent): void {
    if (event.kind === "refresh" && event.id) this.progress.set(event.id, event);
    this.broadcast("progress", event);
    if (event.kind === "refresh") this.check();
  }

  /** Looks for changes now (coalesced: one look at a time, one more after it if asked). */
  check(): void {
    if (this.#pending) {
      this.#again = true;
      return;
    }
    this.#pending = this.#look().finally(() => {
      this.#pending = null;
      if (this.#again) {
        this.#again = false;
        this.check();
      }
    });
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    for (const listener of [...this.#listeners]) {
      listener.close();
      this.#remove(listener);
    }
  }

  #add(listener: Listener) {
    this.#listeners.add(listener);
    // The newcomer gets everything; the others only what changed since they last heard (else
    // a change the newcomer saw first would count as sent, and they would never hear of it).
    void this.#snapshot().then((snapshot) => {
      for (const [event, data] of snapshot) {
        listener.send(event, data);
        const text = JSON.stringify(data);
        if (this.#last.get(event) === text) continue;
        this.#last.set(event, text);
        for (const other of this.#listeners) if (other !== listener) other.send(event, data);
      }
    }).catch(() => {});
    if (this.#listeners.size > 1) return;
    this.#stopNotifier = this.#registry.onChange(() => this.check());
    this.#timer = setInterval(() => this.check(), POLL_MS);
    this.#keepalive = setInterval(() => this.broadcast("", null), KEEPALIVE_MS);
  }

  #remove(listener: Listener) {
    if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
    clearInterval(this.#timer);
    clearInterval(this.#keepalive);
    this.#stopNotifier?.();
    this.#last.clear();
  }

  async #snapshot(): Promise<[string, unknown][]> {
    for (const [name] of this.progress) {
      if (!this.#registry.catalog.status().find((s) => s.name === name)?.refreshing) {
        this.progress.delete(name);
      }
    }
    const index = this.#registry.catalog.index;
    return [
      ["active", await activeServers(this.#registry)],
      ["sources", sourcesStatus(this.#registry, this.progress)],
      ["catalog", { generation: index.generation, entries: index.size }],
    ];
  }

  async #look() {
    if (this.#listeners.size === 0) return;
    try {
      for (const [event, data] of await this.#snapshot()) {
        const text = JSON.stringify(data);
        if (this.#last.get(event) === text) continue;
        this.#last.set(event, text);
        this.broadcast(event, data);
      }
    } catch { /* the next look tries again */ }
  }
}
