import { equal, match, notEqual, ok } from "node:assert/strict";
import { snapshot } from "./_test_entries.ts";
import {
  containerName,
  ContainerRuntimeError,
  LABEL_MANAGED,
  LABEL_OWNER,
  LABEL_SERVER,
  ownerAlive,
  ownerTag,
  serverLabels,
} from "./container_runtime.ts";

const NAME_PATTERN = /^mcp-registry-[a-z0-9-]+-[0-9a-f]{6}$/;

Deno.test("`containerName()` is `mcp-registry-<id>-<6 hex>`", () => {
  const name = containerName("github-official");
  match(name, NAME_PATTERN);
  ok(name.startsWith("mcp-registry-github-official-"));
  for (const e of snapshot.entries) match(containerName(e.id), NAME_PATTERN);
});

Deno.test("`containerName()` cuts long ids to 40 characters without a trailing hyphen", () => {
  const long = "x".repeat(60);
  const name = containerName(long);
  match(name, NAME_PATTERN);
  equal(name, `mcp-registry-${"x".repeat(40)}-${name.slice(-6)}`);

  // The 40th character is a hyphen: "a-very-long-server-identifier-from-some-".
  const cut = containerName("a-very-long-server-identifier-from-some-registry-that-goes-on");
  match(cut, NAME_PATTERN);
  equal(cut, `mcp-registry-a-very-long-server-identifier-from-some-${cut.slice(-6)}`);
  ok(!cut.includes("--"));
});

Deno.test("`containerName()` differs between two calls", () => {
  notEqual(containerName("memory"), containerName("memory"));
});

Deno.test("`serverLabels()` marks the container as ours, with its server and owner", () => {
  const labels = serverLabels("memory", "4242:987654");
  equal(labels[LABEL_MANAGED], "true");
  equal(labels[LABEL_SERVER], "memory");
  equal(labels[LABEL_OWNER], "4242:987654");
});

Deno.test("`ownerAlive()` knows this process and not a pid that no process has", () => {
  ok(ownerAlive(ownerTag()));
  ok(!ownerAlive("999999999:0"));
  ok(!ownerAlive("not-a-pid"));
});

Deno.test("`ContainerRuntimeError` is permanent for a missing engine or image, not a failed command", () => {
  ok(new ContainerRuntimeError("x", "unavailable").permanent);
  ok(new ContainerRuntimeError("x", "image").permanent);
  ok(!new ContainerRuntimeError("x").permanent);
});
