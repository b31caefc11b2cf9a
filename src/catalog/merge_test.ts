import { deepEqual as equal } from "node:assert/strict";
import { type CatalogEntry, minimalEntry } from "./entry.ts";
import { memberKey, mergeSources } from "./merge.ts";
import { imageKey, repoKey, splitRepoLink } from "./names.ts";

function entry(source: string, id: string, fields: Partial<CatalogEntry> = {}): CatalogEntry {
  return minimalEntry({ id, name: id, source, sources: [source], ...fields });
}

Deno.test("mergeSources() joins one server found by two sources by repository and folder", () => {
  const docker = entry("docker", "memory", {
    repo_url: "https://github.com/modelcontextprotocol/servers",
    repo_subfolder: "src/memory",
    container_image: "mcp/memory",
    description: "Knowledge graph memory.",
    tools: [{ name: "create_entities", description: "" }],
    links: { docker: "https://hub.docker.com/mcp/server/memory/overview" },
    categories: ["ai"],
  });
  const awesome = entry("awesome", "memory-server", {
    name: "Memory",
    title: "Memory",
    repo_url: "https://github.com/modelcontextprotocol/servers",
    repo_subfolder: "src/memory",
    launch_method: "none",
    official: true,
    description: "Knowledge graph-based persistent memory system for agents.",
    links: { awesome: "https://github.com/wong2/awesome-mcp-servers#reference-servers" },
    tags: ["reference"],
  });
  const { entries, ids } = mergeSources([[docker], [awesome]]);
  equal(entries.length, 1);
  const merged = entries[0]!;
  equal(merged.id, "memory");
  equal(merged.sources, ["docker", "awesome"]);
  equal(merged.launch_method, "podman", "how to run it comes from the source that knows");
  equal(merged.container_image, "mcp/memory");
  equal(merged.official, true);
  equal(merged.description, "Knowledge graph-based persistent memory system for agents.");
  equal(merged.categories, ["ai"]);
  equal(merged.tags, ["reference"]);
  equal(Object.keys(merged.links).sort(), ["awesome", "docker"]);
  equal(merged.aliases, ["memory-server"]);
  equal(merged.tools.length, 1);
  equal(ids.get(memberKey(awesome)), "memory");
});

Deno.test("mergeSources() joins by image whatever the registry prefix and tag", () => {
  const docker = entry("docker", "github", { container_image: "mcp/github" });
  const official = entry("official", "github-mcp", {
    container_image: "docker.io/mcp/github:1.2.0",
    launch_method: "podman",
  });
  const { entries } = mergeSources([[docker], [official]]);
  equal(entries.map((e) => [e.id, e.sources]), [["github", ["docker", "official"]]]);
});

Deno.test("mergeSources() leaves a monorepo listed once per server apart", () => {
  const repo = "https://github.com/awslabs/mcp";
  const docker = [
    entry("docker", "aws-a", { repo_url: repo }),
    entry("docker", "aws-b", { repo_url: repo }),
  ];
  const awesome = [entry("awesome", "aws", { repo_url: repo, launch_method: "none" })];
  const { entries } = mergeSources([docker, awesome]);
  equal(entries.map((e) => e.id).sort(), ["aws", "aws-a", "aws-b"]);
  equal(entries.every((e) => e.sources.length === 1), true);
});

Deno.test("mergeSources() never puts two entries of one source in one group", () => {
  // A shares an image with X, X a repository with B: A and B are both docker.
  const a = entry("docker", "a", { container_image: "mcp/a" });
  const b = entry("docker", "b", { repo_url: "https://github.com/o/b" });
  const x = entry("official", "x", {
    container_image: "mcp/a",
    repo_url: "https://github.com/o/b",
  });
  const { entries } = mergeSources([[a, b], [x]]);
  equal(entries.length, 2);
  equal(entries.find((e) => e.id === "a")?.sources, ["docker", "official"]);
  equal(entries.find((e) => e.id === "b")?.sources, ["docker"]);
});

