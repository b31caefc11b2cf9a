/**
 * The report of `mcp-registry doctor` for people.
 *
 * @module
 */
import { textWidth, wrap } from "../_io.ts";
import type { CheckResult } from "./check.ts";

/**
 * The report for people: one line per check, the fix under each problem, a summary; wrapped to
 * `columns`.
 */
export function formatReport(results: CheckResult[], columns: number = textWidth()): string {
  const width = Math.max(...results.map((r) => r.check.length));
  const label = { ok: "ok", warning: "warning", failed: "FAILED" } as const;
  const indent = " ".repeat(9 + width + 2);
  const lines = results.flatMap((r) => [
    wrap(r.detail, {
      width: columns,
      first: `${label[r.status].padEnd(8)} ${r.check.padEnd(width)}  `,
      indent,
    }),
    ...(r.fix && r.status !== "ok"
      ? [wrap(`fix: ${r.fix}`, { width: columns, indent: `${indent}     `, first: indent })]
      : []),
  ]);
  const failed = results.filter((r) => r.status === "failed").length;
  const warned = results.filter((r) => r.status === "warning").length;
  const warnings = warned ? ` (${warned} warning${warned === 1 ? "" : "s"})` : "";
  lines.push(
    "",
    wrap(
      failed
        ? `${failed} of ${results.length} checks FAILED${warnings}: apply the fixes above and ` +
          "run mcp-registry doctor again."
        : `All ${results.length} checks passed${warnings}.`,
      { width: columns },
    ),
  );
  return lines.join("\n");
}
