import { equal, throws } from "node:assert/strict";
import { checkVolume, homeProtectedPaths, LaunchError, qualifyImage } from "./launch_spec.ts";

Deno.test("qualifyImage() refuses image names podman could read as options", () => {
  for (
    const image of [
      "--volume=./../../..:/host",
      "-v/:/host",
      "mcp/memory --privileged",
      "mcp/memory;rm",
      "MCP/Upper",
      "",
    ]
  ) {
    throws(() => qualifyImage(image), LaunchError, image);
  }
  equal(
    qualifyImage("mcp/memory@sha256:" + "a".repeat(64)),
    `docker.io/mcp/memory@sha256:${"a".repeat(64)}`,
  );
});

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
