import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { normalizeRepoUrl, parseDockerServer } from "./_docker_server_yaml.ts";

const at = "2026-01-01T00:00:00.000Z";
const parse = (yaml: string, toolsJson?: string) =>
  parseDockerServer(yaml, { dirName: "dir-name", toolsJson, refreshedAt: at });

Deno.test("parseDockerServer() maps a container server with secrets, env and volumes", () => {
  const { entry, warnings } = parse(`
name: github-official
image: ghcr.io/github/github-mcp-server
type: server
meta: { category: DevOps, tags: [github, DevOps] }
about: { title: GitHub Official, description: " Official GitHub server. " }
source: { project: https://github.com/GitHub/github-mcp-server.git }
run:
  command: ["--toolsets={{github-official.toolsets}}", 42]
  volumes: ["{{github-official.dir|volume}}:/data"]
  allowHosts: [api.github.com:443]
config:
  secrets:
    - { name: github.personal_access_token, env: GITHUB_PERSONAL_ACCESS_TOKEN, example: x }
  env:
    - { name: GITHUB_HOST, value: "{{github-official.host}}", example: github.com }
  parameters: { type: object, properties: { host: { type: string } } }
`);
  deepEqual(warnings, []);
  equal(entry.launch_method, "podman");
  equal(entry.container_image, "ghcr.io/github/github-mcp-server");
  equal(entry.official, false, "only Docker's own mcp/ images are official");
  equal(entry.requires_api_key, true);
  equal(entry.description, "Official GitHub server.");
  equal(entry.repo_url, "https://github.com/github/github-mcp-server");
  deepEqual(entry.categories, ["devops"]);
  deepEqual(entry.tags, ["github", "devops"]);
  deepEqual(entry.run.command, ["--toolsets={{github-official.toolsets}}", "42"]);
  deepEqual(entry.run.allow_hosts, ["api.github.com:443"]);
  deepEqual(entry.config.secrets, [
    { name: "github.personal_access_token", env: "GITHUB_PERSONAL_ACCESS_TOKEN", example: "x" },
  ]);
  deepEqual(entry.config.env, [
    { name: "GITHUB_HOST", value: "{{github-official.host}}", example: "github.com" },
  ]);
  equal(entry.last_refreshed, at);
});

Deno.test("parseDockerServer() marks Docker's mcp/ images official", () => {
  for (const image of ["mcp/memory", "docker.io/mcp/memory"]) {
    ok(parse(`name: m\nimage: ${image}\n`).entry.official, image);
  }
  equal(parse("name: m\nimage: evil/mcp/memory\n").entry.official, false);
});

Deno.test("parseDockerServer() maps remote servers with headers and oauth", () => {
  const { entry } = parse(`
name: notion-remote
type: remote
dynamic: { tools: true }
remote: { transport_type: sse, url: https://mcp.example.com/sse, headers: { Authorization: "Bearer \${TOKEN}" } }
oauth: [{ provider: notion, secret: notion-remote.token, env: TOKEN }]
`);
  equal(entry.launch_method, "remote-http");
  deepEqual(entry.remote, {
    url: "https://mcp.example.com/sse",
    transport: "sse",
    headers: { Authorization: "Bearer ${TOKEN}" },
  });
  equal(entry.dynamic_tools, true);
  equal(entry.requires_api_key, true, "an OAuth secret is a key to provide");
  equal(entry.container_image, null);
});

Deno.test("parseDockerServer() treats optional secrets as not requiring a key", () => {
  const { entry } = parse(`
name: context7
type: remote
remote: { url: https://mcp.context7.com/mcp }
config: { secrets: [{ name: context7.api_key, env: CONTEXT7_API_KEY, required: false }] }
`);
  equal(entry.requires_api_key, false);
  equal(entry.remote?.transport, "streamable-http", "the default transport");
});

Deno.test("parseDockerServer() maps poci per-tool containers to podman", () => {
  const { entry } = parse(`
name: curl
type: poci
tools:
  - name: curl
    description: Run curl.
    parameters: { type: object, properties: { args: { type: array } } }
    container: { image: alpine/curl, command: ["{{args|into}}"] }
`);
  equal(entry.launch_method, "podman");
  equal(entry.container_image, "alpine/curl");
  deepEqual(entry.tools[0]?.container, {
    image: "alpine/curl",
    command: ["{{args|into}}"],
    volumes: [],
  });
  ok(entry.tools[0]?.input_schema);
});

Deno.test("parseDockerServer() reads both tools.json shapes", () => {
  const legacy = JSON.stringify([
    { name: "search", description: "Search it", arguments: [{ name: "q", type: "string" }] },
  ]);
  const mcp = JSON.stringify([
    { name: "fetch", description: "Fetch it", inputSchema: { type: "object" } },
  ]);
  deepEqual(parse("name: a\nimage: mcp/a\n", legacy).entry.tools, [
    { name: "search", description: "Search it" },
  ]);
  deepEqual(parse("name: a\nimage: mcp/a\n", mcp).entry.tools, [
    { name: "fetch", description: "Fetch it" },
  ]);
});

Deno.test("parseDockerServer() keeps a server whose sections break the schema, with warnings", () => {
  const { entry, warnings } = parse(
    `
name: broken
image: mcp/broken
meta: { category: [not, a, string], tags: [ok] }
about: { title: Broken }
config:
  parameters:
  type: object
  properties: { key: { type: string } }
  required: [key]
  env:
    - { name: NO_VALUE }
    - { name: broken.token, env: BROKEN_TOKEN, required: true }
    - 42
`,
    "{ not json",
  );
  equal(entry.name, "broken");
  deepEqual(entry.categories, [], "the broken 'meta' section is dropped");
  deepEqual(entry.config.parameters, {
    type: "object",
    properties: { key: { type: "string" } },
    required: ["key"],
  });
  deepEqual(entry.config.env, [{ name: "NO_VALUE" }]);
  deepEqual(entry.config.secrets, [
    { name: "broken.token", env: "BROKEN_TOKEN", required: true },
  ]);
  equal(entry.requires_api_key, true);
  equal(warnings.length, 6);
  deepEqual(entry.warnings, warnings);
  match(warnings.join("\n"), /'meta' ignored: category/);
  match(warnings.join("\n"), /tools\.json' ignored/);
});

Deno.test("parseDockerServer() falls back to the folder name and title", () => {
  const { entry, warnings } = parse("image: mcp/x\n");
  equal(entry.name, "dir-name");
  equal(entry.title, "dir-name");
  match(warnings[0]!, /missing 'name'/);
});

Deno.test("parseDockerServer() throws only when nothing is usable", () => {
  throws(() => parse("name: [unclosed"), /Cannot parse server.yaml "dir-name"/);
  throws(() => parse("- a list\n- not a mapping\n"), /expected a mapping/);
});

Deno.test("normalizeRepoUrl() makes one form of a repository URL", () => {
  for (
    const url of [
      "https://github.com/Docker/MCP-Registry",
      "https://github.com/docker/mcp-registry.git",
      "http://github.com/docker/mcp-registry/",
      "git@github.com:docker/mcp-registry.git",
      "git+https://github.com/docker/mcp-registry.git",
    ]
  ) equal(normalizeRepoUrl(url), "https://github.com/docker/mcp-registry", url);
  equal(normalizeRepoUrl("https://example.com/a/B/"), "https://example.com/a/B");
});
