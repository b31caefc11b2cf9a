/**
 * A TCP front for `Deno.serve` that closes connections whose request headers do not arrive in
 * time (slowloris).
 *
 * Why a front: `Deno.serve` (hyper underneath) has no header-read timeout and no option to set
 * one. Tried on Deno 2.9.6: a connection that sends `GET / HTTP/1.1\r\nHost: x\r\n` and then
 * nothing, or one more byte a second, is still open after 200 s; `node:http`'s `headersTimeout`
 * and `requestTimeout` are accepted and ignored. And `Deno.serve` cannot be handed a connection
 * accepted elsewhere (`Deno.serveHttp` is gone in Deno 2). So the public port is a `Deno.listen`
 * that passes each connection's bytes, unchanged, to `Deno.serve` on a Unix socket in a private
 * folder (0700: nothing else can reach the server behind the front), and watches the request
 * stream: every request's header block must be complete within `timeoutMs` of its first byte
 * (the first one within `timeoutMs` of the connection being accepted), or both sides are
 * closed. A connection kept alive between requests, or waiting for a long answer, is not
 * limited; only a header block that has begun is.
 *
 * @module
 */

/** The longest header block let through; past it the connection is closed. */
const MAX_HEAD_BYTES = 1024 * 1024;
/** The longest chunk-size or trailer line of a chunked body the watcher reads. */
const MAX_LINE_BYTES = 16 * 1024;
const LF = 0x0a;
const CR = 0x0d;

type State =
  | { kind: "idle" }
  | { kind: "head"; bytes: number[]; lineLength: number }
  | { kind: "body"; left: number }
  | { kind: "chunk-size"; line: number[] }
  | { kind: "chunk-data"; left: number }
  | { kind: "chunk-end"; line: number[] }
  | { kind: "trailers"; lineLength: number }
  | { kind: "opaque" };

/**
 * Follows HTTP/1.1 request framing (header block, `Content-Length` or chunked body) over the
 * bytes a client sends, to tell when a header block is under way. It never changes the bytes,
 * so where it reads the stream differently from the server, the cost is a timeout applied or
 * missed, never a different request. What it does not follow (an upgrade, a framing error that
 * the server answers with 400) makes it stop watching: `opaque`.
 */
export class RequestFraming {
  #state: State = { kind: "idle" };
  #requests = 0;

  /** True while a request's header block has begun and not ended (the first: from the start). */
  get awaitingHead(): boolean {
    return this.#state.kind === "head" || (this.#state.kind === "idle" && this.#requests === 0);
  }

  /** True once the header block grew past the limit: the connection should be closed. */
  oversized = false;

  /** Takes the next bytes the client sent. */
  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      const state = this.#state;
      switch (state.kind) {
        case "opaque":
          return;
        case "idle": {
          // Empty lines before a request line are ignored (RFC 9112, section 2.2).
          const byte = chunk[i]!;
          if (byte === CR || byte === LF) i++;
          else this.#state = { kind: "head", bytes: [], lineLength: 0 };
          break;
        }
        case "head": {
          const byte = chunk[i++]!;
          state.bytes.push(byte);
          if (state.bytes.length > MAX_HEAD_BYTES) {
            this.oversized = true;
            this.#state = { kind: "opaque" };
          } else if (byte === LF) {
            if (state.lineLength === 0) this.#endHead(state.bytes);
            else state.lineLength = 0;
          } else if (byte !== CR) {
            state.lineLength++;
          }
          break;
        }
        case "body":
        case "chunk-data": {
          const take = Math.min(state.left, chunk.length - i);
          i += take;
          state.left -= take;
          if (state.left === 0) {
            this.#state = state.kind === "body"
              ? { kind: "idle" }
              : { kind: "chunk-end", line: [] };
          }
          break;
        }
        case "chunk-size":
        case "chunk-end": {
          const byte = chunk[i++]!;
          if (byte !== LF) {
            state.line.push(byte);
            if (state.line.length > MAX_LINE_BYTES) this.#state = { kind: "opaque" };
            break;
          }
          const line = String.fromCharCode(...state.line).replace(/\r$/, "");
          if (state.kind === "chunk-end") {
            this.#state = line === "" ? { kind: "chunk-size", line: [] } : { kind: "opaque" };
            break;
          }
          const size = /^[0-9a-fA-F]{1,12}(?=[;\t ]|$)/.exec(line);
          if (!size) this.#state = { kind: "opaque" };
          else if (Number.parseInt(size[0], 16) === 0) {
            this.#state = { kind: "trailers", lineLength: 0 };
          } else this.#state = { kind: "chunk-data", left: Number.parseInt(size[0], 16) };
          break;
        }
        case "trailers": {
          const byte = chunk[i++]!;
          if (byte === LF) {
            if (state.lineLength === 0) this.#state = { kind: "idle" };
            else state.lineLength = 0;
          } else if (byte !== CR) {
            if (++state.lineLength > MAX_LINE_BYTES) this.#state = { kind: "opaque" };
          }
          break;
        }
      }
    }
  }

  #endHead(bytes: number[]) {
    this.#requests++;
    const lines = new TextDecoder("latin1").decode(new Uint8Array(bytes)).split(/\r?\n/);
    const fields = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      fields.set(name, fields.has(name) ? `${fields.get(name)}, ${value}` : value);
    }
    const method = lines[0]?.split(" ")[0] ?? "";
    const encoding = fields.get("transfer-encoding");
    const length = fields.get("content-length");
    if (method === "CONNECT" || /\bupgrade\b/i.test(fields.get("connection") ?? "")) {
      this.#state = { kind: "opaque" };
    } else if (encoding !== undefined) {
      this.#state = /(^|,)\s*chunked\s*$/i.test(encoding)
        ? { kind: "chunk-size", line: [] }
        : { kind: "opaque" };
    } else if (length !== undefined) {
      this.#state = /^\d{1,15}$/.test(length) && Number(length) > 0
        ? { kind: "body", left: Number(length) }
        : /^0+$/.test(length)
        ? { kind: "idle" }
        : { kind: "opaque" };
    } else {
      this.#state = { kind: "idle" };
    }
  }
}

