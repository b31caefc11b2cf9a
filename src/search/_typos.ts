/**
 * Misspelt query words: the catalog's own words (as written, before stemming) within a small
 * edit distance. Comparing written forms finds `postgress` -> `postgres`, which the stems
 * (`postgr`) are too far from.
 *
 * @module
 */

/**
 * The catalog's words by length and first letter (`"8s"`), each followed by its processed term:
 * `[word, term, word, term, ...]` (one flat list, not 4,000 pairs; a term equal to its word is
 * the same string). Misspellings rarely change the first letter, and looking only at words that
 * share it keeps a correction cheap.
 */
export type WordsByLength = Map<string, string[]>;

/**
 * `stored` (the buckets as stored) as {@linkcode WordsByLength}; null unless each bucket is a
 * list of strings in word and term pairs (an older or foreign value).
 */
export function wordsFrom(stored: unknown): WordsByLength | null {
  if (!Array.isArray(stored)) return null;
  const words: WordsByLength = new Map();
  for (const bucket of stored) {
    if (!Array.isArray(bucket) || typeof bucket[0] !== "string") return null;
    const list = bucket[1];
    if (!Array.isArray(list) || list.length % 2 || !list.every((w) => typeof w === "string")) {
      return null;
    }
    // Parsed JSON makes each string anew: a term equal to its word is kept once.
    for (let k = 0; k < list.length; k += 2) if (list[k + 1] === list[k]) list[k + 1] = list[k]!;
    words.set(bucket[0], list);
  }
  return words;
}

/** The key of `word`'s bucket in {@linkcode WordsByLength}. */
export function bucketOf(word: string, length = word.length): string {
  return `${length}${word[0]}`;
}

/**
 * The processed terms of the catalog words closest to `word` (lowercase) that begin with its
 * letter: one edit from 5 letters on, two from 8. Empty when none is that close.
 */
export function closeWords(word: string, words: WordsByLength): string[] {
  const max = word.length >= 8 ? 2 : 1;
  let bestDistance = max + 1;
  let best: string[] = [];
  for (let length = word.length - max; length <= word.length + max; length++) {
    const list = words.get(bucketOf(word, length)) ?? [];
    for (let k = 0; k < list.length; k += 2) {
      const [candidate, term] = [list[k]!, list[k + 1]!];
      const distance = editDistance(word, candidate, Math.min(max, bestDistance));
      if (distance > max) continue;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = [term];
      } else if (distance === bestDistance && !best.includes(term)) {
        best.push(term);
      }
    }
  }
  return best.slice(0, 3);
}

/**
 * Damerau-Levenshtein distance (adjacent swaps count one) between `a` and `b`, or `max + 1`
 * as soon as it is known to exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1);
      }
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}
