/**
 * The Deno check of `mcp-registry doctor`.
 *
 * @module
 */
import type { CheckResult } from "./check.ts";

/** Options for {@linkcode checkDeno}. */
export interface CheckDenoOptions {
  /** @default Deno.version.deno */
  version?: string;
}

/** Deno 2 runs the registry; it is built and tested with 2.9. */
export function checkDeno(options: CheckDenoOptions = {}): CheckResult {
  const { version = Deno.version.deno } = options;
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < 2) {
    return {
      check: "deno",
      status: "failed",
      detail: `Deno ${version}: the registry needs Deno 2`,
      fix: "deno upgrade (or install Deno 2: npm install -g deno)",
    };
  }
  if (major === 2 && minor < 9) {
    return {
      check: "deno",
      status: "warning",
      detail: `Deno ${version}: the registry is tested with 2.9`,
      fix: "deno upgrade",
    };
  }
  return { check: "deno", status: "ok", detail: `Deno ${version}` };
}
