/**
 * Typo lookups over the sorted terms of an index: which terms are within a few edits of a word,
 * found by walking the terms as a trie (see {@linkcode nearTerms}).
 *
 * @module
 */

/**
 * The terms of sorted `terms` within `max` edits (Levenshtein) of `word`, with their distance.
 * Walks the terms as a trie: the edit-distance rows of a prefix are kept for the next term that
 * shares it, once every cell of a prefix's row is over `max` all terms with that prefix are
 * skipped at once (as MiniSearch's radix tree prunes), and a term whose length is too far off
 * is not computed at all.
 */
export function nearTerms(terms: readonly string[], word: string, max: number): [number, number][] {
  const found: [number, number][] = [];
  const width = word.length + 1;
  // Row k: the distances of word's prefixes to the first k characters of `previous`.
  let rows = new Int32Array(width * 32);
  for (let j = 0; j < width; j++) rows[j] = j;
  let previous = "";
  /** How many rows of `previous` hold its first characters' distances. */
  let valid = 0;
  let id = 0;
  while (id < terms.length) {
    const term = terms[id]!;
    if (Math.abs(term.length - word.length) > max) {
      id++;
      continue;
    }
    if ((term.length + 1) * width > rows.length) {
      const grown = new Int32Array((term.length + 1) * width * 2);
      grown.set(rows);
      rows = grown;
    }
    let shared = 0;
    const limit = Math.min(valid, term.length);
    while (shared < limit && previous.charCodeAt(shared) === term.charCodeAt(shared)) shared++;
    let pruned = 0;
    for (let k = shared + 1; k <= term.length; k++) {
      const c = term.charCodeAt(k - 1);
      const row = k * width;
      const above = row - width;
      rows[row] = k;
      let best = k;
      for (let j = 1; j < width; j++) {
        let value = rows[above + j - 1]! + (word.charCodeAt(j - 1) === c ? 0 : 1);
        if (rows[above + j]! + 1 < value) value = rows[above + j]! + 1;
        if (rows[row + j - 1]! + 1 < value) value = rows[row + j - 1]! + 1;
        rows[row + j] = value;
        if (value < best) best = value;
      }
      if (best > max) {
        pruned = k;
        break;
      }
    }
    previous = term;
    if (pruned) {
      // No term that begins with these `pruned` characters can come within `max` edits.
      valid = pruned;
      id++;
      while (id < terms.length && startsAlike(terms[id]!, term, pruned)) id++;
      continue;
    }
    valid = term.length;
    const distance = rows[term.length * width + word.length]!;
    if (distance <= max) found.push([id, distance]);
    id++;
  }
  return found;
}

/** True when `a` and `b` have the same first `n` characters (both at least that long). */
function startsAlike(a: string, b: string, n: number): boolean {
  if (a.length < n) return false;
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}
