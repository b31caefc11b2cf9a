/**
 * registry-list cursors are tied to their filters and to the catalog they paged.
 */
import { equal, match, ok } from "node:assert/strict";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("registry-list refuses a cursor from other filters or from a catalog since refreshed", async () => {
  await using t = await openTestRegistry({ entries: [testEntry({ id: "extra-server" })] });
  const first = await t.call("registry-list", { limit: 5, category: "database" });
  const cursor = (first.structuredContent as Json).next_cursor as string;
  ok(cursor);

  const second = await t.call("registry-list", { limit: 5, category: "database", cursor });
  equal(second.isError, undefined, textOf(second));
  equal((second.structuredContent as Json).offset, 5);

  const otherFilters = await t.call("registry-list", { limit: 5, cursor });
  equal(otherFilters.isError, true);
  match(textOf(otherFilters), /belongs to a listing with other filters/);

  await t.registry.catalog.refresh("test");
  const stale = await t.call("registry-list", { limit: 5, category: "database", cursor });
  equal(stale.isError, true);
  match(textOf(stale), /catalog was refreshed since that page/);
});
