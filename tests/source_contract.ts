/**
 * The contract every `CatalogSource` keeps, as one suite each source runs against a real
 * upstream of its own (`tests/integration/source_contract_test.ts`):
 *
 * 1. a full refresh yields valid entries of its own, ids unique;
 * 2. a refresh given the last good one (`previous`) yields the catalog a full refresh would,
 *    with the upstream's change applied;
 * 3. when the upstream fails the refresh rejects, and a `Catalog` keeps serving (and keeps in
 *    its cache) the last good entries, naming the failure in status;
 * 4. a signal that aborts before or during a refresh makes it reject, leaving nothing behind: the
 *    next refresh yields the full catalog, and a `Catalog` closed mid-refresh records nothing.
 *
 * @module
 */
import { deepEqual, equal, notEqual, ok, rejects } from "node:assert/strict";
import { type CatalogEntry, checkEntry } from "../src/catalog/entry.ts";
import { Catalog } from "../src/registry/catalog.ts";
import type { CatalogSource, PreviousRefresh, SourceSnapshot } from "../src/sources/source.ts";
import { CatalogStore } from "../src/store/catalog_store.ts";
import { silentLogger } from "../src/util/log.ts";

/** What a change to the upstream should show: the entry named `name` now has `description`. */
export interface UpstreamChange {
  name: string;
  description: string;
}

/** A source over an upstream the test controls; dispose of it to remove the upstream. */
export interface SourceUnderContract extends AsyncDisposable {
  source: CatalogSource;
  /** Changes the upstream (an existing server's description, at least). */
  change(): Promise<UpstreamChange>;
  /** Makes every further read of the upstream fail. */
  fail(): Promise<void>;
  /** What a refresh left beside its own files (half-made clones, locks); none by default. */
  leftovers?(): Promise<string[]>;
}

