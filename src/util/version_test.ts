import { equal } from "node:assert/strict";
import { VERSION } from "./version.ts";

Deno.test("`VERSION` is the version in deno.json (what JSR publishes)", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  equal(VERSION, config.version);
});

Deno.test("`VERSION` is a semantic version", () => {
  equal(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(VERSION), true, VERSION);
});
