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
 * Gives every name a unique id, the same for the same set of names whatever their order.
 *
 * A name that is already its own slug (`my-db`) always gets it. Every other name gets its slug
 * when that is free; only a true clash gets `-2`, `-3`, ... in sorted-name order. So adding an
 * upstream `My_DB` never renames an existing `my-db`.
 *
 * @example `assignIds(["my-db", "My_DB"])` maps `my-db` to `"my-db"` and `My_DB` to `"my-db-2"`.
 */
export function assignIds(names: readonly string[]): Map<string, string> {
  const sorted = [...new Set(names)].sort();
  // Bare slugs first: they are unique among themselves, since the names are.
  const bare = new Map(sorted.filter((name) => slugify(name) === name).map((n) => [n, n]));
  return assignIdsAround(sorted, bare);
}

/**
 * Gives every name the ids in `fixed` do not cover its slug when that is free, and otherwise the
 * slug with the first free `-2`, `-3`, ... in sorted-name order, around the ids `fixed` gives
 * (which must be unique). The same for the same names, whatever their order.
 *
 * @example `assignIdsAround(["a/b", "a-b"], new Map([["a/b", "b"]]))` maps `a-b` to `"a-b"`.
 */
export function assignIdsAround(
  names: readonly string[],
  fixed: ReadonlyMap<string, string>,
): Map<string, string> {
  const ids = new Map(fixed);
  const taken = new Set(ids.values());
  for (const name of [...new Set(names)].sort()) {
    if (ids.has(name)) continue;
    const base = slugify(name);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    ids.set(name, id);
  }
  return ids;
}
