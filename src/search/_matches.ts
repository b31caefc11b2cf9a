/**
 * The ranking's scratch: matched entries in flat arrays, and a cheap top-k.
 *
 * @module
 */

/** The entries a query matched so far, a slot each, in flat arrays that grow as needed. */
export class Matches {
  count = 0;
  entryAt = new Int32Array(256);
  /** BM25 summed over terms and fields; the final score once ranked. */
  score = new Float64Array(256);
  /** How many of the query's distinct terms matched. */
  matched = new Uint8Array(256);
  /** The last term counted in `matched`. */
  lastTerm = new Int16Array(256).fill(-1);
  /** The groups (bits) whose typed word the entry's name holds. */
  named = new Uint32Array(256);
  /** Per slot and group: the best term weight x how telling the field it matched in is. */
  cover: Float32Array;

  constructor(readonly groups: number) {
    this.cover = new Float32Array(256 * groups);
  }

  /** A slot for entry `i`. */
  add(i: number): number {
    if (this.count === this.entryAt.length) this.#grow();
    this.entryAt[this.count] = i;
    return this.count++;
  }

  #grow(): void {
    const size = this.entryAt.length * 2;
    const grown = <A extends TypedArray>(a: A, length: number): A => {
      const b = new (a.constructor as new (n: number) => A)(length);
      b.set(a);
      return b;
    };
    this.entryAt = grown(this.entryAt, size);
    this.score = grown(this.score, size);
    this.matched = grown(this.matched, size);
    this.lastTerm = grown(this.lastTerm, size).fill(-1, size / 2);
    this.named = grown(this.named, size);
    this.cover = grown(this.cover, size * this.groups);
  }
}

type TypedArray = Int32Array | Float64Array | Uint8Array | Int16Array | Uint32Array | Float32Array;

/** The `k` smallest items by `compare`, sorted; one pass, cheap for small `k`. */
export function topK<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  for (const item of items) {
    if (best.length === k && compare(item, best[k - 1]!) >= 0) continue;
    let at = best.length;
    while (at > 0 && compare(item, best[at - 1]!) < 0) at--;
    best.splice(at, 0, item);
    if (best.length > k) best.pop();
  }
  return best;
}
