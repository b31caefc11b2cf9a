/**
 * What the MCP tools, the CLI's shared helpers and the web page work with: the context every
 * registry tool gets, and a running registry as `app.ts` builds it.
 *
 * @module
 */
import type { Server } from "../mcp/sdk.ts";
import type { ActiveServers } from "../proxy/active_servers.ts";
import type { SourceName } from "../sources/source.ts";
import type { BuildSettings } from "../config.ts";
import type { ConfigStore } from "../store/config_store.ts";
import type { RunMarkStore } from "../store/run_marks.ts";
import type { RunPlanStore } from "../store/run_plans.ts";
import type { Logger } from "../util/log.ts";
import type { Catalog } from "./catalog.ts";

/** What every tool handler can reach. */
export interface ToolContext {
  catalog: Catalog;
  version: string;
  startedAt: Date;
  cacheDir: string;
  refreshIntervalHours: number;
  active: ActiveServers;
  configs: ConfigStore;
  /** Every source name there is, on or off (to tell "off" from "no such source"). */
  allSources?: readonly SourceName[];
  /** The host folders containers may mount now (approved by a person). */
  allowedPaths?: () => Promise<string[]>;
  /** How active servers' tools are listed (`MCP_REGISTRY_TOOL_SCHEMAS`). @default "full" */
  toolSchemas?: "full" | "lazy";
  /** What running each server taught (verified, failed). */
  runMarks?: RunMarkStore;
  /** How servers that run from their repository were resolved. */
  runPlans?: RunPlanStore;
  /** Builds from source: base images, package registries, limits. */
  build?: BuildSettings;
}

/** A running registry: its MCP server, catalog and what must be closed at the end. */
export interface Registry extends AsyncDisposable {
  /** The first MCP server (what a stdio transport connects to). */
  server: Server;
  /**
   * Another MCP server over the same catalog and active servers, for one more client session
   * (HTTP). Every server made here hears of tool-list changes; closing it forgets it.
   */
  newServer(): Server;
  catalog: Catalog;
  active: ActiveServers;
  /** Resolves when the catalog is loaded (from cache or snapshot). */
  ready: Promise<void>;
  /** Resolves when the servers active before the last stop have been started again. */
  restored: Promise<void>;
  /** Resolves when the background refresh started at start-up has ended. */
  refreshed: Promise<void>;
  /** The minute of each hour at which the first source is checked (`catalog.checkMinuteOf`). */
  checkMinute: number;
  /** How many tool calls are being answered now. */
  inFlight: () => number;
  /** What every registry tool works with (the web page calls the same tools). */
  context: ToolContext;
  /**
   * Calls `listener` whenever the active servers change (added, removed, started, their tools);
   * returns the function that stops it.
   */
  onChange(listener: () => void): () => void;
  log: Logger;
}