/** Options for {@linkcode listenWithHeaderDeadline}. */
export interface HeaderDeadlineOptions {
  hostname: string;
  port: number;
  /** The Unix socket of the server behind the front. */
  target: string;
  /** How long a header block may take. */
  timeoutMs: number;
  /** Told of each connection closed for a late header block. */
  onTimeout?: () => void;
}

/** The listening front. */
export interface HeaderDeadlineFront {
  addr: Deno.NetAddr;
  /** Stops accepting and closes every open connection. */
  close(): void;
}

/**
 * Listens on `hostname:port` and passes every connection to the server on `target`, closing
 * those whose header blocks take longer than `timeoutMs`. Throws when it cannot listen.
 */
export function listenWithHeaderDeadline(options: HeaderDeadlineOptions): HeaderDeadlineFront {
  const { hostname, port, target, timeoutMs, onTimeout } = options;
  const listener = Deno.listen({ hostname, port, transport: "tcp" });
  const open = new Set<() => void>();
  let closed = false;
  (async () => {
    try {
      for await (const conn of listener) {
        void relay(conn, target, timeoutMs, open, onTimeout);
      }
    } catch {
      // The listener was closed.
    }
  })();
  return {
    addr: listener.addr,
    close() {
      if (closed) return;
      closed = true;
      listener.close();
      for (const close of [...open]) close();
    },
  };
}

async function relay(
  client: Deno.TcpConn,
  target: string,
  timeoutMs: number,
  open: Set<() => void>,
  onTimeout?: () => void,
): Promise<void> {
  let server: Deno.UnixConn | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done = false;
  const close = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    open.delete(close);
    for (const conn of [client, server]) {
      try {
        conn?.close();
      } catch {
        // Already closed.
      }
    }
  };
  open.add(close);
  const framing = new RequestFraming();
  const watch = () => {
    if (framing.oversized) return close();
    if (!framing.awaitingHead) {
      clearTimeout(timer);
      timer = undefined;
    } else if (timer === undefined) {
      timer = setTimeout(() => {
        onTimeout?.();
        close();
      }, timeoutMs);
    }
  };
  watch();
  try {
    server = await Deno.connect({ transport: "unix", path: target });
    if (done) return close();
    // The server closing its side (after a 400, or at shutdown) ends the connection.
    const answers = server.readable.pipeTo(client.writable, { preventClose: true })
      .catch(() => {}).then(close);
    const writer = server.writable.getWriter();
    for await (const chunk of client.readable) {
      framing.feed(chunk);
      watch();
      if (done) break;
      await writer.write(chunk);
    }
    // The client finished sending; its answer may still be on its way.
    clearTimeout(timer);
    if (!done) await server.closeWrite().catch(() => {});
    await answers;
  } catch {
    // Either side went away.
  } finally {
    close();
  }
}
