/**
 * A stored list (a source's entries, the id memory) read back from the chunks Kv holds it in.
 *
 * @module
 */

const NEWLINE = 0x0a;

/**
 * The `count` items of a stored list: JSON lines, each parsed apart as the chunks are walked (no
 * text of the whole list, nor its bytes joined, is ever made), or one JSON array as earlier
 * versions stored it. Null when it is neither, or holds another number of items.
 */
export function parseList<T>(parts: readonly Uint8Array[], count: number): T[] | null {
  const decoder = new TextDecoder();
  const last = parts.findLast((part) => part.length > 0);
  try {
    if (last && last[last.length - 1] !== NEWLINE) { // no line ends: one array
      const list = JSON.parse(decoder.decode(concat(parts))) as T[];
      return Array.isArray(list) && list.length === count ? list : null;
    }
    const list: T[] = [];
    const carry: Uint8Array[] = []; // a line's pieces so far, cut at chunks' ends
    for (const part of parts) {
      let start = 0;
      for (let end = part.indexOf(NEWLINE); end !== -1; end = part.indexOf(NEWLINE, start)) {
        const piece = part.subarray(start, end);
        const line = carry.length ? concat([...carry.splice(0), piece]) : piece;
        if (list.length === count) return null;
        list.push(JSON.parse(decoder.decode(line)) as T);
        start = end + 1;
      }
      if (start < part.length) carry.push(part.subarray(start));
    }
    return carry.length === 0 && list.length === count ? list : null;
  } catch {
    return null;
  }
}

/** `parts` joined in one array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
