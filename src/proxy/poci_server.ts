/**
 * Docker's `poci` entries: no long-lived server, but one short container per tool call (e.g.
 * `curl` runs `alpine/curl <args>`). The registry itself plays the MCP server: it lists the
 * catalog's tools, and a call fills the tool's command and volumes from the call's arguments,
 * runs the container (hardened like every other) and returns its output as the result.
 *
 * @module
 */
import type { CatalogEntry, ToolInfo } from "../catalog/entry.ts";
import type { Logger } from "../util/log.ts";
import { secretMasker } from "../util/mask.ts";
import type { CallToolResult, Tool } from "../mcp/sdk.ts";
import { checkVolumes, type LaunchSpec, qualifyImage } from "../runtime/launch_spec.ts";
import { applyMountPolicy, type LegacyVolumes, type MountPolicy } from "../runtime/mount_policy.ts";
import {
  type ContainerLimits,
  containerName,
  type ContainerRuntime,
  serverLabels,
} from "../runtime/container_runtime.ts";
import { evaluateList } from "../runtime/template.ts";
import { RingBuffer, type ServerConnection } from "./upstream.ts";
import { outputExcerpt } from "./_output_excerpt.ts";

/** What a `poci` server needs to run its containers. */
export interface PociOptions {
  runtime: ContainerRuntime;
  limits: ContainerLimits;
  owner: string;
  log: Logger;
  /** What the call's containers may mount, read before each call. */
  mountPolicy: () => Promise<MountPolicy>;
  /** The volume made by an earlier version that this server keeps using, if any. */
  legacyVolumes?: LegacyVolumes;
  /** Stored secret values, masked wherever output leaves. */
  secrets: string[];
}

/** The biggest output a call returns; the rest is cut, with a note. */
const MAX_OUTPUT = 1_000_000;

/** A `poci` entry as a running server: its tools, run one container per call. */
export class PociServer implements ServerConnection {
  readonly tools: Tool[];
  readonly stderr: RingBuffer;
  readonly #entry: CatalogEntry;
  readonly #options: PociOptions;
  readonly #mask: (text: string) => string;
  readonly #calls = new Set<AbortController>();
  #closed = false;

  constructor(entry: CatalogEntry, options: PociOptions) {
    this.#entry = entry;
    this.#options = options;
    this.#mask = secretMasker(options.secrets);
    this.stderr = new RingBuffer(50, 500, options.secrets);
    this.tools = entry.tools.filter((t) => t.container).map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: (t.input_schema ?? { type: "object", properties: {} }) as Tool["inputSchema"],
    }));
  }

  get running(): boolean {
    return !this.#closed;
  }

  describeExit(): string {
    return this.#closed ? "removed" : "";
  }

  ping(): Promise<boolean> {
    return Promise.resolve(!this.#closed);
  }

  /** Runs the tool's container with `args`; its stdout is the result, a failure `isError`. */
  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs = 120_000,
  ): Promise<CallToolResult> {
    if (this.#closed) throw new Error(`${this.#entry.id} is not running (removed)`);
    const tool = this.#entry.tools.find((t) => t.name === name && t.container);
    if (!tool?.container) return failure(`${this.#entry.id} has no tool "${name}"`);
    const problem = checkArguments(tool, args);
    if (problem) return failure(`Invalid arguments for ${name}: ${problem}`);
    let spec: LaunchSpec;
    try {
      spec = await this.#spec(tool, args);
    } catch (error) {
      return failure((error as Error).message);
    }
    const { runtime, limits, owner, log } = this.#options;
    if (!(await runtime.imageExists(spec.image))) {
      log.info("pulling image", { server: this.#entry.id, image: spec.image });
      await runtime.pull(spec.image);
    }
    const container = containerName(this.#entry.id);
    const run = { spec, name: container, labels: serverLabels(this.#entry.id, owner), limits };
    const abort = new AbortController();
    this.#calls.add(abort);
    const started = performance.now();
    try {
      const out = await runtime.runOnce(run, { timeoutMs, signal: abort.signal });
      this.stderr.push(out.stderr.endsWith("\n") || !out.stderr ? out.stderr : `${out.stderr}\n`);
      log.debug("poci call", {
        server: this.#entry.id,
        tool: name,
        code: out.code,
        ms: Math.round(performance.now() - started),
      });
      const stdout = this.#mask(cut(out.stdout));
      if (out.code === 0) return { content: [{ type: "text", text: stdout || "(no output)" }] };
      const why = out.code === -1 ? "was stopped (timeout or removal)" : `exited ${out.code}`;
      const lines = out.stderr.trim().split("\n").map((text, n) => ({ n, text }));
      const tail = this.#mask(outputExcerpt(lines, 10).join("\n"));
      return failure(
        `${name} ${why}${stdout ? `\nstdout:\n${stdout}` : ""}${tail ? `\nstderr:\n${tail}` : ""}`,
      );
    } catch (error) {
      return failure(`${name} did not run: ${this.#mask((error as Error).message)}`);
    } finally {
      this.#calls.delete(abort);
      await runtime.remove([container]).catch(() => {}); // --rm, unless podman was killed
    }
  }

  /** Stops calls under way (their containers are removed). */
  close(): Promise<void> {
    this.#closed = true;
    for (const call of this.#calls) call.abort();
    return Promise.resolve();
  }

  /**
   * The container of one call: the tool's templates filled from the call's arguments (what a
   * prompt-injected agent may choose), then held to the same mount policy as any container.
   */
  async #spec(tool: ToolInfo, args: Record<string, unknown>): Promise<LaunchSpec> {
    const container = tool.container!;
    // The catalog writes `{{args|into}}` for the call's own arguments.
    const call = (text: string) => text.replace(/\{\{\s*/g, "{{call.");
    const templates = { call: args };
    const id = this.#entry.id;
    const policy = await this.#options.mountPolicy();
    const spec: LaunchSpec = {
      image: qualifyImage(container.image),
      command: evaluateList(container.command.map(call), templates),
      env: {},
      volumes: checkVolumes(
        evaluateList(container.volumes.map(call), templates),
        { id },
        policy.home,
      ),
      disableNetwork: this.#entry.run.disable_network,
      user: null,
    };
    await applyMountPolicy(spec, {
      serverId: id,
      policy,
      ...(this.#options.legacyVolumes ? { legacy: this.#options.legacyVolumes } : {}),
      log: (message, fields) => this.#options.log.info(message, fields),
    });
    return spec;
  }
}

function failure(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

function cut(text: string): string {
  return text.length <= MAX_OUTPUT
    ? text
    : `${text.slice(0, MAX_OUTPUT)}\n[cut: ${text.length - MAX_OUTPUT} more characters]`;
}

/**
 * Null when `args` gives every required property with a plain value (text, number, boolean or
 * a list of them: what a command line can carry); else what is wrong.
 */
function checkArguments(tool: ToolInfo, args: Record<string, unknown>): string | null {
  const schema = tool.input_schema ?? {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const missing = required.filter((key) => args[key] === undefined || args[key] === null);
  if (missing.length) return `missing ${missing.map((k) => `"${k}"`).join(", ")}`;
  const plain = (v: unknown) => ["string", "number", "boolean"].includes(typeof v);
  for (const [key, value] of Object.entries(args)) {
    if (!(plain(value) || (Array.isArray(value) && value.every(plain)))) {
      return `"${key}" must be text, a number, a boolean or a list of them`;
    }
  }
  return null;
}
