/**
 * The registry as users run it: an ordinary user (scripts/setup_rootless.ts) starts it over
 * stdio, and it runs a real MCP server in that user's rootless Podman. The tests run as root,
 * so every other test's podman is root's; this one is the rootless path.
 */
import { equal, match, ok } from "node:assert/strict";
import { Client, StdioClientTransport } from "../../src/mcp/sdk_client.ts";
import { LABEL_MANAGED } from "../../src/runtime/podman_args.ts";
import { ourContainers } from "../_helpers/podman.ts";
import { registryEnv } from "../_helpers/processes.ts";
import {
  asUser,
  podmanEnv,
  readableCheckout,
  ROOTLESS,
  userEnv,
  userPodman,
} from "../_helpers/rootless.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The uid a process runs as, from /proc. */
async function uidOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(status.match(/^Uid:\s+(\d+)/m)?.[1]);
}

/** The command lines of process `pid`'s children. */
async function childrenOf(pid: number): Promise<string[]> {
  const out: string[] = [];
  for await (const item of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(item.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${item.name}/stat`).catch(() => "");
    if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== pid) continue;
    const cmd = await Deno.readTextFile(`/proc/${item.name}/cmdline`).catch(() => "");
    out.push(cmd.split("\0").join(" ").trim());
  }
  return out;
}

/** A process's start time in ticks since boot (what the registry's owner label holds). */
async function startTimeOf(pid: number): Promise<string> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

Deno.test({
  name: "as an ordinary user with rootless podman: add memory → call its tool → remove, none left",
  ignore: !ROOTLESS,
  async fn() {
    const user = ROOTLESS!;
    const ours = [
      "ps",
      "--all",
      "--filter",
      `label=${LABEL_MANAGED}=true`,
      "--format",
      "{{.Names}}",
    ];
    // Its cache and data in its home, as a user's would be.
    const dir = await Deno.makeTempDir({ dir: user.home, prefix: "rootless-test-" });
    await Deno.chown(dir, user.uid, user.gid);
    const env = userEnv(user, {
      ...registryEnv(dir, { MCP_REGISTRY_LOG_LEVEL: "warn" }),
      ...podmanEnv(user),
    });
    const [command, ...args] = asUser(user, env, [
      Deno.execPath(),
      "run",
      "--cached-only",
      "--frozen",
      "--allow-all",
      "main.ts",
    ]);
    // The user runs a readable copy: the checkout may sit under a private folder.
    await using checkout = await readableCheckout();
    const transport = new StdioClientTransport({
      command: command!,
      args,
      cwd: checkout.path,
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Uint8Array) => stderr += new TextDecoder().decode(chunk));
    const client = new Client({ name: "rootless-test", version: "1" });
    const call = async (name: string, args: Record<string, unknown> = {}): Promise<Json> => {
      const result = await client.callTool({ name, arguments: args });
      ok(
        !result.isError,
        `${name}: ${JSON.stringify(result.content)}\nregistry stderr:\n${stderr}`,
      );
      return result;
    };

    const started = performance.now();
    await client.connect(transport);
    try {
      const registryPid = transport.pid!;
      equal(await uidOf(registryPid), user.uid, "the registry runs as the user, not as root");

      const addStarted = performance.now();
      const added = (await call("registry-add", { id: "memory" })).structuredContent;
      const addMs = Math.round(performance.now() - addStarted);
      equal(added.status, "started");
      const container = added.container as string;
      match(container, /^mcp-registry-memory-[0-9a-f]{6}$/);

      // The container is in the user's podman, and root's podman knows nothing of it.
      ok((await userPodman(user, ...ours)).split("\n").includes(container), "in the user's podman");
      ok(!(await ourContainers()).includes(container), "not in root's podman");

      const [inspected] = JSON.parse(await userPodman(user, "inspect", container)) as Json[];
      // Its owner is the registry process the user started (pid and start time).
      equal(
        inspected.Config.Labels["io.mcp-registry.owner"],
        `${registryPid}:${await startTimeOf(registryPid)}`,
      );
      // Its files are in the user's store...
      const store = `${user.home}/.local/share/containers/storage/`;
      ok(
        String(inspected.GraphDriver.Data.UpperDir).startsWith(store),
        `upper dir ${inspected.GraphDriver.Data.UpperDir} is in ${store}`,
      );
      // ...and its root is the user on the host: rootless, in the user's user namespace.
      equal(await uidOf(inspected.State.Pid), user.uid, "the container's root is the user");
      const mapped = await Deno.readTextFile(`/proc/${inspected.State.Pid}/uid_map`);
      match(mapped, new RegExp(`^\\s*0\\s+${user.uid}\\s+1$`, "m"), mapped);

      // Attached over the user's one podman API service, with no podman client of its own.
      const podmans = (await childrenOf(registryPid)).filter((c) => /podman/.test(c));
      equal(podmans.length, 1, podmans.join("\n"));
      match(podmans[0]!, /podman system service --time=\d+ unix:\/\/\S+\/podman\.sock$/);
      ok(!/podman API service unavailable/.test(stderr), stderr);

      const entity = `Rootless-${crypto.randomUUID()}`;
      await call("memory__create_entities", {
        entities: [{ name: entity, entityType: "test", observations: ["made rootless"] }],
      });
      const graph = await call("registry-exec", {
        id: "memory",
        tool: "search_nodes",
        arguments: { query: entity },
      });
      ok(
        graph.structuredContent.entities.some((e: Json) => e.name === entity),
        "the tool answered",
      );

      await call("registry-remove", { id: "memory" });
      equal(await userPodman(user, ...ours), "", "no container of ours left in the user's podman");
      console.log(
        `rootless: registry-add ${addMs} ms, whole run ${
          Math.round(performance.now() - started)
        } ms`,
      );
    } finally {
      await client.close();
      // Whatever a failure left behind, so that the next run starts clean.
      const left = await userPodman(user, ...ours).catch(() => "");
      if (left) await userPodman(user, "rm", "--force", "--time", "0", ...left.split("\n"));
      await Deno.remove(dir, { recursive: true });
    }
  },
});
