import { deepEqual, equal, match, rejects } from "node:assert/strict";
import { minimalEntry } from "../catalog/entry.ts";
import { readConfig } from "../config.ts";
import type { ContainerRuntime } from "../runtime/container_runtime.ts";
import { RunMarkStore } from "../store/run_marks.ts";
import { RunPlanStore } from "../store/run_plans.ts";
import { baseImagesOf } from "./_build_files.ts";
import {
  BuildError,
  buildSpecOf,
  consentQuestion,
  needsRunFlow,
  prepareRun,
  runnableEntry,
} from "./build_flow.ts";

const repoEntry = minimalEntry({
  id: "aws-thing",
  launch_method: "none",
  repo_url: "https://github.com/acme/thing",
  repo_subfolder: "src/thing",
});

Deno.test("`buildSpecOf()` takes build entries and none entries naming a public forge repository", () => {
  deepEqual(buildSpecOf(repoEntry), {
    repo: "https://github.com/acme/thing",
    directory: "src/thing",
  });
  equal(needsRunFlow(minimalEntry({ id: "x", launch_method: "none", repo_url: null })), false);
  equal(
    needsRunFlow(minimalEntry({ id: "x", launch_method: "none", repo_url: "git@github.com:a/b" })),
    false,
    "only https repositories are cloned for a catalog entry",
  );
  // A catalog from the web names only public forges: no other host, port, credentials or path.
  for (
    const url of [
      "https://a.io/x/y",
      "https://localhost/x/y",
      "https://169.254.169.254/x/y",
      "https://github.com:8443/x/y",
      "https://token@github.com/x/y",
      "https://github.com/x/y/../../z",
      "http://github.com/x/y",
      "file:///etc",
      "https://github.com/--upload-pack/x",
      "https://github.com/../..",
    ]
  ) {
    equal(
      needsRunFlow(minimalEntry({ id: "x", launch_method: "none", repo_url: url })),
      false,
      url,
    );
  }
  equal(
    needsRunFlow(
      minimalEntry({ id: "x", launch_method: "none", repo_url: "https://codeberg.org/a/b.c" }),
    ),
    true,
  );
  equal(
    needsRunFlow(
      minimalEntry({ id: "x", launch_method: "podman", repo_url: "https://github.com/a/b" }),
    ),
    false,
  );
  const local = minimalEntry({
    id: "l",
    launch_method: "build",
    build: { repo: "/tmp/r", commit: "abc1234" },
  });
  deepEqual(buildSpecOf(local), { repo: "/tmp/r", commit: "abc1234" });
});

Deno.test("`runnableEntry()` runs an entry by its kept plan, and only a plan that fits", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const plans = new RunPlanStore(kv);
    equal(runnableEntry(repoEntry, plans), repoEntry, "no plan: the entry itself");
    equal(runnableEntry(undefined, plans), undefined);
    const plan = {
      kind: "package" as const,
      repo: "https://github.com/acme/thing",
      commit: "a".repeat(40),
      directory: "src/thing",
      file: "package.json",
      package: { registry: "npm" as const, name: "thing", version: "1.2.3" },
    };
    await plans.set("aws-thing", plan);
    const pkg = runnableEntry(repoEntry, plans);
    equal(pkg.launch_method, "stdio-proxy");
    deepEqual(pkg.run.package, { registry: "npm", name: "thing", version: "1.2.3" });
    const other = { ...repoEntry, repo_subfolder: "src/other" };
    equal(runnableEntry(other, plans), other, "a plan for another folder does not fit");
    await plans.set("aws-thing", { ...plan, kind: "recipe", file: "node", image: "localhost/x:1" });
    const image = runnableEntry(repoEntry, plans);
    deepEqual([image.launch_method, image.container_image], ["podman", "localhost/x:1"]);
    // Read back from Kv, as after a restart.
    const again = new RunPlanStore(kv);
    await again.load();
    equal(again.get("aws-thing")?.image, "localhost/x:1");
    equal(
      consentQuestion(repoEntry, again.get("aws-thing")!),
      "Build aws-thing from https://github.com/acme/thing at commit aaaaaaaaaaaa (the node " +
        "source recipe) and run it in a container?",
    );
  } finally {
    kv.close();
  }
});

Deno.test("`baseImagesOf()` lists FROM images, not stages, scratch or ARG references", () => {
  deepEqual(
    baseImagesOf(
      "ARG BASE=x\nFROM --platform=linux/amd64 golang:1.23 AS build\nRUN go build\n" +
        "FROM build AS test\nFROM $BASE\nFROM scratch\nfrom \\\n  gcr.io/distroless/static\n",
    ),
    ["golang:1.23", "gcr.io/distroless/static"],
  );
});

Deno.test("`readConfig()` reads the build settings, the runtime images defaulting to the builders", () => {
  const config = readConfig({
    HOME: "/home/u",
    MCP_REGISTRY_BUILD_NODE_IMAGE: "localhost/node:base",
    MCP_REGISTRY_NPM_REGISTRY: "http://127.0.0.1:4873/",
    MCP_REGISTRY_BUILD_MAX_CLONE_MB: "20",
  });
  equal(config.build.images.nodeRuntime, "localhost/node:base");
  equal(config.build.images.goRuntime, "gcr.io/distroless/static-debian12");
  equal(config.build.packageRegistries.npm, "http://127.0.0.1:4873");
  equal(config.build.packageRegistries.pypi, "https://pypi.org");
  equal(config.build.maxCloneMb, 20);
});

Deno.test("`prepareRun()` marks what the entry caused, not a cancel or this machine's network", async () => {
  const kv = await Deno.openKv(":memory:");
  const cacheDir = await Deno.makeTempDir({ prefix: "build_flow_test_" });
  try {
    const runMarks = new RunMarkStore(kv);
    // Only `imageExists` is reached before the clone fails.
    const runtime = { imageExists: () => Promise.resolve(false) } as unknown as ContainerRuntime;
    const entry = (id: string, repo: string) =>
      minimalEntry({ id, launch_method: "build", build: { repo } });
    const options = { build: false, cacheDir, runtime, runMarks };
    await rejects(() => prepareRun(entry("gone", `${cacheDir}/no-such-repo`), options), BuildError);
    match(runMarks.get("gone")?.reason ?? "", /^gone: git fetch failed/);
    const stop = new AbortController();
    stop.abort();
    await rejects(
      () =>
        prepareRun(entry("stopped", `${cacheDir}/no-such-repo`), {
          ...options,
          signal: stop.signal,
        }),
      BuildError,
    );
    equal(runMarks.get("stopped"), undefined, "a cancel says nothing about the entry");
    await rejects(
      () => prepareRun(entry("offline", "https://nonexistent.invalid/a/b"), options),
      /Could not resolve host/,
    );
    equal(runMarks.get("offline"), undefined, "no network here says nothing about the entry");
  } finally {
    kv.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
});
