/**
 * The SDK's `Transport` over a server's attached stdio (`ContainerRuntime.attachServer()`):
 * what the SDK's stdio transport does over a child's pipes, over podman's attach stream
 * instead. Messages are read with the registry's {@linkcode LineBuffer} (the SDK's
 * `deserializeMessage` per line, bounded in size) and written with the SDK's
 * `serializeMessage`; nothing here parses JSON-RPC itself.
 *
 * @module
 */
import { serializeMessage } from "../mcp/sdk.ts";
import type { JSONRPCMessage, Transport } from "../mcp/sdk_client.ts";
import type { ServerStdio } from "../runtime/container_runtime.ts";
import { LineBuffer } from "./_line_buffer.ts";

/** How long `close()` waits for the server to exit on the end of its input. */
const CLOSE_GRACE_MS = 2_000;

/** An MCP client transport over attached stdio. */
export class AttachTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  readonly #stdio: ServerStdio;
  readonly #buffer: LineBuffer;
  readonly #onStderr: (text: string) => void;
  #reading: Promise<void> | null = null;
  #ended = false;

  /** `onStderr` hears the server's stderr as text from the first byte (it is always drained). */
  constructor(stdio: ServerStdio, maxMessageBytes: number, onStderr: (text: string) => void) {
    this.#stdio = stdio;
    this.#buffer = new LineBuffer(maxMessageBytes);
    this.#onStderr = onStderr;
    void this.#drainStderr();
  }

  start(): Promise<void> {
    if (this.#reading) throw new Error("AttachTransport already started");
    this.#reading = this.#read();
    return Promise.resolve();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#ended) throw new Error("Not connected");
    await this.#stdio.write(new TextEncoder().encode(serializeMessage(message)));
  }

  /** Ends the server's input, waits up to 2 s for it to exit, then drops the connection. */
  async close(): Promise<void> {
    if (!this.#ended) {
      await this.#stdio.endInput().catch(() => {});
      const reading = this.#reading ?? Promise.resolve();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        reading,
        new Promise<void>((r) => timer = setTimeout(r, CLOSE_GRACE_MS)),
      ]);
      clearTimeout(timer);
    }
    this.#stdio.abort();
    await this.#reading;
    this.#end();
  }

  async #read() {
    try {
      for await (const chunk of this.#stdio.stdout) {
        try {
          this.#buffer.append(chunk);
        } catch (error) {
          // Over the most a message may take: its stream cannot be read on from the middle.
          this.onerror?.(error as Error);
          this.#stdio.abort();
          break;
        }
        this.#deliver();
      }
    } catch (error) {
      this.onerror?.(error as Error);
    }
    this.#end();
  }

  /** Passes on each whole message; a line that is no JSON-RPC is reported and skipped. */
  #deliver() {
    while (!this.#ended) {
      let message: JSONRPCMessage | null;
      try {
        message = this.#buffer.readMessage();
      } catch (error) {
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  async #drainStderr() {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of this.#stdio.stderr) {
        this.#onStderr(decoder.decode(chunk, { stream: true }));
      }
    } catch {
      // the connection is gone
    }
  }

  #end() {
    if (this.#ended) return;
    this.#ended = true;
    this.#buffer.clear();
    this.onclose?.();
  }
}