Deno.test("mergeSources() gives a clashing id a source suffix, and keeps ids it remembers", () => {
  const docker = entry("docker", "weather", { repo_url: "https://github.com/a/weather" });
  const official = entry("official", "weather", { repo_url: "https://github.com/b/weather" });
  const first = mergeSources([[docker], [official]]);
  equal(first.entries.map((e) => e.id).sort(), ["weather", "weather-official"]);

  // Later the official one is seen first (docker switched off, then back on): ids stay.
  const alone = mergeSources([[], [official]], first.ids);
  equal(alone.entries.map((e) => e.id), ["weather-official"]);
  const back = mergeSources([[docker], [official]], first.ids);
  equal(back.entries.map((e) => e.id).sort(), ["weather", "weather-official"]);

  // Without the memory, a newcomer with a higher priority would take the old id.
  const newcomer = entry("local", "weather", { repo_url: "https://github.com/c/weather" });
  const remembered = mergeSources([[newcomer], [docker], [official]], first.ids);
  const byRepo = new Map(remembered.entries.map((e) => [e.repo_url, e.id]));
  equal(byRepo.get("https://github.com/a/weather"), "weather");
  equal(byRepo.get("https://github.com/b/weather"), "weather-official");
  equal(byRepo.get("https://github.com/c/weather"), "weather-local");
});

Deno.test("mergeSources() gives the same result whatever the order of a source's entries", () => {
  const list = Array.from(
    { length: 30 },
    (_, i) =>
      entry("official", `s${i % 7}`, {
        name: `io.github.o${i}/s`,
        repo_url: `https://github.com/o${i}/s`,
      }),
  );
  const one = mergeSources([list]).entries.map((e) => `${e.name}=${e.id}`).sort();
  const two = mergeSources([[...list].reverse()]).entries.map((e) => `${e.name}=${e.id}`).sort();
  equal(one, two);
  equal(new Set(one.map((x) => x.split("=")[1])).size, 30, "every id is unique");
});

Deno.test("mergeSources() takes launch details whole from the highest source that has them", () => {
  const awesome = entry("awesome", "foo", {
    repo_url: "https://github.com/o/foo",
    launch_method: "none",
    requires_api_key: true,
  });
  const official = entry("official", "foo", {
    repo_url: "https://github.com/o/foo",
    launch_method: "stdio-proxy",
    run: {
      command: [],
      volumes: [],
      env: {},
      disable_network: false,
      allow_hosts: [],
      long_lived: false,
      package: { registry: "npm", name: "foo", version: "1.0.0" },
    },
    config: { env: [], secrets: [{ name: "foo.token", env: "FOO_TOKEN" }] },
    requires_api_key: true,
  });
  const { entries } = mergeSources([[official], [awesome]]);
  equal(entries[0]?.launch_method, "stdio-proxy");
  equal(entries[0]?.run.package?.name, "foo");
  equal(entries[0]?.config.secrets.map((s) => s.env), ["FOO_TOKEN"]);
  equal(entries[0]?.sources, ["official", "awesome"]);
});

Deno.test("splitRepoLink() and the keys find one repository in its many spellings", () => {
  // The repository is one whatever its case; the folder keeps its case (a clone's is exact).
  equal(splitRepoLink("https://github.com/Org/Repo/tree/main/src/Memory"), {
    repo: "https://github.com/org/repo",
    subfolder: "src/Memory",
  });
  equal(
    repoKey("https://github.com/Org/Repo", "src/Memory"),
    repoKey("https://github.com/org/repo", "src/memory"),
  );
  equal(
    splitRepoLink("https://github.com/org/repo/blob/main/servers/x/README.md").subfolder,
    "servers/x",
  );
  equal(splitRepoLink("git@github.com:org/repo.git").repo, "https://github.com/org/repo");
  equal(
    splitRepoLink("https://www.github.com/org/repo#readme").repo,
    "https://github.com/org/repo",
  );
  equal(splitRepoLink("https://gitlab.com/g/p/-/tree/main/sub").subfolder, "sub");
  equal(splitRepoLink("https://example.com/docs/").repo, "https://example.com/docs");
  equal(repoKey("https://github.com/Org/Repo.git", "/src/x/"), "github.com/org/repo/src/x");
  equal(imageKey("docker.io/library/node:22"), "node");
  equal(imageKey("ghcr.io/o/i@sha256:abcdef"), "ghcr.io/o/i");
  equal(imageKey("localhost:5000/o/i:1"), "localhost:5000/o/i");
});
