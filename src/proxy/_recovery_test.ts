import { equal } from "node:assert/strict";
import { ContainerRuntimeError } from "../runtime/container_runtime.ts";
import { LaunchError } from "../runtime/launch_spec.ts";
import { PodmanError } from "../runtime/podman.ts";
import { isPermanent } from "./_recovery.ts";

Deno.test("`isPermanent()` goes by the failure's type: settings, no runtime, no image", () => {
  equal(isPermanent(new LaunchError("memory needs paths first")), true);
  equal(isPermanent(new ContainerRuntimeError("not installed", "unavailable")), true);
  equal(isPermanent(new PodmanError("Cannot pull the image x", "image")), true);
  equal(isPermanent(new PodmanError("podman rm failed: busy")), false);
  equal(isPermanent(new Error("memory did not start: the server exited")), false);
});

Deno.test("`isPermanent()` no longer reads the message: a server's words are not a verdict", () => {
  equal(isPermanent(new Error("podman is not installed or not on PATH")), false);
  equal(isPermanent(new Error("Cannot pull the image x")), false);
  equal(isPermanent(new Error("x needs KEY first")), false);
});
