/**
 * A running server's own tool results are masked: a server may repeat a secret it was given
 * (an echo tool, a debug dump, an error page), and the registry never passes a stored secret
 * value on to the agent, in the text or in `structuredContent`.
 */
import { doesNotMatch, equal, match } from "node:assert/strict";
import { HAS_PODMAN } from "../_helpers/podman.ts";
import { openTestRegistry, testEntry, textOf } from "../_helpers/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const echo = testEntry({
  id: "echo-secret",
  container_image: "localhost/mcp-registry-test/everything:latest",
  run: { command: ["stdio"], env: {} } as Json,
  config: { secrets: [{ name: "echo-secret.token", env: "ECHO_TOKEN" }] } as Json,
});

Deno.test({
  name:
    "a secret a server repeats in its tool result is masked, through the exposed tool and registry-exec",
  ignore: !HAS_PODMAN,
  async fn() {
    const canary = `canary-${crypto.randomUUID()}`;
    await using t = await openTestRegistry({ entries: [echo] });
    const added = await t.call("registry-add", {
      id: "echo-secret",
      config: { "echo-secret.token": canary },
    });
    equal(added.isError, undefined, textOf(added));
    for (
      const result of [
        await t.call("echo-secret__echo", { message: `the key is ${canary}!` }),
        await t.call("registry-exec", {
          id: "echo-secret",
          tool: "echo",
          arguments: { message: canary },
        }),
      ]
    ) {
      equal(result.isError, undefined, textOf(result));
      const whole = JSON.stringify(result);
      doesNotMatch(whole, new RegExp(canary), "the secret never reaches the agent");
      match(textOf(result), /\*{8}/, "it is replaced by the mask");
    }
    // Text that is not a secret comes back unchanged.
    const plain = await t.call("echo-secret__echo", { message: "hello" });
    match(textOf(plain), /hello/);
  },
});