/** Registers the contract's tests for the source `open` makes (afresh for each test). */
export function sourceContract(label: string, open: () => Promise<SourceUnderContract>): void {
  Deno.test(`${label}: a full refresh yields valid entries of its own, ids unique`, async () => {
    await using under = await open();
    const { source } = under;
    const snapshot = await source.refresh();
    ok(snapshot.entries.length > 0, "a refresh yields entries");
    for (const entry of snapshot.entries) {
      const checked = checkEntry(entry);
      ok("entry" in checked, `${entry.id}: ${"error" in checked ? checked.error : ""}`);
      equal(entry.source, source.name, `${entry.id} names its source`);
      ok(entry.sources.includes(source.name), `${entry.id} lists its source`);
    }
    const ids = snapshot.entries.map((e) => e.id);
    equal(new Set(ids).size, ids.length, "ids are unique");
    ok(Array.isArray(snapshot.errors) && Array.isArray(snapshot.warnings));
  });

  Deno.test(`${label}: a refresh given the last good one applies the change`, async () => {
    await using under = await open();
    const { source } = under;
    const startedAt = new Date().toISOString();
    const first = await source.refresh();
    const change = await under.change();
    const previous: PreviousRefresh = {
      entries: first.entries,
      revision: first.revision,
      cursor: first.cursor ?? null,
      refreshedAt: startedAt,
    };
    const incremental = await source.refresh({ previous });
    const changed = incremental.entries.find((e) => e.name === change.name);
    equal(changed?.description, change.description, "the change is in");
    const full = await source.refresh();
    deepEqual(comparable(incremental), comparable(full), "the same catalog as a full refresh");
  });

  Deno.test(`${label}: a failing upstream rejects; the Catalog keeps the last good entries`, async () => {
    await using under = await open();
    const { source } = under;
    await withCatalog(source, async (kv, catalog) => {
      const good = await catalog.refresh(source.name);
      ok(good.ok, `the first refresh succeeds: ${good.error}`);
      await under.fail();
      await rejects(source.refresh(), "the source itself rejects");
      const failed = await catalog.refresh(source.name);
      equal(failed.ok, false);
      ok(failed.error, "the outcome says why");
      const [status] = catalog.status();
      equal(status!.entries, good.entries, "the last good entries are still served");
      equal(status!.serving, "live");
      equal(status!.last_error, failed.error);

      const restarted = await loadedCatalog(kv, source, { noCheapRead: true });
      try {
        equal(restarted.status()[0]!.entries, good.entries, "the cache holds the last good");
        equal(restarted.status()[0]!.last_error, failed.error);
      } finally {
        await restarted.close();
      }
    });
  });

  Deno.test(`${label}: an aborted refresh rejects and leaves nothing half-made`, async () => {
    await using under = await open();
    const { source } = under;
    const steps: string[] = [];
    const baseline = await source.refresh({ progress: (step) => steps.push(step.message) });
    ok(steps.length > 0, "a refresh reports progress");

    const before = new AbortController();
    before.abort(new Error("aborted before the refresh"));
    await rejects(source.refresh({ signal: before.signal }), "aborted before it starts");

    // Aborted at its first step, its second, and its last: a refresh under way.
    for (const at of new Set([1, Math.min(2, steps.length), steps.length])) {
      const controller = new AbortController();
      let seen = 0;
      const progress = () => {
        if (++seen === at) controller.abort(new Error(`aborted at step ${at}`));
      };
      await rejects(
        source.refresh({ signal: controller.signal, progress }),
        `aborted at step ${at} of ${steps.length}`,
      );
    }
    deepEqual(await under.leftovers?.() ?? [], [], "no half-made files are left");
    const after = await source.refresh();
    deepEqual(comparable(after), comparable(baseline), "the next refresh is whole");

    // Through the Catalog: closed mid-refresh, the refresh records nothing.
    await withCatalog(source, async (kv, catalog) => {
      const good = await catalog.refresh(source.name);
      ok(good.ok, `a refresh succeeds: ${good.error}`);
      let closing: Promise<void> | null = null;
      const cancelled = await catalog.refresh(source.name, {
        progress: () => void (closing ??= catalog.close()),
      });
      await closing;
      deepEqual(cancelled, {
        source: source.name,
        ok: false,
        entries: good.entries,
        error: "cancelled",
      });
      const restarted = await loadedCatalog(kv, source, { noCheapRead: true });
      try {
        const [status] = restarted.status();
        equal(status!.entries, good.entries);
        equal(status!.last_error, null, "a cancelled refresh is no failure");
        equal(status!.failed_attempts, 0);
      } finally {
        await restarted.close();
      }
    });
  });
}

/** The snapshot's entries as a full refresh would give them: no refresh times. */
function comparable(snapshot: SourceSnapshot): Omit<CatalogEntry, "last_refreshed">[] {
  return snapshot.entries.map(({ last_refreshed: _, ...rest }) => rest);
}

/** A loaded catalog over `source` alone, on an in-memory Kv; closed after `fn`. */
async function withCatalog(
  source: CatalogSource,
  fn: (kv: Deno.Kv, catalog: Catalog) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    const catalog = await loadedCatalog(kv, source);
    try {
      await fn(kv, catalog);
    } finally {
      await catalog.close();
    }
  } finally {
    kv.close();
  }
}

/**
 * A catalog over `source`, loaded. With `noCheapRead` a cheap source (the user's files) is read
 * through a wrapper that is not cheap, so loading serves the cache instead of reading it again.
 */
async function loadedCatalog(
  kv: Deno.Kv,
  source: CatalogSource,
  { noCheapRead = false } = {},
): Promise<Catalog> {
  const served: CatalogSource = noCheapRead && source.cheap
    ? { name: source.name, location: source.location, refresh: (c) => source.refresh(c) }
    : source;
  const catalog = new Catalog({
    sources: [served],
    store: new CatalogStore(kv),
    refreshIntervalHours: 24,
    log: silentLogger,
  });
  await catalog.load();
  notEqual(catalog.status()[0], undefined);
  return catalog;
}
