import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { CatalogEntrySchema } from "../catalog/entry.ts";
import { normalizeRepoUrl } from "../catalog/names.ts";
import { parseDockerServer } from "./_docker_server_yaml.ts";

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

Deno.test("parseDockerServer() keeps a server whose fields break the schema, with warnings", () => {
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
  deepEqual(entry.categories, [], "the broken 'meta.category' is dropped");
  deepEqual(entry.tags, ["ok"], "its neighbour 'meta.tags' is kept");
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
  match(warnings.join("\n"), /'meta\.category' ignored: .*expected string/);
  match(warnings.join("\n"), /'config\.env\[2\]' ignored: expected a mapping/);
  match(warnings.join("\n"), /tools\.json' ignored/);
});

Deno.test("parseDockerServer() drops items with an empty name the entry schema refuses", () => {
  const { entry, warnings } = parse(
    `
name: empty
type: poci
tools:
  - { name: "", container: { image: alpine } }
  - { name: ok, container: { image: alpine } }
config:
  secrets:
    - { name: empty.key, env: "" }
    - { name: "  ", env: KEY }
    - { name: empty.other, env: OTHER }
  env:
    - { name: "", value: v }
    - { name: " KEPT ", value: v }
`,
    JSON.stringify([{ name: "" }, { name: "listed" }]),
  );
  deepEqual(entry.tools.map((t) => t.name), ["ok", "listed"]);
  deepEqual(entry.config.secrets.map((s) => s.env), ["OTHER"]);
  deepEqual(entry.config.env, [{ name: "KEPT", value: "v" }]);
  equal(warnings.filter((w) => /must not be empty/.test(w)).length, 5, warnings.join("\n"));
  match(warnings.join("\n"), /'config\.secrets\[0\]' ignored: env: must not be empty/);
  match(warnings.join("\n"), /'tools\.json\[0\]' ignored: name: must not be empty/);
  CatalogEntrySchema.parse({ ...entry, id: "empty" });
});

Deno.test("parseDockerServer() keeps an env item's value when the item has an extra key", () => {
  const { entry, warnings } = parse(`
name: x
image: mcp/x
config:
  env:
    - { name: FOO, value: "{{x.foo}}", label: Foo, required: false }
`);
  deepEqual(entry.config.env, [{ name: "FOO", value: "{{x.foo}}", required: false }]);
  deepEqual(warnings, []);
});

Deno.test("parseDockerServer() drops a bad field, not its neighbours", () => {
  const { entry, warnings } = parse(`
name: x
image: mcp/x
meta: { category: Database, tags: [sql, 2, Postgres] }
about: { title: T, description: D, icon: 5 }
run:
  command: [--port, 8080]
  volumes: ["data:/data"]
  env: { EMPTY: , KEPT: "1" }
  allowHosts: host:443
remote: { url: https://x.example, transport_type: websocket, headers: { A: b, B: [c] } }
oauth: [{ provider: 5 }, { provider: x, secret: x.token }]
`);
  deepEqual(entry.categories, ["database"]);
  deepEqual(entry.tags, ["sql", "postgres"]);
  equal(entry.title, "T");
  equal(entry.description, "D");
  equal(entry.icon, null);
  deepEqual(entry.run.command, ["--port", "8080"]);
  deepEqual(entry.run.volumes, ["data:/data"]);
  deepEqual(entry.run.env, { KEPT: "1" });
  deepEqual(entry.run.allow_hosts, []);
  deepEqual(entry.remote, {
    url: "https://x.example",
    transport: "streamable-http",
    headers: { A: "b" },
  });
  deepEqual(entry.oauth, [{ provider: "x", secret: "x.token" }]);
  const all = warnings.join("\n");
  for (
    const path of [
      "meta.tags[1]",
      "about.icon",
      "run.env.EMPTY",
      "run.allowHosts",
      "remote.transport_type",
      "remote.headers.B",
      "oauth[0]",
    ]
  ) ok(all.includes(`'${path}' ignored`), `${path} warned:\n${all}`);
  equal(warnings.length, 7, all);
});

Deno.test("parseDockerServer() warns about config lists written as mappings", () => {
  const { entry, warnings } = parse(`
name: x
image: mcp/x
config:
  secrets: { name: x.key, env: KEY }
  env: { FOO: bar }
`);
  deepEqual(entry.config.secrets, [{ name: "x.key", env: "KEY" }], "one item, read as such");
  equal(entry.requires_api_key, true);
  deepEqual(entry.config.env, []);
  match(warnings.join("\n"), /'config\.secrets' is a mapping, not a list/);
  match(warnings.join("\n"), /'config\.env' ignored: expected a list/);
});

Deno.test("parseDockerServer() trims a padded name without a false warning", () => {
  const { entry, warnings } = parse("name: ' padded '\nimage: mcp/x\n");
  equal(entry.name, "padded");
  deepEqual(warnings, []);
});

Deno.test("parseDockerServer() requires a key for user-set env items and parameters named like one", () => {
  const needs = (config: string) => parse(`name: x\nimage: mcp/x\nconfig:\n${config}`).entry;
  // novita: the key is an env item without a value.
  equal(needs("  env: [{ name: NOVITA_API_KEY, example: k }]").requires_api_key, true);
  // quantconnect: the env item takes a parameter through a template.
  equal(
    needs(`  env: [{ name: QUANTCONNECT_API_TOKEN, value: "{{x.token}}" }]`).requires_api_key,
    true,
  );
  equal(
    needs(`  parameters: { type: object, properties: { password: {} }, required: [password] }`)
      .requires_api_key,
    true,
  );
  // Not a key: a fixed value, an optional item, an optional or defaulted parameter, other names.
  for (
    const config of [
      "  env: [{ name: GOOGLE_APPLICATION_CREDENTIALS, value: /app/creds.json }]",
      "  env: [{ name: API_KEY, required: false }]",
      `  env: [{ name: LOG_LEVEL, value: "{{x.level}}" }]`,
      "  parameters: { type: object, properties: { api_key: {} } }",
      "  parameters: { type: object, properties: { token: { default: t } }, required: [token] }",
      "  parameters: { type: object, properties: { host: {} }, required: [host] }",
    ]
  ) equal(needs(config).requires_api_key, false, config);
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

Deno.test("parseDockerServer() takes the repository folder from source.directory, else the Dockerfile's", () => {
  const folder = (source: string) =>
    parseDockerServer(`name: x\nimage: mcp/x\ntype: server\nsource:\n${source}`, {
      dirName: "x",
      refreshedAt: "2026-01-01T00:00:00Z",
    }).entry.repo_subfolder;
  equal(folder("  project: https://github.com/o/r\n  directory: ./src/a/\n"), "src/a");
  equal(
    folder("  project: https://github.com/o/r\n  dockerfile: src/filesystem/Dockerfile\n"),
    "src/filesystem",
  );
  equal(folder("  project: https://github.com/o/r\n  dockerfile: Dockerfile\n"), null);
  equal(folder("  project: https://github.com/o/r\n"), null);
});
