import { deepEqual, equal, match, ok } from "node:assert/strict";
import { config, entry } from "./_test_entries.ts";
import { buildLaunchSpec, type LaunchSpec } from "./launch_spec.ts";
import { serverLabels } from "./container_runtime.ts";
import {
  DEFAULT_LIMITS,
  LABEL_MANAGED,
  LABEL_OWNER,
  LABEL_SERVER,
  podmanRunArgs,
} from "./podman_args.ts";

/** The arguments for `spec` with fixed name, id and owner. */
function argsFor(spec: LaunchSpec, serverId = "memory"): string[] {
  return podmanRunArgs({
    spec,
    name: `mcp-registry-${serverId}-0a1b2c`,
    labels: serverLabels(serverId, "4242:987654"),
    limits: DEFAULT_LIMITS,
  });
}

Deno.test("`podmanRunArgs()` builds the exact arguments for a small spec", () => {
  const spec: LaunchSpec = {
    image: "docker.io/mcp/memory",
    command: ["--verbose", "serve"],
    env: { ZED: "z-value", ALPHA: "a-value", MIDDLE: "m-value" },
    volumes: ["claude-memory:/app/dist", "/tmp/a:/tmp/a:ro"],
    user: "1000:1000",
    disableNetwork: false,
  };
  deepEqual(argsFor(spec), [
    "run",
    "--rm",
    "-i",
    "--init",
    "--security-opt",
    "no-new-privileges",
    "--cap-drop",
    "all",
    "--memory",
    "512m",
    "--cpus",
    "1",
    "--pids-limit",
    "256",
    "--pull",
    "never",
    "--http-proxy=false",
    "--name",
    "mcp-registry-memory-0a1b2c",
    "--label",
    "io.mcp-registry.managed=true",
    "--label",
    "io.mcp-registry.server=memory",
    "--label",
    "io.mcp-registry.owner=4242:987654",
    "-e",
    "ALPHA",
    "-e",
    "MIDDLE",
    "-e",
    "ZED",
    "-v",
    "claude-memory:/app/dist",
    "-v",
    "/tmp/a:/tmp/a:ro",
    "--user",
    "1000:1000",
    "docker.io/mcp/memory",
    "--verbose",
    "serve",
  ]);
});

Deno.test("`podmanRunArgs()` for the real memory entry: labels, named volume, no network option", () => {
  const args = argsFor(buildLaunchSpec(entry("memory"), config()));
  deepEqual(args.slice(-3), ["-v", "claude-memory:/app/dist", "docker.io/mcp/memory"]);
  ok(!args.includes("--network"));
  ok(!args.includes("--user"));
  ok(!args.includes("-e"));
  equal(`${LABEL_MANAGED}=true`, "io.mcp-registry.managed=true");
  ok(args.includes(`${LABEL_SERVER}=memory`));
  ok(args.includes(`${LABEL_OWNER}=4242:987654`));
});

Deno.test("`podmanRunArgs()` adds `--network none` only when the spec disables the network", () => {
  const filesystem = buildLaunchSpec(
    entry("filesystem"),
    config({ params: { paths: ["/tmp/a"] } }),
  );
  const args = argsFor(filesystem, "filesystem");
  const at = args.indexOf("--network");
  ok(at > 0);
  equal(args[at + 1], "none");
  equal(args.filter((a) => a === "--network").length, 1);
  ok(at < args.indexOf("-v"), "--network comes before the volumes");
  deepEqual(args.slice(-4), ["-v", "/tmp/a:/tmp/a", "docker.io/mcp/filesystem", "/tmp/a"]);

  ok(!argsFor({ ...filesystem, disableNetwork: false }).includes("--network"));
  ok(
    !argsFor(buildLaunchSpec(
      entry("github-official"),
      config({
        secrets: { "github.personal_access_token": "ghp_x" },
      }),
    )).includes("none"),
  );
});

Deno.test("`podmanRunArgs()` uses the given limits", () => {
  const args = podmanRunArgs({
    spec: buildLaunchSpec(entry("memory"), config()),
    name: "mcp-registry-memory-ffffff",
    labels: serverLabels("memory", "1:2"),
    limits: { memory: "1g", cpus: "2.5", pids: 64 },
  });
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  equal(after("--memory"), "1g");
  equal(after("--cpus"), "2.5");
  equal(after("--pids-limit"), "64");
  equal(after("--name"), "mcp-registry-memory-ffffff");
});

Deno.test("`podmanRunArgs()` never puts an environment value in argv, only its name", () => {
  const specs: [string, LaunchSpec][] = [
    [
      "notion",
      buildLaunchSpec(
        entry("notion"),
        config({ secrets: { "notion.internal_integration_token": "ntn_TOPSECRET_1" } }),
      ),
    ],
    [
      "github-official",
      buildLaunchSpec(
        entry("github-official"),
        config({ secrets: { "github.personal_access_token": "ghp_TOPSECRET_2" } }),
      ),
    ],
    [
      "uberall",
      buildLaunchSpec(
        entry("uberall"),
        config({
          secrets: { "uberall.access_token": "TOPSECRET_3" },
          params: { uberall_access_token: "TOPSECRET_3" },
        }),
      ),
    ],
    [
      "novita",
      buildLaunchSpec(entry("novita"), config({ env: { NOVITA_API_KEY: "TOPSECRET_4" } })),
    ],
  ];
  for (const [id, spec] of specs) {
    const values = Object.values(spec.env);
    ok(values.length > 0, `${id} has environment values`);
    const args = argsFor(spec, id);
    for (const value of values) {
      for (const arg of args) ok(!arg.includes(value), `${id}: argument "${arg}" holds a value`);
    }
    for (const arg of args) ok(!/TOPSECRET/.test(arg), `${id}: argument "${arg}" holds a secret`);
    const names = args.flatMap((a, i) => (args[i - 1] === "-e" ? [a] : []));
    deepEqual(names, Object.keys(spec.env).sort());
  }
});

Deno.test("`podmanRunArgs()` puts the image after every option and the command after the image", () => {
  const spec = buildLaunchSpec(
    entry("aks"),
    config({
      params: {
        azure_dir: "/home/u/.azure",
        kubeconfig: "/home/u/.kube/config",
        container_user: "1000",
      },
    }),
  );
  const args = argsFor(spec, "aks");
  const image = args.indexOf("docker.io/mcp/aks");
  ok(image > 0);
  deepEqual(args.slice(image + 1), spec.command);
  match(args[image + 1]!, /^--transport=stdio$/); // the entry's own flags go to the server
  for (const option of ["--rm", "--name", "--label", "-v", "--user", "--cap-drop", "--pull"]) {
    const at = args.indexOf(option);
    ok(at >= 0 && at < image, `${option} comes before the image`);
  }
  deepEqual(args.slice(image - 2, image), ["--user", "1000"]);
});
