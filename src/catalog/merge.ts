/**
 * Merging the entries of several sources into one catalog: the same server found by several
 * sources becomes one entry that lists them all and takes the best of each, under an id that
 * does not change when sources come and go.
 *
 * @module
 */
import { type CatalogEntry, withId } from "./entry.ts";
import { imageKey, repoKey } from "./names.ts";
import { withRepoBuild } from "./repo_build.ts";

/** The id each source entry was given last time: member key -> id (see {@linkcode memberKey}). */
export type IdMemory = ReadonlyMap<string, string>;

/** The merged catalog and the ids to remember for next time. */
export interface MergeResult {
  entries: CatalogEntry[];
  /** Member key -> merged id, for every entry of every source. */
  ids: Map<string, string>;
}

interface Member {
  entry: CatalogEntry;
  /** Position of its source in priority order (0 wins). */
  rank: number;
  key: string;
  group: number;
}

/**
 * Merges per-source entry lists, given in priority order (the first source wins a conflict).
 *
 * Two entries are the same server when they share a repository (normalized URL plus subfolder)
 * or a container image, and that repository or image names only one entry in each source: a
 * monorepo listed once per server (github.com/awslabs/mcp) joins nothing. A group never holds
 * two entries of one source.
 *
 * Ids: an entry keeps the id remembered for it in `memory`; a new entry takes its
 * highest-priority source's id when free, then another source's, then `<id>-<source>`.
 *
 * A merged entry that names a repository and no other way to run becomes a `build` entry
 * (`repo_build.ts`), after the merge: another source's image, package or remote wins.
 */
export function mergeSources(
  lists: readonly (readonly CatalogEntry[])[],
  memory: IdMemory = new Map(),
): MergeResult {
  const members = collectMembers(lists);
  const groups = groupMembers(members);
  const ids = new Map<string, string>();
  const chosen = chooseIds(groups, memory);
  const entries = groups.map((group, i) => {
    const id = chosen[i]!;
    for (const member of group) ids.set(member.key, id);
    return withRepoBuild(combine(group, id));
  });
  return { entries, ids };
}

/** The key an entry is remembered by: its source and its name there (unique per source). */
export function memberKey(entry: Pick<CatalogEntry, "source" | "name">): string {
  return `${entry.source}\u0000${entry.name}`;
}

function collectMembers(lists: readonly (readonly CatalogEntry[])[]): Member[] {
  const members: Member[] = [];
  lists.forEach((list, rank) => {
    const seen = new Set<string>();
    for (const entry of list) {
      let key = memberKey(entry);
      if (seen.has(key)) key = `${key}\u0000${entry.id}`; // a source repeating a name
      seen.add(key);
      members.push({ entry, rank, key, group: members.length });
    }
  });
  return members;
}

/** Joins members that share a repository or image key, one member per source at most. */
function groupMembers(members: Member[]): Member[][] {
  const byKey = new Map<string, Member[]>();
  for (const member of members) {
    for (const key of matchKeys(member.entry)) {
      const list = byKey.get(key) ?? [];
      list.push(member);
      byKey.set(key, list);
    }
  }
  const parent = members.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const ranks = members.map((m) => new Set([m.rank]));
  for (const key of [...byKey.keys()].sort()) {
    const list = byKey.get(key)!;
    const perSource = new Set(list.map((m) => m.rank));
    if (perSource.size !== list.length || list.length < 2) continue; // ambiguous or alone
    for (const member of list.slice(1)) {
      const a = find(list[0]!.group);
      const b = find(member.group);
      if (a === b || [...ranks[b]!].some((r) => ranks[a]!.has(r))) continue;
      const [root, child] = a < b ? [a, b] : [b, a];
      parent[child] = root;
      for (const r of ranks[child]!) ranks[root]!.add(r);
    }
  }
  const groups = new Map<number, Member[]>();
  for (const member of members) {
    const root = find(member.group);
    const list = groups.get(root) ?? [];
    list.push(member);
    groups.set(root, list);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a.rank - b.rank));
}

function matchKeys(entry: CatalogEntry): string[] {
  const keys: string[] = [];
  if (entry.repo_url) keys.push(`repo:${repoKey(entry.repo_url, entry.repo_subfolder)}`);
  if (entry.container_image) keys.push(`image:${imageKey(entry.container_image)}`);
  return keys;
}

