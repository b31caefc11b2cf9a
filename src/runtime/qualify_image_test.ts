import { equal, throws } from "node:assert/strict";
import { LaunchError, qualifyImage } from "./launch_spec.ts";

Deno.test("qualifyImage() names Docker's short image names in full", () => {
  equal(qualifyImage("mcp/memory"), "docker.io/mcp/memory");
  equal(qualifyImage("mcp/memory:1.2"), "docker.io/mcp/memory:1.2");
  equal(qualifyImage("node"), "docker.io/library/node");
  equal(qualifyImage("ghcr.io/github/github-mcp-server"), "ghcr.io/github/github-mcp-server");
  equal(qualifyImage("localhost/test/x:1"), "localhost/test/x:1");
  equal(qualifyImage("registry:5000/x"), "registry:5000/x");
  equal(
    qualifyImage("mcr.microsoft.com/azure-sdk/azure-mcp"),
    "mcr.microsoft.com/azure-sdk/azure-mcp",
  );
});

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
