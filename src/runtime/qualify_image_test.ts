import { equal } from "node:assert/strict";
import { qualifyImage } from "./launch_spec.ts";

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
