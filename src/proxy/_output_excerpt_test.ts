import { deepEqual } from "node:assert/strict";
import { outputExcerpt } from "./_output_excerpt.ts";

const numbered = (text: string) => text.split("\n").map((t, n) => ({ n, text: t }));

Deno.test("`outputExcerpt()` keeps Node's missing-module line that a tail of eight would cut", () => {
  const node = numbered(`node:internal/modules/cjs/loader:1228
  throw err;
  ^

Error: Cannot find module '/app/dist/index.js'
    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)
    at Module._load (node:internal/modules/cjs/loader:1051:27)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:174:12)
    at node:internal/main/run_main_module:28:49 {
  code: 'MODULE_NOT_FOUND',
  requireStack: []
}

Node.js v22.12.0`);
  deepEqual(outputExcerpt(node, 8), [
    "  ^",
    "Error: Cannot find module '/app/dist/index.js'",
    "…", // the stack frames
    "  code: 'MODULE_NOT_FOUND',",
    "  requireStack: []",
    "}",
    "Node.js v22.12.0",
  ]);
});

Deno.test("`outputExcerpt()` shows Python's traceback head and its last line", () => {
  const python = numbered(`Traceback (most recent call last):
  File "/app/server.py", line 3, in <module>
    import missing
ModuleNotFoundError: No module named 'missing'`);
  deepEqual(outputExcerpt(python), [
    "Traceback (most recent call last):",
    '  File "/app/server.py", line 3, in <module>',
    "    import missing",
    "ModuleNotFoundError: No module named 'missing'",
  ]);
});

Deno.test("`outputExcerpt()` is the tail when no line names a problem, and marks gaps", () => {
  const plain = numbered(Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n"));
  deepEqual(outputExcerpt(plain, 3), ["line 17", "line 18", "line 19"]);
  const far = [
    { n: 0, text: "starting" },
    { n: 1, text: "fatal: cannot open /data/db" },
    ...Array.from({ length: 40 }, (_, i) => ({ n: i + 2, text: `retry ${i}` })),
  ];
  deepEqual(outputExcerpt(far, 6), [
    "starting",
    "fatal: cannot open /data/db",
    "retry 0",
    "retry 1",
    "…",
    "retry 37",
    "retry 38",
    "retry 39",
  ]);
});
