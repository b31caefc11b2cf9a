/**
 * Text the registry shows that it did not write (an agent's query, an unknown id or key) must
 * not drive the terminal of whoever reads it: no escape sequences (a title change, a cleared
 * screen, a hyperlink), no carriage return that overwrites a line.
 *
 * @module
 */

/**
 * ESC sequences: CSI (`ESC [ ... final`), string commands (OSC `ESC ]`, DCS `ESC P`, SOS, PM,
 * APC) up to their terminator (BEL, `ESC \` or C1 ST) or the end of the text, and the short
 * `ESC <intermediates> final` forms. A lone ESC goes too.
 */
const ESCAPE_SEQUENCE =
  // deno-lint-ignore no-control-regex
  /\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|[\x20-\x2f]*[\x30-\x7e])?/g;
/** C0 controls but tab and newline, DEL, and C1 controls (8-bit CSI, OSC, ST...). */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** `text` without ESC sequences and control characters; tabs and newlines stay. */
export function withoutControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "");
}

/**
 * `value` with {@linkcode withoutControls} applied to every string in it (object keys too), at
 * any depth; other values are kept. Returns `value` itself when nothing changed.
 */
export function withoutControlsDeep<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === "string") return withoutControls(value);
  if (Array.isArray(value)) {
    const items = value.map(clean);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value !== null && typeof value === "object") {
    let changed = false;
    const entries = Object.entries(value).map(([key, item]) => {
      const cleanKey = withoutControls(key);
      const cleanItem = clean(item);
      if (cleanKey !== key || cleanItem !== item) changed = true;
      return [cleanKey, cleanItem];
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

/** Shortens `text` to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}
