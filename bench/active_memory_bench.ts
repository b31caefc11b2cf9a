/**
 * Memory per active server outside its container (issue 18: ≤ 10 MB each beyond the first),
 * with real containers (needs podman and the test images; set
 * CONTAINERS_CONF=tests/podman/containers.conf here), both ways side by side:
 *
 * - `run`: one `podman run -i` client per server (the way before), plus podman's conmon;
 * - `service`: one shared `podman system service`, plus podman's conmon per server.
 *
 * Measured: the resident memory (VmRSS) of every process that runs for the servers outside
 * their containers (podman clients or the service, and each container's conmon), with 1 and 5
 * memory servers active, after each answered a tool call. Printed as a table; the benchmarks
 * below time a start until the tools answer, and a stop, each way.
 */
import { Upstream } from "../src/proxy/upstream.ts";
import {
  containerName,
  type ContainerRequest,
  ownerTag,
  serverLabels,
} from "../src/runtime/container_runtime.ts";
import { Podman } from "../src/runtime/podman.ts";
import { DEFAULT_LIMITS } from "../src/runtime/podman_args.ts";
import { HAS_PODMAN, podman } from "../tests/_helpers/podman.ts";

type Mode = "run" | "service";

function memoryRequest(): ContainerRequest {
  return {
    spec: {
      image: "docker.io/mcp/memory:latest",
      command: [],
      env: {},
      volumes: [],
      user: null,
      disableNetwork: true,
    },
    name: containerName("bench-memory"),
    labels: serverLabels("bench-memory", ownerTag()),
    limits: DEFAULT_LIMITS,
  };
}

/** VmRSS of a process in KiB (0 when it is gone). */
function rssKiB(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Ids of this process's children running podman (clients or the service). */
function podmanChildren(): number[] {
  const pids: number[] = [];
  for (const item of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(item.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${item.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== Deno.pid) continue;
      const cmd = Deno.readTextFileSync(`/proc/${item.name}/cmdline`).split("\0")[0] ?? "";
      if (/podman$/.test(cmd)) pids.push(Number(item.name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** What `count` active servers take outside their containers, in MB. */
async function measure(mode: Mode, count: number) {
  const runtime = new Podman({ attach: mode });
  const requests = Array.from({ length: count }, memoryRequest);
  const upstreams: Upstream[] = [];
  try {
    for (const req of requests) {
      upstreams.push(
        await Upstream.start({
          id: req.name,
          attach: () => runtime.attachServer(req),
          command: runtime.serverCommand(req),
        }),
      );
    }
    await Promise.all(upstreams.map((u) => u.callTool("read_graph", {})));
    await new Promise((r) => setTimeout(r, 1_000)); // settle
    const clients = podmanChildren().reduce((sum, pid) => sum + rssKiB(pid), 0);
    let conmons = 0;
    for (const req of requests) {
      const pid = Number(await podman("inspect", "--format", "{{.State.ConmonPid}}", req.name));
      conmons += rssKiB(pid);
    }
    return { clients: clients / 1024, conmons: conmons / 1024 };
  } finally {
    await Promise.all(upstreams.map((u) => u.close()));
    await runtime.remove(requests.map((r) => r.name));
    await runtime.close();
  }
}

if (HAS_PODMAN) {
  const rows: string[] = [];
  const results: Record<string, { clients: number; conmons: number }> = {};
  for (const mode of ["run", "service"] as const) {
    for (const count of [1, 5]) {
      const m = await measure(mode, count);
      results[`${mode}${count}`] = m;
      const total = m.clients + m.conmons;
      rows.push(
        `${mode.padEnd(8)}${String(count).padStart(8)}${m.clients.toFixed(1).padStart(16)}` +
          `${m.conmons.toFixed(1).padStart(10)}${total.toFixed(1).padStart(10)}` +
          `${(total / count).toFixed(1).padStart(12)}`,
      );
    }
  }
  const beyond = (mode: Mode) => {
    const one = results[`${mode}1`]!;
    const five = results[`${mode}5`]!;
    return (five.clients + five.conmons - one.clients - one.conmons) / 4;
  };
  console.log(
    "\nMemory outside the containers (VmRSS, MB), memory servers after a tool call each:\n" +
      "mode     servers  podman clients    conmon     total  per server\n" +
      rows.join("\n") +
      `\neach server beyond the first: run ${beyond("run").toFixed(1)} MB, service ` +
      `${beyond("service").toFixed(1)} MB (goal ≤ 10 MB)\n`,
  );

  for (const mode of ["run", "service"] as const) {
    const runtime = new Podman({ attach: mode });
    Deno.bench(`start a memory server until its tools answer, then stop it (${mode})`, {
      group: "start",
      baseline: mode === "run",
      n: 5,
      warmup: 1,
    }, async (b) => {
      const req = memoryRequest();
      b.start();
      const upstream = await Upstream.start({
        id: req.name,
        attach: () => runtime.attachServer(req),
        command: runtime.serverCommand(req),
      });
      await upstream.callTool("read_graph", {});
      await upstream.close();
      await runtime.remove([req.name]);
      b.end();
    });
    globalThis.addEventListener("unload", () => {
      // Benchmarks end without a hook to await: the service is stopped by its idle time (30 s)
      // at the latest; stop it now.
      const pid = runtime.attachStatus().servicePid;
      try {
        if (pid) Deno.kill(pid, "SIGTERM");
      } catch {
        // gone already
      }
    });
  }
}
