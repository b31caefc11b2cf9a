import { equal } from "node:assert/strict";
import { checkDeno } from "./deno.ts";

Deno.test("checkDeno() fails before Deno 2 and warns before 2.9", () => {
  equal(checkDeno({ version: "1.46.3" }).status, "failed");
  equal(checkDeno({ version: "2.1.0" }).status, "warning");
  equal(checkDeno({ version: "2.9.6" }).status, "ok");
  equal(checkDeno().status, "ok");
});
