/**
 * Which refreshes the live catalog takes: not one that yields no entries, and not one that
 * loses more than half of the source's own last refresh (of 20 entries or more), which a
 * partial checkout or a broken upstream explains better than half a catalog vanishing.
 *
 * @module
 */
import type { SourceSnapshot } from "../sources/source.ts";

/**
 * Throws, saying why, when `result` is not to be taken. `before` is how many entries the
 * source's own last refresh had (0 when there is none to compare with: the snapshot is served,
 * the source moved, or it is the user's own files, which shrink when the user says so).
 */
export function checkRefreshResult(result: SourceSnapshot, { before }: { before: number }): void {
  if (result.entries.length === 0) {
    throw new Error(
      `the source yielded no entries${result.errors.length ? ` (${result.errors[0]})` : ""}`,
    );
  }
  if (before >= 20 && result.entries.length < before / 2) {
    throw new Error(
      `the source yielded ${result.entries.length} entries where it had ${before}; a ` +
        "partial checkout or a broken upstream is likelier than half the catalog vanishing, " +
        "so the refresh was not taken",
    );
  }
}
