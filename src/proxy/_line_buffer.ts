/**
 * A read buffer for the SDK's `StdioClientTransport` that costs time in proportion to what it
 * reads. The SDK's own `ReadBuffer` copies everything buffered on every chunk that arrives, so a
 * long message costs the square of its length: measured here, a 12 MB reply took 6.6 s of the
 * registry's time, a 64 MiB one minutes, during which every session waits. This one keeps the
 * chunks and joins them once, when a newline ends the message.
 *
 * @module
 */
import { deserializeMessage } from "../mcp/sdk.ts";

/**
 * The largest message a child may send: big files pass, a runaway stream does not. Past it the
 * SDK's stdio transport drops what it read and stops the child (its stream cannot be read on
 * from the middle of a message); the call in flight fails and the registry's session goes on.
 * A reply under it but over what an MCP client takes is refused per call by the registry's
 * server (`MAX_RESULT_BYTES` in `src/server/server.ts`), and the child keeps running.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

type Message = ReturnType<typeof deserializeMessage>;
const NEWLINE = 0x0a;

/** Splits a stream of bytes into JSON-RPC messages, one a line, each at most `maxBytes`. */
export class LineBuffer {
  #chunks: Uint8Array[] = [];
  #size = 0;
  /** How many of the first chunks are known to hold no newline. */
  #searched = 0;

  constructor(readonly maxBytes: number) {}

  /** Adds bytes; throws (and forgets what it held) when more than `maxBytes` wait unread. */
  append(chunk: Uint8Array): void {
    if (this.#size + chunk.length > this.maxBytes) {
      this.clear();
      // The SDK's wording, which `Upstream` recognizes.
      throw new Error(`ReadBuffer exceeded maximum size of ${this.maxBytes} bytes`);
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  /** The next whole message, or null until its newline arrives. */
  readMessage(): Message | null {
    for (let i = this.#searched; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i]!;
      const at = chunk.indexOf(NEWLINE);
      if (at === -1) {
        this.#searched = i + 1;
        continue;
      }
      this.#searched = 0;
      const parts = [...this.#chunks.slice(0, i), chunk.subarray(0, at)];
      const rest = chunk.subarray(at + 1);
      this.#chunks = rest.length > 0
        ? [rest, ...this.#chunks.slice(i + 1)]
        : this.#chunks.slice(i + 1);
      const length = parts.reduce((sum, part) => sum + part.length, 0);
      this.#size -= length + 1;
      const line = new TextDecoder().decode(parts.length === 1 ? parts[0] : join(parts, length));
      return deserializeMessage(line.replace(/\r$/, ""));
    }
    return null;
  }

  clear(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#searched = 0;
  }
}

function join(parts: Uint8Array[], length: number): Uint8Array {
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

/**
 * Puts a {@linkcode LineBuffer} of `maxBytes` in place of an SDK stdio transport's own read
 * buffer (client or server side), and returns the transport. The SDK keeps it in an internal
 * field: if a later version renames it, its own buffer stays and only speed is lost.
 */
export function withLineBuffer<T extends object>(transport: T, maxBytes: number): T {
  const internal = transport as unknown as { _readBuffer?: unknown };
  if (internal._readBuffer !== undefined) internal._readBuffer = new LineBuffer(maxBytes);
  return transport;
}
