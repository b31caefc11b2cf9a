/**
 * The two lockfiles. `deno.lock` pins what the registry runs, and so what its first start
 * downloads: `deno task` and `deno run` install every npm package of the lockfile, used or not.
 * `tests/deno.lock` (`deno task test` and `deno task check` pass `--lock`) pins the same plus
 * the test-only packages: playwright-core, the MCP conformance suite and minisearch (the
 * reference the search's own postings are scored against).
 */
import { deepEqual, equal } from "node:assert/strict";

interface Lockfile {
  specifiers: Record<string, string>;
  npm: Record<string, { integrity: string }>;
}

const read = <T>(path: string): T =>
  JSON.parse(Deno.readTextFileSync(new URL(path, import.meta.url)));
const imports = read<{ imports: Record<string, string> }>("../deno.json").imports;
const runtime = read<Lockfile>("../deno.lock");
const tests = read<Lockfile>("./deno.lock");

Deno.test("deno.lock pins exactly deno.json's npm imports: no test-only package", () => {
  // `npm:/name@version/` (a folder of a package) is the same package as `npm:name@version`.
  const wanted = new Set(
    Object.values(imports).filter((target) => target.startsWith("npm:"))
      .map((target) => `npm:${target.slice(4).replace(/^\/|\/$/g, "")}`),
  );
  deepEqual(
    Object.keys(runtime.specifiers).sort(),
    [...wanted].sort(),
    "deno.lock is the registry's: after changing deno.json's imports run `deno cache main.ts`; " +
      "a test-only package is imported by its full npm: specifier and pinned in tests/deno.lock " +
      "(run the tests with `deno task test`)",
  );
});

Deno.test("tests/deno.lock pins the registry's packages as deno.lock does", () => {
  for (const [specifier, version] of Object.entries(runtime.specifiers)) {
    equal(tests.specifiers[specifier], version, `${specifier} in tests/deno.lock`);
  }
  for (const [name, { integrity }] of Object.entries(runtime.npm)) {
    equal(tests.npm[name]?.integrity, integrity, `${name} in tests/deno.lock`);
  }
});
