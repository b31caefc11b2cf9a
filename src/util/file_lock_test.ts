import { equal, rejects } from "node:assert/strict";
import { LockError, withFileLock } from "./file_lock.ts";

Deno.test("`withFileLock()` says what the holder is doing when it cannot get the lock", async () => {
  const dir = await Deno.makeTempDir({ prefix: "file-lock-" });
  try {
    const target = `${dir}/secrets.json`;
    // A live holder: this very process, stamped now.
    await Deno.writeTextFile(`${target}.lock`, `${Deno.pid}:${Date.now()}`);
    await rejects(
      () =>
        withFileLock(
          { target, doing: "changing settings in", waitMs: 300 },
          () => Promise.resolve(),
        ),
      (error: Error) =>
        error instanceof LockError &&
        error.message === `another mcp-registry is changing settings in ${target}; try again later`,
    );
    await Deno.remove(`${target}.lock`);
    equal(await withFileLock({ target, doing: "x" }, () => Promise.resolve(1)), 1);
    // Nested calls for the same target do not wait for themselves.
    equal(
      await withFileLock(
        { target, doing: "x" },
        () => withFileLock({ target, doing: "x" }, () => Promise.resolve(2)),
      ),
      2,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
