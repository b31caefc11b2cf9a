import { equal, match } from "node:assert/strict";
import { checkGit } from "./git.ts";

Deno.test("checkGit() fails on a git that is not installed and passes on the real one", async () => {
  const missing = await checkGit({ binary: "/nonexistent/git" });
  equal(missing.status, "failed");
  match(missing.fix!, /sudo dnf install git/);
  match(missing.fix!, /sudo apt install git/);
  const real = await checkGit();
  equal(real.status, "ok", real.detail);
  match(real.detail, /^git version \d/);
});
