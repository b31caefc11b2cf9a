import { deepEqual, equal, throws } from "node:assert/strict";
import { evaluate, evaluateList, referencedPaths } from "./template.ts";

const config = {
  filesystem: { paths: ["/home/a", "/srv/b"] },
  aks: { access_level: "readonly", empty: "" },
  openapi: { list: [] },
};

Deno.test("evaluate() fills parameters and keeps plain text", () => {
  equal(evaluate("--access-level={{aks.access_level}}", config), "--access-level=readonly");
  equal(evaluate("plain", config), "plain");
  equal(evaluate("{{aks.missing}}", config), "");
  equal(evaluate("{{unknown.x}}", config), "");
  equal(evaluate("{{nodot}}", config), "");
});

Deno.test("evaluate() applies volume, volume-target and into like Docker's gateway", () => {
  deepEqual(evaluate("{{filesystem.paths|volume|into}}", config), [
    "/home/a:/home/a",
    "/srv/b:/srv/b",
  ]);
  deepEqual(evaluate("{{filesystem.paths|volume-target|into}}", config), ["/home/a", "/srv/b"]);
  deepEqual(evaluate("{{aks.access_level|into}}", config), ["readonly"]);
  equal(evaluate("{{aks.empty|volume}}", config), "");
});

Deno.test("evaluate() applies or:, first and last", () => {
  equal(evaluate("{{aks.empty|or:readwrite}}", config), "readwrite");
  equal(evaluate("{{aks.access_level|or:readwrite}}", config), "readonly");
  deepEqual(evaluate("{{openapi.list|or:[]|volume|into}}", config), []);
  deepEqual(evaluate("{{openapi.list|or:[x,y]}}", config), ["x", "y"]);
  equal(evaluate("{{filesystem.paths|first}}", config), "/home/a");
  equal(evaluate("{{filesystem.paths|last}}", config), "/srv/b");
  equal(evaluate("{{openapi.list|first}}", config), "");
});

Deno.test("evaluate() refuses an unknown filter", () => {
  throws(() => evaluate("{{aks.access_level|shell}}", config), /Unknown template filter "shell"/);
});

Deno.test("evaluateList() spreads list values into separate arguments", () => {
  deepEqual(
    evaluateList(
      ["--root", "{{filesystem.paths|volume-target|into}}", "{{aks.access_level}}"],
      config,
    ),
    ["--root", "/home/a", "/srv/b", "readonly"],
  );
});

Deno.test("referencedPaths() lists the parameters an expression reads", () => {
  deepEqual(referencedPaths("{{a.b|into}}:{{ a.c }}"), ["a.b", "a.c"]);
});
