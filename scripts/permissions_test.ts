import { deepEqual, equal, ok } from "node:assert/strict";
import { ENV_VARS, PERMISSION_FLAGS } from "./permissions.ts";

/** Names that appear in the source but are no variable the registry reads. */
const NOT_READ = new Set([
  "MCP_REGISTRY_AUTH", // written into an MCP client's config for mcp-remote (src/cli/client_config.ts)
]);

async function sourceFiles(dir: URL): Promise<URL[]> {
  const files: URL[] = [];
  for await (const item of Deno.readDir(dir)) {
    const url = new URL(item.name + (item.isDirectory ? "/" : ""), dir);
    if (item.isDirectory && item.name !== "snapshot") files.push(...await sourceFiles(url));
    else if (item.name.endsWith(".ts") && !item.name.endsWith("_test.ts")) files.push(url);
  }
  return files;
}

Deno.test("`ENV_VARS` names every MCP_REGISTRY_* variable the source reads", async () => {
  const files = [new URL("../main.ts", import.meta.url)];
  files.push(...await sourceFiles(new URL("../src/", import.meta.url)));
  const named = new Set<string>();
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    for (const [name] of text.matchAll(/\bMCP_REGISTRY_[A-Z_]*[A-Z]\b/g)) named.add(name);
  }
  const missing = [...named].filter((n) => !NOT_READ.has(n) && !ENV_VARS.includes(n)).sort();
  deepEqual(missing, [], "add them to ENV_GROUPS in scripts/permissions.ts");
});

Deno.test("`PERMISSION_FLAGS` never grants everything and fit in `$(...)`", () => {
  for (const flag of PERMISSION_FLAGS) {
    ok(/^--[a-z-]+(=[A-Za-z0-9_,.-]+)?$/.test(flag), `"${flag}" splits or expands in a shell`);
  }
  ok(!PERMISSION_FLAGS.includes("--allow-all") && !PERMISSION_FLAGS.includes("-A"));
  ok(!PERMISSION_FLAGS.includes("--allow-run"), "programs are named");
  ok(!PERMISSION_FLAGS.includes("--allow-env"), "variables are named");
  equal(new Set(ENV_VARS).size, ENV_VARS.length);
});
