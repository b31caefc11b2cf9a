import { equal, ok } from "node:assert/strict";
import { processAlive, processStartTime } from "./process.ts";

Deno.test("processAlive() tells a running process from a gone one and from a reused pid", async () => {
  const start = processStartTime(Deno.pid);
  ok(typeof start === "string", "this machine has /proc");
  ok(processAlive(Deno.pid, start));
  equal(processAlive(Deno.pid, `${start}1`), false, "same pid, other start time");
  const child = new Deno.Command("true").spawn();
  const pid = child.pid;
  await child.status;
  equal(processAlive(pid), false);
  equal(processStartTime(pid), null);
});
