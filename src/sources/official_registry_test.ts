import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { CatalogEntrySchema } from "../catalog/entry.ts";
import {
  camelCaseRows,
  type FakeRow,
  multiVersionRows,
  type OfficialRegistryFakeOptions,
  officialRow,
  readFixture,
  snakeCaseRows,
  startOfficialRegistryFake,
} from "../../tests/_helpers/official_registry_fake.ts";
import { OFFICIAL_REGISTRY_URL, OfficialRegistrySource } from "./official_registry.ts";
import type { OfficialRegistrySourceOptions } from "./official_registry.ts";
import type { RefreshProgress, SourceSnapshot } from "./source.ts";

/** A fake and a source reading it, with quick retries. */
function setup(
  fakeOptions: OfficialRegistryFakeOptions,
  sourceOptions: OfficialRegistrySourceOptions = {},
) {
  const fake = startOfficialRegistryFake(fakeOptions);
  const source = new OfficialRegistrySource({ url: fake.url, backoffMs: 1, ...sourceOptions });
  return { fake, source };
}

function previousOf(snapshot: SourceSnapshot, refreshedAt = new Date().toISOString()) {
  return {
    entries: snapshot.entries,
    revision: snapshot.revision,
    cursor: snapshot.cursor ?? null,
    refreshedAt,
  };
}

Deno.test("OfficialRegistrySource reads all 358 camelCase servers to the last page", async () => {
  const { fake, source } = setup({ servers: camelCaseRows("2025-09-29T00:00:00Z") });
  await using _ = fake;
  const steps: RefreshProgress[] = [];
  const snapshot = await source.refresh({ progress: (step) => steps.push(step) });
  equal(snapshot.entries.length, 358);
  deepEqual(snapshot.errors, []);
  for (const entry of snapshot.entries) CatalogEntrySchema.parse(entry);
  equal(new Set(snapshot.entries.map((e) => e.id)).size, 358, "ids are unique");
  equal(fake.requests.length, 4);
  for (const request of fake.requests) {
    equal(request.searchParams.get("limit"), "100");
    equal(request.searchParams.get("version"), "latest");
    equal(request.searchParams.get("updated_since"), null);
  }
  equal(fake.requests[0]!.searchParams.get("cursor"), null);
  ok(fake.requests[1]!.searchParams.get("cursor"), "the second page asks with a cursor");
  deepEqual(steps.map((s) => s.message), ["page 1", "page 2", "page 3", "page 4"]);
  deepEqual(steps.map((s) => s.done), [100, 200, 300, 358]);
  // The newest updatedAt: the 358th row is 357 seconds after the first.
  equal(snapshot.cursor, "2025-09-29T00:05:57.000Z");
  match(snapshot.revision!, /^full/);
  const byName = new Map(snapshot.entries.map((e) => [e.name, e]));
  // Short names several servers share get their full names as ids.
  equal(byName.get("io.github.edubase/mcp")!.id, "io-github-edubase-mcp");
  equal(byName.get("io.github.xing5/mcp-google-sheets")!.id, "io-github-xing5-mcp-google-sheets");
  const counts = Object.groupBy(snapshot.entries, (e) => e.launch_method);
  // 8 OCI packages name npm packages, not images: they cannot run, each with a warning.
  equal(counts.podman?.length, 80);
  equal(counts.none?.length, 8);
  equal(counts["stdio-proxy"]?.length, 270);
  equal(source.location, fake.url);
});

Deno.test("OfficialRegistrySource stops after a full last page on the empty next one", async () => {
  const { fake, source } = setup({ servers: camelCaseRows().slice(0, 300) });
  await using _ = fake;
  const snapshot = await source.refresh();
  equal(snapshot.entries.length, 300);
  equal(fake.requests.length, 4);
});

Deno.test("OfficialRegistrySource pages with a smaller pageSize", async () => {
  const { fake, source } = setup({ servers: camelCaseRows() }, { pageSize: 50 });
  await using _ = fake;
  equal((await source.refresh()).entries.length, 358);
  equal(fake.requests.length, 8);
});

Deno.test("OfficialRegistrySource keeps only the latest version of a server", async () => {
  const { fake, source } = setup({ servers: multiVersionRows() });
  await using _ = fake;
  const snapshot = await source.refresh();
  deepEqual(snapshot.entries.map((e) => e.id), [
    "airtable-mcp-server",
    "time-mcp-nuget",
    "time-mcp-pypi",
  ]);
  equal(snapshot.entries[0]!.container_image, "docker.io/domdomegg/airtable-mcp-server:1.7.3");
  match(
    snapshot.warnings.join("\n"),
    /time-mcp-nuget@1\.0\.8: cannot be started: its packages are nuget/,
  );
});

