import { deepEqual } from "node:assert/strict";
import { PAGE_FILES } from "./_static.ts";

Deno.test("PAGE_FILES names every script and style of static/, and nothing else", async () => {
  const onDisk: string[] = [];
  for await (const item of Deno.readDir(new URL("./static/", import.meta.url))) {
    if (/\.(js|css)$/.test(item.name)) onDisk.push(item.name);
  }
  deepEqual([...PAGE_FILES].sort(), onDisk.sort());
});
