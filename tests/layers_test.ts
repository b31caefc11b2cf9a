/**
 * The layers of `src/` read bottom-up (ARCHITECTURE.md): a module imports only from its own
 * layer or below, and no modules import each other in a circle. Read from the source itself, so
 * a new import that runs back up fails here with the file and the line to change. Product
 * modules stay ASCII (see the last test).
 */
import { deepEqual } from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Each top folder (or file) of `src/` and its layer; higher layers may import lower ones. */
export const LAYERS: Record<string, number> = {
  util: 0, // log, mask, text, retry, file lock, process, version
  mcp: 1, // the doorway to the MCP SDK
  catalog: 2, // the entry model: schema, ids, merge, names, settings types
  search: 3,
  store: 3,
  runtime: 3,
  sources: 3,
  "config.ts": 4, // settings from the environment
  proxy: 5, // the pool of running servers
  registry: 6, // the live catalog and what the tools, CLI and web share
  code: 6, // registry-code's sandbox: a child Deno process, calls through proxy/
  server: 7, // the MCP server and its tools
  web: 8,
  cli: 8,
  http: 9,
  "app.ts": 10,
};

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

async function productFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const item of Deno.readDir(dir)) {
    const path = join(dir, item.name);
    if (item.isDirectory) files.push(...await productFiles(path));
    else if (item.name.endsWith(".ts") && !item.name.endsWith("_test.ts")) files.push(path);
  }
  return files;
}

function layerOf(file: string): number {
  const [top = ""] = relative(join(ROOT, "src"), file).split("/");
  const layer = LAYERS[top];
  if (layer === undefined) throw new Error(`src/${top} has no layer: add it to LAYERS`);
  return layer;
}

async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of await productFiles(join(ROOT, "src"))) {
    const text = await Deno.readTextFile(file);
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => m[1] ?? m[2] ?? "")
      .filter((spec) => spec.startsWith("."))
      .map((spec) => join(dirname(file), spec));
    graph.set(file, targets);
  }
  return graph;
}

Deno.test("no module of src/ imports from a higher layer", async () => {
  const upward: string[] = [];
  for (const [file, targets] of await importGraph()) {
    for (const target of targets) {
      if (layerOf(target) > layerOf(file)) {
        upward.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
  }
  deepEqual(upward, []);
});

Deno.test("no modules of src/ import each other in a circle", async () => {
  const graph = await importGraph();
  const circles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === "open") {
        circles.push(path.slice(path.indexOf(target)).map((f) => relative(ROOT, f)).join(" → "));
      } else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  deepEqual(circles, []);
});

Deno.test("product modules are ASCII: V8 would keep a module's source at 2 bytes a character", async () => {
  // V8 keeps each loaded module's source (here with deno's inline source map) for as long as the
  // process runs, as UTF-16 as soon as one character is past Latin-1. Write `->` in comments and
  // `\u2026` in strings: the registry's own modules then take about half the memory (issue 18).
  const wide: string[] = [];
  for (const file of [...await productFiles(join(ROOT, "src")), join(ROOT, "main.ts")]) {
    const lines = (await Deno.readTextFile(file)).split("\n");
    lines.forEach((line, i) => {
      // deno-lint-ignore no-control-regex
      const char = line.match(/[^\x00-\x7f]/)?.[0];
      if (char) wide.push(`${relative(ROOT, file)}:${i + 1}: ${JSON.stringify(char)}`);
    });
  }
  deepEqual(wide, []);
});
