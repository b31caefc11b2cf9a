import { equal, rejects } from "node:assert/strict";
import { isDatabaseLocked, retryLocked } from "./retry.ts";

Deno.test("isDatabaseLocked() knows SQLite's lock errors and nothing else", () => {
  equal(isDatabaseLocked(new TypeError("database is locked")), true);
  equal(isDatabaseLocked(new Error("SQLITE_BUSY: busy")), true);
  equal(isDatabaseLocked(new Error("value too large")), false);
  equal(isDatabaseLocked("database is locked"), false, "only an error thrown by Kv counts");
});

Deno.test("retryLocked() tries a locked write again, and throws anything else at once", async () => {
  let calls = 0;
  const value = await retryLocked(() => {
    calls++;
    return calls < 3 ? Promise.reject(new Error("database is locked")) : Promise.resolve("done");
  });
  equal(value, "done");
  equal(calls, 3);

  calls = 0;
  await rejects(
    retryLocked(() => {
      calls++;
      return Promise.reject(new RangeError("bad key"));
    }),
    RangeError,
  );
  equal(calls, 1);
});