Deno.test("OfficialRegistrySource drops deprecated and deleted servers", async () => {
  const rows = multiVersionRows();
  rows[2]!.meta!.status = "deprecated";
  rows[3]!.meta!.status = "deleted";
  // A registry that ignores `version=latest` and lists deleted rows: the source filters itself.
  const all = [
    ...rows,
    officialRow({ name: "io.github.a/gone", version: "1.0.0" }, {
      status: "deleted",
    }),
  ];
  const { fake, source } = setup({ servers: all });
  await using _ = fake;
  deepEqual((await source.refresh()).entries.map((e) => e.id), ["airtable-mcp-server"]);
});

Deno.test("OfficialRegistrySource applies an update, an addition and a deletion incrementally", async () => {
  const start = "2025-12-12T00:00:00Z";
  const { fake, source } = setup({ servers: multiVersionRows(start) });
  await using _ = fake;
  const first = await source.refresh();
  equal(first.entries.length, 3);
  equal(first.cursor, "2025-12-12T00:00:03.000Z");

  const [, airtable, nuget, pypi] = readFixture<Record<string, unknown>[]>("data/seed.json");
  const later = (s: number) =>
    new Date(Date.parse("2026-01-01T00:00:00Z") + s * 1000).toISOString();
  const rows: FakeRow[] = [
    ...multiVersionRows(start).slice(0, 1),
    // airtable 1.7.3 is no longer latest; 1.7.4 is.
    officialRow(airtable!, { isLatest: false, updatedAt: later(1) }),
    officialRow({ ...airtable!, version: "1.7.4", description: "Airtable, updated." }, {
      updatedAt: later(2),
    }),
    officialRow(nuget!, { status: "deleted", updatedAt: later(3) }),
    officialRow(pypi!, { updatedAt: "2025-12-12T00:00:03Z" }),
    officialRow({ name: "io.github.acme/notes", description: "Notes.", version: "0.1.0" }, {
      updatedAt: later(4),
    }),
    // Another `airtable-mcp-server`: both now go by their full names.
    officialRow(
      { name: "com.example/airtable-mcp-server", description: "Another.", version: "1" },
      {
        updatedAt: later(5),
      },
    ),
  ];
  fake.setServers(rows);
  const steps: RefreshProgress[] = [];
  const second = await source.refresh({
    previous: previousOf(first),
    progress: (s) => steps.push(s),
  });
  const request = fake.requests.at(-1)!;
  equal(request.searchParams.get("updated_since"), first.cursor);
  equal(request.searchParams.get("version"), null);
  equal(second.revision, `incremental since ${first.cursor}`);
  match(second.warnings[0]!, /3 added or updated, 1 removed/);
  equal(second.cursor, later(5));
  const byId = new Map(second.entries.map((e) => [e.id, e]));
  deepEqual([...byId.keys()], [
    "com-example-airtable-mcp-server",
    "io-github-domdomegg-airtable-mcp-server",
    "notes",
    "time-mcp-pypi",
  ]);
  const updated = byId.get("io-github-domdomegg-airtable-mcp-server")!;
  equal(updated.description, "Airtable, updated.");
  deepEqual(updated.config.secrets.map((s) => s.name), [
    "io-github-domdomegg-airtable-mcp-server.airtable_api_key",
  ]);
  equal(byId.get("time-mcp-pypi"), first.entries.find((e) => e.id === "time-mcp-pypi"));

  // Nothing new: the same entries, the same cursor.
  const third = await source.refresh({ previous: previousOf(second) });
  deepEqual(third.entries, second.entries);
  equal(third.cursor, second.cursor);
});

Deno.test("OfficialRegistrySource refreshes in full when the last refresh is a week old", async () => {
  const { fake, source } = setup({ servers: multiVersionRows() });
  await using _ = fake;
  const first = await source.refresh();
  const old = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000).toISOString();
  const second = await source.refresh({ previous: previousOf(first, old) });
  match(second.revision!, /^full/);
  equal(fake.requests.at(-1)!.searchParams.get("updated_since"), null);
  equal(fake.requests.at(-1)!.searchParams.get("version"), "latest");
  const noCursor = await source.refresh({ previous: { ...previousOf(first), cursor: null } });
  match(noCursor.revision!, /^full/);
});

