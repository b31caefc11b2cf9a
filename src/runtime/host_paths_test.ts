import { equal, throws } from "node:assert/strict";
import { checkVolume, homeProtectedPaths, LaunchError } from "./launch_spec.ts";

Deno.test("checkVolume() keeps the user's keys and settings out of containers", () => {
  const protect = homeProtectedPaths("/home/u");
  const check = (v: string) => checkVolume(v, { id: "x" }, protect, ["/home/u"]);
  for (const path of ["/home/u", "/home/u/.ssh", "/home/u/.config/containers", "/home/u/.bashrc"]) {
    throws(() => check(`${path}:/x`), LaunchError, path);
  }
  throws(() => check("/home:/x"), /volume "\/home:\/x" refused/);
  equal(check("/home/u/projects:/work"), "/home/u/projects:/work");
  equal(check("/tmp/scratch:/s"), "/tmp/scratch:/s");
});
