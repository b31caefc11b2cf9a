/**
 * What every check of `mcp-registry doctor` returns.
 *
 * @module
 */

/** How a check went: a warning does not make `doctor` fail. */
export type CheckStatus = "ok" | "warning" | "failed";

/** The outcome of one check. */
export interface CheckResult {
  /** What was checked, e.g. `podman` or `source docker`. */
  check: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a warning or failure. */
  fix?: string;
}