Deno.test("OfficialRegistrySource maps the old snake_case seed, blank records skipped", async () => {
  const { fake, source } = setup({ servers: snakeCaseRows() });
  await using _ = fake;
  const snapshot = await source.refresh();
  equal(snapshot.entries.length, 464);
  deepEqual(snapshot.errors, []);
  ok(snapshot.warnings.includes("skipped 7 blank records (no name)"));
  const counts = Object.groupBy(
    snapshot.entries,
    (e) => e.run.package?.registry ?? e.launch_method,
  );
  equal(counts.npm?.length, 83);
  equal(counts.pypi?.length, 53);
  // 4 of the 26 docker packages name no image podman accepts (npm names): they cannot run.
  equal(counts.podman?.length, 22);
  equal(counts.none?.length, 302 + 4);
  const byName = new Map(snapshot.entries.map((e) => [e.name, e]));
  equal(byName.get("io.github.its-dart/dart-mcp-server")!.container_image, "mcp/dart");
  equal(byName.get("io.github.21st-dev/magic-mcp")!.run.package?.name, "@21st-dev/magic");
  equal(snapshot.cursor, "2025-05-16T19:17:06Z", "the newest release_date");
});

Deno.test("OfficialRegistrySource tries a page that failed with 500 again", async () => {
  const { fake, source } = setup({
    servers: camelCaseRows(),
    failPages: { 2: { status: 500, times: 2 } },
  });
  await using _ = fake;
  equal((await source.refresh()).entries.length, 358);
  equal(fake.requests.length, 6);
});

Deno.test("OfficialRegistrySource waits as 429 Retry-After asks", async () => {
  const { fake, source } = setup({
    servers: multiVersionRows(),
    failPages: { 1: { status: 429, retryAfter: "1", times: 1 } },
  }, { backoffMs: 5_000, maxRetryAfterMs: 50 });
  await using _ = fake;
  const started = performance.now();
  equal((await source.refresh()).entries.length, 3);
  ok(performance.now() - started < 2_000, "Retry-After is capped, and replaces the backoff");
  equal(fake.requests.length, 2);
});

Deno.test("OfficialRegistrySource fails on a 500 that lasts, naming the status and the URL", async () => {
  const { fake, source } = setup({ servers: camelCaseRows(), failPages: { 1: { status: 503 } } });
  await using _ = fake;
  await rejects(source.refresh(), (error: Error) => {
    match(error.message, /503/);
    match(error.message, new RegExp(`${fake.url}/v0.1/servers\\?limit=100&version=latest`));
    match(error.message, /3 attempts/);
    match(error.message, /MCP_REGISTRY_OFFICIAL_URL/);
    match(error.message, /MCP_REGISTRY_SOURCES/);
    return true;
  });
  equal(fake.requests.length, 3);
});

Deno.test("OfficialRegistrySource fails at once on 403", async () => {
  const { fake, source } = setup({ servers: camelCaseRows(), failPages: { 1: { status: 403 } } });
  await using _ = fake;
  await rejects(
    source.refresh(),
    /answered 403 Forbidden to http:\/\/127\.0\.0\.1.*MCP_REGISTRY_SOURCES/,
  );
  equal(fake.requests.length, 1);
});

Deno.test("OfficialRegistrySource gives up on a registry that does not answer", async () => {
  const { fake, source } = setup(
    { servers: camelCaseRows(), failPages: { 1: { hang: true } } },
    { requestTimeoutMs: 150, retries: 2 },
  );
  await using _ = fake;
  await rejects(source.refresh(), /no answer within 0\.15 s \(2 attempts\)/);
  equal(fake.requests.length, 2);
});

Deno.test("OfficialRegistrySource reports a truncated answer clearly", async () => {
  const { fake, source } = setup({
    servers: camelCaseRows(),
    failPages: { 2: { truncate: true } },
  });
  await using _ = fake;
  await rejects(source.refresh(), /Cannot parse the official registry's answer to http:.*cursor=/);
});

Deno.test("OfficialRegistrySource stops on a cursor that comes back", async () => {
  const { fake, source } = setup({ servers: camelCaseRows(), loopCursor: true });
  await using _ = fake;
  await rejects(source.refresh(), /sent the cursor .* twice/);
  ok(fake.requests.length <= 3);
});

Deno.test("OfficialRegistrySource stops at the page cap", async () => {
  const { fake, source } = setup({ servers: camelCaseRows() }, { maxPages: 2 });
  await using _ = fake;
  await rejects(source.refresh(), /still had more pages after 2/);
});

Deno.test("OfficialRegistrySource stops when the signal aborts", async () => {
  const { fake, source } = setup({ servers: camelCaseRows(), pageDelayMs: 100 });
  await using _ = fake;
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("shutting down")), 150);
  await rejects(source.refresh({ signal: controller.signal }), /shutting down/);
  ok(fake.requests.length <= 2);
});

Deno.test("OfficialRegistrySource masks credentials in its location", () => {
  const source = new OfficialRegistrySource({ url: "https://user:pw@registry.example/" });
  equal(source.location, "https://***@registry.example");
  equal(new OfficialRegistrySource().location, OFFICIAL_REGISTRY_URL);
});