/** Picks one id per group: remembered ids first, so a newcomer never takes an old id. */
function chooseIds(groups: Member[][], memory: IdMemory): string[] {
  const chosen: string[] = new Array(groups.length);
  const taken = new Set<string>();
  const order = groups.map((_, i) => i).sort((a, b) => {
    const x = groups[a]![0]!;
    const y = groups[b]![0]!;
    return x.rank - y.rank || compare(x.entry.id, y.entry.id) || compare(x.key, y.key);
  });
  for (const i of order) {
    for (const member of groups[i]!) {
      const id = memory.get(member.key);
      if (id !== undefined && !taken.has(id)) {
        chosen[i] = id;
        taken.add(id);
        break;
      }
    }
  }
  for (const i of order) {
    if (chosen[i] !== undefined) continue;
    const group = groups[i]!;
    const primary = group[0]!.entry;
    const candidates = [
      ...group.map((m) => m.entry.id),
      ...group.map((m) => `${m.entry.id}-${m.entry.source}`),
    ];
    let id = candidates.find((c) => !taken.has(c));
    for (let n = 2; id === undefined; n++) {
      if (!taken.has(`${primary.id}-${n}`)) id = `${primary.id}-${n}`;
    }
    chosen[i] = id;
    taken.add(id);
  }
  return chosen;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One entry from a group (sorted by priority): the best field from each member. */
function combine(group: Member[], id: string): CatalogEntry {
  const entries = group.map((m) => m.entry);
  const primary = entries[0]!;
  if (entries.length === 1) {
    return { ...withDefaults(withId(primary, id)), aliases: primary.id === id ? [] : [primary.id] };
  }
  // How to run it comes whole from one source: parts of two launch specs do not fit together.
  const launcher = withId(entries.find((e) => e.launch_method !== "none") ?? primary, id);
  const first = <T>(pick: (e: CatalogEntry) => T | null | undefined): T | null =>
    entries.map(pick).find((v) => v !== null && v !== undefined && v !== "") ?? null;
  const repoFrom = entries.find((e) => e.repo_url) ?? primary;
  const withTools = entries.reduce((best, e) => e.tools.length > best.tools.length ? e : best);
  const union = (pick: (e: CatalogEntry) => readonly string[]) => [
    ...new Set(entries.flatMap(pick)),
  ];
  const description = entries.map((e) => e.description.trim())
    .reduce((best, d) => d.length > best.length ? d : best, "");
  return {
    ...withDefaults(primary),
    id,
    title: first((e) => e.title !== e.name ? e.title : null) ?? primary.title,
    description,
    source: primary.source,
    sources: union((e) => e.sources),
    repo_url: repoFrom.repo_url,
    repo_subfolder: repoFrom.repo_url ? repoFrom.repo_subfolder ?? null : null,
    homepage: first((e) => e.homepage),
    links: Object.assign({}, ...[...entries].reverse().map((e) => e.links ?? {})),
    aliases: union((e) => [e.id, ...(e.aliases ?? [])]).filter((a) => a !== id),
    container_image: launcher.container_image ?? first((e) => e.container_image),
    icon: first((e) => e.icon),
    categories: union((e) => e.categories),
    tags: union((e) => e.tags),
    official: entries.some((e) => e.official),
    featured: entries.some((e) => e.featured),
    requires_api_key: launcher.launch_method === "none"
      ? entries.some((e) => e.requires_api_key)
      : launcher.requires_api_key,
    tools: withTools.tools.length > launcher.tools.length ? withTools.tools : launcher.tools,
    dynamic_tools: launcher.dynamic_tools,
    launch_method: launcher.launch_method,
    last_refreshed: entries.map((e) => e.last_refreshed).sort().at(-1) ?? primary.last_refreshed,
    run: launcher.run,
    config: launcher.config,
    remote: launcher.remote,
    build: launcher.build ?? null,
    oauth: launcher.oauth,
    warnings: union((e) => e.warnings),
  };
}

/** Fills fields that entries cached by older versions lack. */
function withDefaults(entry: CatalogEntry): CatalogEntry {
  return {
    ...entry,
    repo_subfolder: entry.repo_subfolder ?? null,
    homepage: entry.homepage ?? null,
    links: entry.links ?? {},
    aliases: entry.aliases ?? [],
  };
}
