/**
 * One running MCP server we are a client of: the SDK `Client` over the server's stdio (attached
 * over podman's API service, or a `podman run -i ...` child), its tools, and the tail of its
 * stderr for error messages.
 *
 * @module
 */
import { secretMasker } from "../util/mask.ts";
import { ToolListChangedNotificationSchema } from "../mcp/sdk.ts";
import type { CallToolResult, Tool } from "../mcp/sdk.ts";
import {
  Client,
  SSEClientTransport,
  StdioClientTransport,
  StreamableHTTPClientTransport,
} from "../mcp/sdk_client.ts";
import { SafeJsonSchemaValidator } from "../mcp/safe_validator.ts";
import type { ServerStdio } from "../runtime/container_runtime.ts";
import type { RemoteSpec } from "../runtime/remote_spec.ts";
import { AttachTransport } from "./_attach_transport.ts";
import { MAX_MESSAGE_BYTES, withLineBuffer } from "./_line_buffer.ts";
import { type NumberedLine, outputExcerpt } from "./_output_excerpt.ts";
import { VERSION } from "../util/version.ts";

/** How many of a child's first stderr lines are kept beside the last ones. */
const HEAD_LINES = 30;

/**
 * The first and the last lines a child wrote to stderr, bounded in lines and bytes, secrets
 * masked: the first hold the error of a server that fails at start (see `outputExcerpt()`).
 */
export class RingBuffer {
  readonly #lines: string[] = [];
  readonly #head: string[] = [];
  #count = 0;
  #partial = "";
  readonly #mask: (text: string) => string;

  constructor(readonly maxLines = 50, readonly maxLineLength = 500, redact: string[] = []) {
    this.#mask = secretMasker(redact);
  }

