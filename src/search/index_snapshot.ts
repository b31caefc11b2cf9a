/**
 * A built search index kept with the catalog it indexes, so a start with an unchanged catalog
 * loads it instead of indexing every entry again. Pure: the caller stores and reads it.
 *
 * A stored index is good only for the index settings it was built with (fields, boosts,
 * tokenizer, stemmer, stop words). {@linkcode indexFingerprint} is derived from them: from the
 * boosts, from the text of the tokenizer and term processor, and from the index built over a
 * fixed set of probe entries, so any change of what gets indexed, or how, changes it, and a
 * stored index with another fingerprint is ignored.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { minimalEntry } from "../catalog/entry.ts";
import { CatalogIndex, DEFAULT_BOOST, type StoredIndex } from "./catalog_index.ts";
import type { StoredPostings } from "./_postings.ts";
import { processTerm, tokenize } from "./_text.ts";
import type { EntryTable } from "./entry_table.ts";

/** Bump when the stored shape changes. */
export const INDEX_SNAPSHOT_FORMAT = 5;

/**
 * An index as stored: its settings' fingerprint and what building it produced, as JSON
 * (`index`, the postings' bytes left out) and bytes (`postings`).
 */
export interface IndexSnapshot {
  fingerprint: string;
  index: Omit<StoredIndex, "postings"> & { postings: Omit<StoredPostings, "bytes"> };
  postings: Uint8Array;
}

/** What the index is built with; every part defaults to the code's own. */
export interface IndexSettings {
  /** @default DEFAULT_BOOST */
  boost?: typeof DEFAULT_BOOST;
  /** @default the tokenizer of `_text.ts` */
  tokenize?: (text: string) => string[];
  /** @default the term processor of `_text.ts` */
  processTerm?: (term: string) => string | null | undefined | false;
}

/** Words and shapes the tokenizer, stemmer and stop words each treat in their own way. */
const PROBE: readonly CatalogEntry[] = [
  minimalEntry({
    id: "github-issues",
    name: "GitHubIssues",
    title: "GitHub Issues & Pull-Requests",
    description:
      "Manage issues, running workflows and the repositories' labels with an MCP server.",
    categories: ["developer-tools"],
    tags: ["git", "issue_tracking"],
    container_image: "ghcr.io/acme/github-mcp:1.2",
    repo_url: "https://github.com/acme/github-mcp",
    tools: [{ name: "create_issue", description: "Creates an issue; returns its URL." }],
  }),
  minimalEntry({
    id: "postgres",
    name: "postgres",
    title: "PostgreSQL",
    description: "Query databases: SELECT-only SQL, schemas, tables and indexes (read-only).",
    categories: ["databases"],
    tags: ["sql"],
    launch_method: "none",
    tools: [{ name: "runQuery", description: "Runs a query and lists the rows it found." }],
  }),
];

/** A fingerprint of the index settings: equal fingerprints index the same entries alike. */
export async function indexFingerprint(settings: IndexSettings = {}): Promise<string> {
  const { boost = DEFAULT_BOOST } = settings;
  const probe = new CatalogIndex(PROBE, { boost }).toStored();
  const parts = [
    String(INDEX_SNAPSHOT_FORMAT),
    JSON.stringify(boost),
    String(settings.tokenize ?? tokenize),
    String(settings.processTerm ?? processTerm),
    JSON.stringify(probe),
  ];
  const bytes = new TextEncoder().encode(parts.map((p) => `${p.length}:${p}`).join(""));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
}

let current: Promise<string> | undefined;
/** The fingerprint of the code's own settings, worked out once per process. */
function currentFingerprint(): Promise<string> {
  return current ??= indexFingerprint();
}

/** `index` as stored beside its entries. */
export async function snapshotIndex(index: CatalogIndex): Promise<IndexSnapshot> {
  const stored = index.toStored();
  const { bytes, ...postings } = stored.postings;
  return {
    fingerprint: await currentFingerprint(),
    index: { ...stored, postings },
    postings: bytes,
  };
}

/**
 * The index over `table` from `snapshot` when it was built with today's settings (and over
 * as many entries); otherwise null, and the caller builds it.
 */
export async function restoreIndex(
  table: EntryTable,
  snapshot: IndexSnapshot,
): Promise<CatalogIndex | null> {
  if (snapshot.fingerprint !== await currentFingerprint()) return null;
  const { index, postings: bytes } = snapshot;
  return CatalogIndex.restore(table, { ...index, postings: { ...index.postings, bytes } });
}
