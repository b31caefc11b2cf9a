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

Deno.test("processAlive() judges a start time from ps by ps, and never mixes the two kinds", async () => {
  const out = new Deno.Command("ps", {
    args: ["-o", "lstart=", "-p", String(Deno.pid)],
    env: { LC_ALL: "C" },
  }).outputSync();
  const psTime = `ps:${new TextDecoder().decode(out.stdout).trim().replace(/\s+/g, " ")}`;
  ok(processAlive(Deno.pid, psTime), psTime);
  equal(processAlive(Deno.pid, "ps:Thu Jan  1 00:00:00 1970"), false, "same pid, other start");
  const child = new Deno.Command("true").spawn();
  await child.status;
  equal(processAlive(child.pid, psTime), false, "gone");
});

Deno.test("processStartTime() falls back to ps where /proc may not be read", async () => {
  // A child with read access but not --allow-all: Deno refuses it /proc, as in the scoped binary.
  const code = `import { processStartTime, processAlive } from "${
    new URL("./process.ts", import.meta.url).href
  }";
const start = processStartTime(Deno.pid);
console.log(JSON.stringify({ start, alive: processAlive(Deno.pid, start ?? undefined), gone: processAlive(999999999, start ?? undefined) }));`;
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-read", "--allow-run=ps", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(script);
  const text = new TextDecoder().decode(out.stdout).trim();
  ok(out.success, new TextDecoder().decode(out.stderr));
  const result = JSON.parse(text);
  ok(String(result.start).startsWith("ps:"), text);
  equal(result.alive, true);
  equal(result.gone, false);
});