  /** Adds a chunk of text; lines are split on newlines, masked whole, then shortened. */
  push(chunk: string) {
    const parts = (this.#partial + chunk).split("\n");
    // Kept whole (up to 64 KiB) until its newline, so a secret is never cut before masking.
    this.#partial = (parts.pop() ?? "").slice(-65_536);
    for (const line of parts) {
      const shown = this.#mask(line).slice(0, this.maxLineLength);
      if (this.#head.length < HEAD_LINES) this.#head.push(shown);
      this.#count++;
      this.#lines.push(shown);
      if (this.#lines.length > this.maxLines) this.#lines.shift();
    }
  }

  /** The lines that say what went wrong (see `outputExcerpt()`), as one text. */
  excerpt(max = 10): string {
    const numbered: NumberedLine[] = this.#head.map((text, n) => ({ n, text }));
    const start = this.#count - this.#lines.length;
    this.#lines.forEach((text, i) => {
      if (start + i >= this.#head.length) numbered.push({ n: start + i, text });
    });
    if (this.#partial) {
      numbered.push({
        n: this.#count,
        text: this.#mask(this.#partial).slice(0, this.maxLineLength),
      });
    }
    return outputExcerpt(numbered, max).join("\n");
  }

  /** The last `n` lines, oldest first. */
  tail(n = this.maxLines): string[] {
    const all = this.#partial
      ? [...this.#lines, this.#mask(this.#partial).slice(0, this.maxLineLength)]
      : [...this.#lines];
    return all.slice(-n);
  }
}

/**
 * What the pool of active servers needs of a running server: an MCP client of a child or a
 * remote (`Upstream`), or the per-call containers of a `poci` entry (`PociServer`).
 */
export interface ServerConnection {
  readonly tools: Tool[];
  readonly running: boolean;
  /** The last lines it wrote to stderr, secrets masked. */
  readonly stderr: { tail(n?: number): string[] };
  describeExit(): string;
  callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<CallToolResult>;
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How to start the child process. */
export interface UpstreamCommand {
  command: string;
  args: string[];
  /** The whole environment of the child (nothing else is inherited). */
  env: Record<string, string>;
}

/** Options for {@linkcode Upstream.start}. */
export interface UpstreamOptions {
  /** Who this is, for error messages (the catalog id). */
  id: string;
  /** A local process to run (a container), or a remote server to connect to. */
  command?: UpstreamCommand;
  /**
   * Starts the container and attaches to its stdio (`ContainerRuntime.attachServer`); when it
   * gives null, `command` runs instead.
   */
  attach?: () => Promise<ServerStdio | null>;
  remote?: RemoteSpec;
  /** Time allowed for start and initialize. @default 60_000 */
  startTimeoutMs?: number;
  /** Called after the child's tool list changed and was listed again. */
  onToolsChanged?: (tools: Tool[]) => void;
  /** Called once when the child exits or the connection breaks. */
  onExit?: (reason: string) => void;
  /** Values (secrets) to mask wherever the child's output is shown. */
  redact?: string[];
}

/** A connected child MCP server. */
export class Upstream implements ServerConnection {
  readonly id: string;
  readonly stderr: RingBuffer;
  readonly startedAt = new Date();
  #client: Client;
  #tools: Tool[] = [];
  #exited: string | null = null;
  #closing = false;
  #oversized = false;

  private constructor(id: string, client: Client, redact: string[]) {
    this.id = id;
    this.stderr = new RingBuffer(50, 500, redact);
    this.#client = client;
  }

  /** Starts the child (or connects to the remote server), initializes it and lists its tools. */
  static async start(options: UpstreamOptions): Promise<Upstream> {
    const { id, command, attach, remote, startTimeoutMs = 60_000, onToolsChanged, onExit } =
      options;
    const redact = options.redact ?? [];
    const upstream = new Upstream(id, Upstream.#newClient(), redact);
    const wire = (client: Client) => {
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
        try {
          await upstream.#listTools();
          onToolsChanged?.(upstream.tools);
        } catch {
          // The child went away meanwhile; onclose reports it.
        }
      });
    };
    try {
      const stdio = await attach?.() ?? null;
      if (stdio) {
        const transport = new AttachTransport(stdio, MAX_MESSAGE_BYTES, (text) => {
          upstream.stderr.push(text);
        });
        wire(upstream.#client);
        await upstream.#client.connect(transport, { timeout: startTimeoutMs });
      } else if (command) {
        // The SDK's read buffer costs the square of a message's length (see _line_buffer.ts).
        const transport = withLineBuffer(
          new StdioClientTransport({
            command: command.command,
            args: command.args,
            env: command.env,
            stderr: "pipe",
            maxBufferSize: MAX_MESSAGE_BYTES,
          }),
          MAX_MESSAGE_BYTES,
        );
        // Drain stderr from the first byte: a chatty server must never block on a full pipe.
        transport.stderr?.on("data", (chunk: Uint8Array | string) => {
          upstream.stderr.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
        });
        wire(upstream.#client);
        await upstream.#client.connect(transport, { timeout: startTimeoutMs });
      } else if (remote) {
        await upstream.#connectRemote(remote, startTimeoutMs, wire);
      } else {
        throw new TypeError("Upstream.start needs a command or a remote");
      }
      // Watched only once connected: a failed attempt (say Streamable HTTP before the SSE
      // fallback) closes its client, and that is not the server's end.
      upstream.#client.onerror = (error) => {
        if (/ReadBuffer exceeded/.test(String(error))) upstream.#oversized = true;
      };
      upstream.#client.onclose = () => {
        if (upstream.#exited === null) {
          upstream.#exited = upstream.#closing
            ? "stopped"
            : upstream.#oversized
            ? `it sent a message over ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB, the most the ` +
              "registry reads from a server, so it was stopped"
            : "the server exited";
          if (!upstream.#closing) onExit?.(upstream.describeExit());
        }
      };
      await upstream.#listTools(startTimeoutMs);
    } catch (error) {
      await upstream.close();
      const tail = upstream.stderr.excerpt();
      throw new Error(
        `${id} did not start: ${(error as Error).message}${tail ? `\nIts output:\n${tail}` : ""}`,
      );
    }
    return upstream;
  }

  static #newClient(): Client {
    // The SDK checks a tool's result against its `outputSchema`; the child's patterns run on
    // RE2 so that none can freeze the registry, and one RE2 cannot run is skipped.
    const jsonSchemaValidator = new SafeJsonSchemaValidator({ uncheckable: "skip" });
    return new Client({ name: "mcp-registry", version: VERSION }, {
      capabilities: {},
      jsonSchemaValidator,
    });
  }

  /**
   * Streamable HTTP first; a server that refuses it with an HTTP 4xx (an older, SSE-only
   * server) is tried again over SSE, as the MCP SDK documents for backwards compatibility.
   * Redirects to other origins are not followed, so headers (keys) never leave for another host.
   */
  async #connectRemote(remote: RemoteSpec, timeoutMs: number, wire: (c: Client) => void) {
    const requestInit = { headers: remote.headers };
    if (remote.transport === "streamable-http") {
      try {
        wire(this.#client);
        await this.#client.connect(
          new StreamableHTTPClientTransport(remote.url, {
            requestInit,
            redirectPolicy: "same-origin",
          }),
          { timeout: timeoutMs },
        );
        return;
      } catch (error) {
        // An older server answers the Streamable HTTP POST with 4xx (404, 405, 400).
        const code = (error as { code?: unknown }).code;
        const refused = typeof code === "number"
          ? code >= 400 && code < 500 && code !== 401 &&
            code !== 403
          : /\b(400|404|405)\b|not found|method not allowed/i.test(String(error));
        if (!refused) throw describeRemoteError(remote, error);
        await this.#client.close().catch(() => {});
        this.#client = Upstream.#newClient();
      }
    }
    wire(this.#client);
    try {
      await this.#client.connect(
        new SSEClientTransport(remote.url, { requestInit, redirectPolicy: "same-origin" }),
        { timeout: timeoutMs },
      );
    } catch (error) {
      throw describeRemoteError(remote, error);
    }
  }

  /** The tools the child offers, as it last listed them. */
  get tools(): Tool[] {
    return this.#tools;
  }

  /** True while the child runs and the connection holds. */
  get running(): boolean {
    return this.#exited === null;
  }

  /** Why the child is gone, with its last output; empty while it runs. */
  describeExit(): string {
    if (this.#exited === null) return "";
    const tail = this.stderr.excerpt(8);
    return `${this.#exited}${tail ? `; its output:\n${tail}` : ""}`;
  }

  /** Calls a tool and returns the child's result unchanged. */
  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs = 120_000,
  ): Promise<CallToolResult> {
    if (this.#exited !== null) {
      throw new Error(`${this.id} is not running (${this.describeExit()})`);
    }
    try {
      return await this.#client.callTool(
        { name, arguments: args },
        undefined,
        { timeout: timeoutMs, resetTimeoutOnProgress: true },
      ) as CallToolResult;
    } catch (error) {
      // "Connection closed" says less than why it closed.
      if (this.#exited !== null) throw new Error(`${this.id}: ${this.describeExit()}`);
      throw error;
    }
  }

  /** True when the child answers a ping within `timeoutMs`. */
  async ping(timeoutMs = 5_000): Promise<boolean> {
    if (this.#exited !== null) return false;
    try {
      await this.#client.ping({ timeout: timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Closes stdin, then SIGTERM, then SIGKILL, 2 s apart (the SDK transport's escalation); an
   * attached server gets 2 s after the end of its input, then its connection is dropped (the
   * pool removes its container).
   */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#client.close().catch(() => {});
    this.#exited ??= "stopped";
  }

  async #listTools(timeoutMs = 60_000) {
    const tools: Tool[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    // A child that pages forever (or in circles) gets 100 pages and no more.
    for (let page = 0; page < 100; page++) {
      const result = await this.#client.listTools(cursor ? { cursor } : {}, { timeout: timeoutMs });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor || seen.has(cursor) || tools.length >= 10_000) break;
      seen.add(cursor);
    }
    this.#tools = tools;
  }
}

/** Says what went wrong with a remote server in terms a user can act on; never shows headers. */
function describeRemoteError(remote: RemoteSpec, error: unknown): Error {
  const text = String((error as Error)?.message ?? error);
  const where = `${remote.url.origin}${remote.url.pathname}`;
  if (/\b401\b|\b403\b|unauthorized|forbidden/i.test(text)) {
    return new Error(
      `${where} refused the credentials (${text.slice(0, 200)}); check the key with ` +
        "registry-config-set",
    );
  }
  if (
    /ECONNREFUSED|Connection refused|error sending request|fetch failed|dns|lookup|network/i.test(
      text,
    )
  ) {
    return new Error(`cannot reach ${where}: ${text.slice(0, 200)}`);
  }
  return new Error(`${where}: ${text.slice(0, 300)}`);
}
