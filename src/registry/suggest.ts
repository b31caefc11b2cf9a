/**
 * "Did you mean": the closest strings to a misspelt one.
 *
 * @module
 */

/** Up to `limit` candidates nearest to `word` (names it begins first, then by edit distance). */
export function closest(word: string, candidates: readonly string[], limit = 3): string[] {
  const maxDistance = Math.max(2, Math.floor(word.length / 3));
  return candidates
    .map((c) => ({
      c,
      // What was typed may be the start of a name; a name that is only the start of what was
      // typed ("git" for "github-offical") is no better than its edit distance says.
      d: c.startsWith(word) ? 0 : editDistance(word, c, maxDistance),
    }))
    .filter(({ d }) => d <= maxDistance)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map(({ c }) => c);
}

/** Levenshtein distance, giving up (returning `max + 1`) once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      rowMin = Math.min(rowMin, current[j]!);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}
