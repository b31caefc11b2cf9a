/**
 * A container's stdio over the socket of podman's API service: `POST .../containers/{name}/attach`
 * takes the HTTP connection over (`101 UPGRADED`); then what we write is the container's stdin
 * and what we read is its stdout and stderr, each piece behind an 8-byte header (stream, 3 zero
 * bytes, length as a big-endian u32), as a container without a terminal is attached.
 *
 * The headers come from podman, never from the container (whatever it writes is the payload of
 * a frame), so a header that breaks the format means the connection is not podman's: it is
 * dropped. Payloads are passed on as they arrive, never gathered into a whole frame, so a frame
 * that claims 4 GiB costs no memory here; the reader above bounds its messages.
 *
 * @module
 */
import type { ServerStdio } from "./container_runtime.ts";
import { LIBPOD } from "./podman_service.ts";

/** The most an HTTP answer's head (status line and headers) may take. */
const MAX_HEAD = 16 * 1024;

/** Attaching failed: podman's answer (status and message), or the connection broke. */
export class AttachError extends Error {
  override name = "AttachError";
  constructor(message: string, readonly status = 0) {
    super(message);
  }
}

/**
 * Attaches to container `name` (created, not yet started, or running) over `socket`: returns
 * its stdio once podman took the connection over. `timeoutMs` bounds the wait for that answer;
 * `prefix` is the API's path prefix (`PodmanService.prefix`).
 */
export async function attachStdio(
  socket: string,
  name: string,
  timeoutMs = 30_000,
  prefix = LIBPOD,
): Promise<ServerStdio> {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  const query = "stream=true&stdin=true&stdout=true&stderr=true";
  const head =
    `POST ${prefix}/containers/${encodeURIComponent(name)}/attach?${query} HTTP/1.1\r\n` +
    "Host: podman\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";
  const reader = conn.readable.getReader();
  const timer = setTimeout(() => conn.close(), timeoutMs);
  let rest: Uint8Array;
  try {
    await writeAll(conn, new TextEncoder().encode(head));
    rest = await readAnswerHead(reader);
  } catch (error) {
    try {
      conn.close();
    } catch {
      // closed by the timer
    }
    if (error instanceof AttachError) throw error;
    throw new AttachError(`cannot attach to ${name}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  return new AttachedStdio(conn, reader, rest);
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/**
 * Reads the answer's head; returns the bytes after it (the first frames). An answer other than
 * 101/200 throws with podman's message (its JSON `message`, or the start of the body).
 */
async function readAnswerHead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<Uint8Array> {
  let buffer: Uint8Array = new Uint8Array(0);
  let end = -1;
  while (end < 0) {
    const { value, done } = await reader.read();
    if (done) throw new AttachError("podman closed the connection before answering");
    buffer = concat(buffer, value);
    end = indexOfHeadEnd(buffer);
    if (end < 0 && buffer.length > MAX_HEAD) throw new AttachError("podman's answer has no end");
  }
  const text = new TextDecoder().decode(buffer.subarray(0, end));
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const rest = buffer.subarray(end + 4);
  if (status === 101 || status === 200) return rest;
  // An error answer: its body says why (a short JSON), read for a moment at most.
  let body = new TextDecoder().decode(rest);
  const until = Date.now() + 2_000;
  while (body.length < 4096 && Date.now() < until && !/}\s*$/.test(body)) {
    const { value, done } = await reader.read();
    if (done) break;
    body += new TextDecoder().decode(value);
  }
  let message = body.trim().slice(0, 300);
  try {
    message = String(JSON.parse(body).message ?? message);
  } catch {
    // not JSON: the text as it is
  }
  throw new AttachError(`podman refused to attach (${status || "no status"}): ${message}`, status);
}

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The attached stdio: demultiplexes what podman sends into stdout and stderr. */
class AttachedStdio implements ServerStdio {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly #conn: Deno.Conn;
  #out!: ReadableStreamDefaultController<Uint8Array>;
  #err!: ReadableStreamDefaultController<Uint8Array>;
  #writing: Promise<void> = Promise.resolve();
  #inputEnded = false;
  #ended = false;
  /** The frame being read: its header so far, its stream and the payload bytes still due. */
  readonly #header = new Uint8Array(8);
  #headerBytes = 0;
  #stream = 0;
  #due = 0;

  constructor(
    conn: Deno.Conn,
    reader: ReadableStreamDefaultReader<Uint8Array>,
    first: Uint8Array,
  ) {
    this.#conn = conn;
    this.stdout = new ReadableStream({ start: (c) => void (this.#out = c) });
    this.stderr = new ReadableStream({ start: (c) => void (this.#err = c) });
    void this.#pump(reader, first);
  }

  write(bytes: Uint8Array): Promise<void> {
    const next = this.#writing.then(() => {
      if (this.#inputEnded || this.#ended) throw new AttachError("the server's input is closed");
      return writeAll(this.#conn, bytes);
    });
    this.#writing = next.catch(() => {});
    return next;
  }

  async endInput(): Promise<void> {
    await this.#writing;
    if (this.#inputEnded || this.#ended) return;
    this.#inputEnded = true;
    try {
      await this.#conn.closeWrite();
    } catch {
      // the connection is gone already
    }
  }

  abort(): void {
    if (this.#ended) return;
    try {
      this.#conn.close();
    } catch {
      // closed already
    }
    this.#finish();
  }

  async #pump(reader: ReadableStreamDefaultReader<Uint8Array>, first: Uint8Array) {
    try {
      if (first.length > 0 && !this.#demux(first)) return this.abort();
      while (!this.#ended) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!this.#demux(value)) return this.abort();
      }
    } catch {
      // the connection broke (or was closed here): both streams end
    }
    this.abort();
  }

  /** Passes a chunk's payload on; false when its framing is not podman's. */
  #demux(chunk: Uint8Array): boolean {
    let at = 0;
    while (at < chunk.length) {
      if (this.#due === 0) {
        const take = Math.min(8 - this.#headerBytes, chunk.length - at);
        this.#header.set(chunk.subarray(at, at + take), this.#headerBytes);
        this.#headerBytes += take;
        at += take;
        if (this.#headerBytes < 8) return true;
        this.#headerBytes = 0;
        const h = this.#header;
        if (h[0]! > 2 || h[1] !== 0 || h[2] !== 0 || h[3] !== 0) return false;
        this.#stream = h[0]!;
        this.#due = new DataView(h.buffer).getUint32(4);
        continue;
      }
      const take = Math.min(this.#due, chunk.length - at);
      // A copy: the stream's reader may keep it while the connection reuses its buffer.
      const piece = chunk.slice(at, at + take);
      at += take;
      this.#due -= take;
      if (this.#stream === 2) this.#err.enqueue(piece);
      else if (this.#stream === 1) this.#out.enqueue(piece);
    }
    return true;
  }

  #finish() {
    if (this.#ended) return;
    this.#ended = true;
    for (const c of [this.#out, this.#err]) {
      try {
        c.close();
      } catch {
        // closed already
      }
    }
  }
}
