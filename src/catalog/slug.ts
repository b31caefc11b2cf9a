/**
 * Deterministic ids for catalog entries.
 *
 * @module
 */

/**
 * Turns a server name into an id: lowercase ASCII letters, digits and single dashes.
 *
 * @example `slugify("osp_marketing_tools")` is `"osp-marketing-tools"`.
 */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.length > 0 ? slug.slice(0, 120).replace(/-+$/, "") : "server";
}

/**
 * Gives every name a unique id. Names are taken in sorted order so that the same set of names
 * always yields the same ids; a clash gets `-2`, `-3`, ... in that order.
 */
export function assignIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of [...new Set(names)].sort()) {
    const base = slugify(name);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    ids.set(name, id);
  }
  return ids;
}
