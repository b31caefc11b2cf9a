import { deepEqual as equal } from "node:assert/strict";
import { type CatalogEntry, minimalEntry } from "../catalog/entry.ts";
import { CatalogIndex, type MarkLookup, type RunState } from "./catalog_index.ts";

/** Entries alike in every searched word; only how they run (and what they taught) differs. */
function alike(id: string, fields: Partial<Parameters<typeof minimalEntry>[0]> = {}): CatalogEntry {
  return minimalEntry({
    id,
    title: "Weather",
    description: "Forecasts and weather alerts for a city.",
    ...fields,
  });
}

const ENTRIES = [
  alike("w-none", { launch_method: "none" }),
  alike("w-build", {
    launch_method: "build",
    repo_url: "https://github.com/acme/w",
    build: { repo: "https://github.com/acme/w" },
  }),
  alike("w-image", { launch_method: "podman", container_image: "ghcr.io/acme/w:1" }),
  alike("w-package", {
    launch_method: "stdio-proxy",
    run: { package: { registry: "npm", name: "w-mcp" } },
  }),
  alike("w-remote", {
    launch_method: "remote-http",
    remote: { url: "https://w.example/mcp", transport: "streamable-http" },
  }),
];
const index = new CatalogIndex(ENTRIES);
const lookup = (marks: Record<string, RunState>): MarkLookup => (id) => marks[id];
const ids = (hits: { entry: CatalogEntry }[]) => hits.map((h) => h.entry.id);

Deno.test("CatalogIndex.search() ranks what starts now, then what builds, then what cannot run", () => {
  const hits = index.search("weather forecasts", { limit: 10 }).hits;
  equal(ids(hits).slice(3), ["w-build", "w-none"]);
  equal(hits[0]!.score, hits[2]!.score, "image, package and remote rank alike");
  equal(hits[2]!.score > hits[3]!.score && hits[3]!.score > hits[4]!.score, true);
});

Deno.test("CatalogIndex.search() ranks verified entries a little higher and failed ones lower", () => {
  const marks = lookup({ "w-remote": "verified", "w-image": "failed", "w-build": "verified" });
  const hits = index.search("weather", { limit: 10, marks }).hits;
  equal(ids(hits)[0], "w-remote");
  equal(ids(hits).at(-1), "w-none");
  // A failed image ranks below a package never tried and a build never tried, but above what
  // cannot run at all; a verified build does not jump ahead of what starts now.
  const order = ids(hits);
  equal(order.slice(-3), ["w-build", "w-image", "w-none"]);
  equal(order.indexOf("w-image") > order.indexOf("w-package"), true, order.join());
  equal(order.indexOf("w-build") > order.indexOf("w-package"), true, order.join());
  // Without marks, nothing changes.
  equal(
    ids(index.search("weather", { limit: 10 }).hits),
    ids(index.search("weather", { limit: 10, marks: () => undefined }).hits),
  );
});

Deno.test("CatalogIndex.search() and list() filter on what starts now or after a build", () => {
  const now = index.search("weather", { limit: 10, filters: { startable: "now" } });
  equal(ids(now.hits).sort(), ["w-image", "w-package", "w-remote"]);
  const build = index.list({ filters: { startable: "after-build" } });
  equal(build.entries.map((e) => e.id), ["w-build"]);
  // What failed here before is left out of both.
  const marks = lookup({ "w-image": "failed", "w-build": "failed", "w-remote": "verified" });
  equal(
    ids(index.search("", { limit: 10, filters: { startable: "now" }, marks }).hits).sort(),
    ["w-package", "w-remote"],
  );
  equal(index.list({ filters: { startable: "after-build" }, marks }).total, 0);
  equal(index.search("weather", { filters: { startable: "now", launch_method: "none" } }).total, 0);
});

Deno.test("CatalogIndex.list() browses what starts now, then what builds, then the rest", () => {
  const methods = index.list({ limit: 10 }).entries.map((e) => e.launch_method);
  equal(methods.slice(0, 3).sort(), ["podman", "remote-http", "stdio-proxy"]);
  equal(methods.slice(3), ["build", "none"]);
});
