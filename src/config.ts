/**
 * The registry's settings, read from environment variables once at start.
 *
 * @module
 */
import { LOG_LEVELS, type LogLevel } from "./log.ts";
import { DOCKER_REGISTRY_URL } from "./sources/docker_registry.ts";

/** Every setting, with its default filled in. */
export interface RegistryConfig {
  /** `MCP_REGISTRY_CACHE_DIR`: the Kv catalog cache. @default $XDG_CACHE_HOME/mcp-registry */
  cacheDir: string;
  /** `MCP_REGISTRY_SOURCES_DIR`: clones of git sources. @default <cacheDir>/sources */
  sourcesDir: string;
  /** `MCP_REGISTRY_REFRESH_INTERVAL`: hours between refreshes of a source. @default 24 */
  refreshIntervalHours: number;
  /** `MCP_REGISTRY_DOCKER_REPO`: git URL or path of the Docker MCP registry. */
  dockerRepo: string;
  /** `MCP_REGISTRY_LOG_LEVEL`. @default "info" */
  logLevel: LogLevel;
}

/** Reads the settings; a bad value is a `RangeError` naming the variable and the fix. */
export function readConfig(env: Record<string, string | undefined>): RegistryConfig {
  const home = env.HOME ?? env.USERPROFILE;
  const cacheBase = env.XDG_CACHE_HOME || (home ? `${home}/.cache` : undefined);
  const cacheDir = nonEmpty(env.MCP_REGISTRY_CACHE_DIR) ??
    (cacheBase ? `${cacheBase}/mcp-registry` : undefined);
  if (!cacheDir) {
    throw new RangeError("Cannot choose a cache directory: set MCP_REGISTRY_CACHE_DIR or HOME");
  }
  const interval = nonEmpty(env.MCP_REGISTRY_REFRESH_INTERVAL) ?? "24";
  const hours = Number(interval);
  if (!Number.isFinite(hours) || hours < 0 || hours > 24 * 365) {
    throw new RangeError(
      `MCP_REGISTRY_REFRESH_INTERVAL is "${interval}": give the hours between refreshes as a ` +
        "number from 0 to 8760 (default 24)",
    );
  }
  const level = (nonEmpty(env.MCP_REGISTRY_LOG_LEVEL) ?? "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(
      `MCP_REGISTRY_LOG_LEVEL is "${level}": use one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  return {
    cacheDir,
    sourcesDir: nonEmpty(env.MCP_REGISTRY_SOURCES_DIR) ?? `${cacheDir}/sources`,
    refreshIntervalHours: hours,
    dockerRepo: nonEmpty(env.MCP_REGISTRY_DOCKER_REPO) ?? DOCKER_REGISTRY_URL,
    logLevel: level as LogLevel,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}
