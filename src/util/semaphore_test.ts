import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { Semaphore } from "./semaphore.ts";

Deno.test("Semaphore lets `limit` holders in at once and serves waiters in order", async () => {
  const slots = new Semaphore(2);
  const order: string[] = [];
  const a = await slots.acquire();
  const b = await slots.acquire();
  const c = slots.acquire().then((release) => (order.push("c"), release));
  const d = slots.acquire().then((release) => (order.push("d"), release));
  await Promise.resolve();
  deepEqual(order, [], "both places are taken");
  a();
  a(); // a second release gives nothing back
  (await c)();
  b();
  (await d)();
  deepEqual(order, ["c", "d"]);
  const e = await slots.acquire();
  const f = await slots.acquire();
  e();
  f();
});

Deno.test("Semaphore ends a wait when its signal aborts, and keeps the place for others", async () => {
  const slots = new Semaphore(1);
  const held = await slots.acquire();
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  controller.abort(new Error("stop waiting"));
  await rejects(waiting, /stop waiting/);
  let next = false;
  const after = slots.acquire().then((release) => {
    next = true;
    return release;
  });
  held();
  (await after)();
  equal(next, true);
});

Deno.test("Semaphore refuses a limit below 1", () => {
  throws(() => new Semaphore(0), RangeError);
});
