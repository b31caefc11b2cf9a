import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { type CatalogEntry, minimalEntry } from "../catalog/entry.ts";
import { mergeSources } from "../catalog/merge.ts";
import { buildLaunchSpec, LaunchError, resolveKey } from "../runtime/launch_spec.ts";
import { packageCommand } from "../runtime/package_spec.ts";
import { buildRemoteSpec } from "../runtime/remote_spec.ts";
import { evaluateList } from "../runtime/template.ts";
import { readFixture } from "../../tests/_helpers/official_registry_fake.ts";
import { withId } from "../catalog/entry.ts";
import { officialIds, readOfficialRow } from "./_official_row.ts";
import { mapOfficialServer, type MappedServer } from "./_official_server_json.ts";

const REGISTRY = "https://registry.example";
const EXAMPLES = "docs/reference/server-json/examples";
const NO_CONFIG = { params: {}, env: {}, secrets: {} };

function map(server: unknown, id = "x"): MappedServer {
  return mapOfficialServer(server, { id, registryUrl: REGISTRY, refreshedAt: "t" });
}

function entryOf(server: unknown, id?: string): CatalogEntry {
  const mapped = map(server, id);
  ok(mapped.entry, mapped.error);
  return mapped.entry;
}

Deno.test("mapOfficialServer() maps with-package.json to an npm package server", () => {
  const entry = entryOf(readFixture(`${EXAMPLES}/valid/with-package.json`), "local-weather");
  equal(entry.name, "io.github.user/local-weather");
  equal(entry.title, "local-weather");
  equal(entry.launch_method, "stdio-proxy");
  deepEqual(entry.run.package, {
    registry: "npm",
    name: "@modelcontextprotocol/server-weather",
    version: "1.0.0",
  });
  // The positional argument is a parameter; the named one keeps its flag and value.
  deepEqual(entry.run.command, ["{{local-weather.config_path}}", "--port", "8080"]);
  deepEqual(entry.config.parameters, {
    type: "object",
    properties: { config_path: { type: "string" } },
    required: ["config_path"],
  });
  deepEqual(entry.config.secrets, [{
    name: "local-weather.api_key",
    env: "API_KEY",
    required: true,
  }]);
  equal(entry.requires_api_key, true);
  equal(entry.official, false);
  equal(entry.source, "official");
  deepEqual(entry.sources, ["official"]);
  deepEqual(entry.links, {
    official: `${REGISTRY}/v0.1/servers/io.github.user%2Flocal-weather/versions/latest`,
  });
  deepEqual(entry.warnings, []);
});

Deno.test("mapOfficialServer() gives an npm entry the npx arguments packageCommand() runs", () => {
  const entry = entryOf(readFixture(`${EXAMPLES}/valid/with-package.json`), "local-weather");
  const command = evaluateList(entry.run.command, {
    [entry.id]: { config_path: "/data/weather.json" },
  });
  const run = packageCommand(entry, { command });
  equal(run.entrypoint, "npx");
  deepEqual(run.args, [
    "-y",
    "--prefer-offline",
    "@modelcontextprotocol/server-weather@1.0.0",
    "/data/weather.json",
    "--port",
    "8080",
  ]);
});

Deno.test("mapOfficialServer() npm entries go through buildLaunchSpec() and packageCommand()", () => {
  const entry = entryOf({
    name: "io.github.acme/notes",
    description: "Notes.",
    version: "2.0.0",
    packages: [{
      registryType: "npm",
      identifier: "@acme/notes-mcp",
      version: "2.0.0",
      transport: { type: "stdio" },
      packageArguments: [
        { type: "named", name: "--mode", value: "fast" },
        { type: "positional", value: "serve" },
        { type: "named", name: "--verbose", description: "optional, left out" },
      ],
      environmentVariables: [
        { name: "NOTES_TOKEN", isSecret: true, isRequired: true, description: "API token" },
        { name: "NOTES_REGION", default: "eu" },
      ],
    }],
  }, "notes");
  throws(() => buildLaunchSpec(entry, NO_CONFIG, { image: "package" }), LaunchError);
  const spec = buildLaunchSpec(entry, {
    params: {},
    env: { NOTES_REGION: "us" },
    secrets: { "notes.notes_token": "s3cret-value" },
  }, { image: "package" });
  deepEqual(spec.command, ["--mode", "fast", "serve"]);
  deepEqual(spec.env, { NOTES_TOKEN: "s3cret-value", NOTES_REGION: "us" });
  deepEqual(packageCommand(entry, spec).args, [
    "-y",
    "--prefer-offline",
    "@acme/notes-mcp@2.0.0",
    "--mode",
    "fast",
    "serve",
  ]);
  deepEqual(entry.config.env, [{ name: "NOTES_REGION", required: false, default: "eu" }]);
});

Deno.test("mapOfficialServer() maps with-remote.json, its header secret and its URL variable", () => {
  const entry = entryOf(readFixture(`${EXAMPLES}/valid/with-remote.json`), "remote-weather");
  equal(entry.launch_method, "remote-http");
  equal(entry.title, "Remote Weather");
  equal(entry.homepage, "https://modelcontextprotocol.io/examples");
  equal(entry.repo_url, "https://github.com/modelcontextprotocol/servers");
  equal(entry.repo_subfolder, "src/weather");
  equal(entry.icon, "https://example.com/icon.png");
  deepEqual(entry.remote, {
    url: "https://api.example.com/mcp",
    transport: "streamable-http",
    headers: { Authorization: "${AUTHORIZATION}" },
  });
  deepEqual(entry.config.secrets, [{
    name: "remote-weather.authorization",
    env: "AUTHORIZATION",
    required: true,
    description: "The value of the Authorization header",
  }]);
  equal(entry.requires_api_key, true);
  const spec = buildRemoteSpec(entry, {
    ...NO_CONFIG,
    secrets: { "remote-weather.authorization": "Bearer abc" },
  });
  equal(spec.url.href, "https://api.example.com/mcp");
  equal(spec.transport, "streamable-http");
  deepEqual(spec.headers, { Authorization: "Bearer abc" });
});

Deno.test("mapOfficialServer() fills header variables as buildRemoteSpec() expects", () => {
  const entry = entryOf({
    name: "com.example/search",
    description: "Search.",
    version: "1.0.0",
    remotes: [
      { type: "sse", url: "https://example.com/sse" },
      {
        type: "streamable-http",
        url: "https://example.com/mcp",
        headers: [
          {
            name: "Authorization",
            value: "Bearer {api_key}",
            variables: { api_key: { isSecret: true, isRequired: true } },
          },
          { name: "X-Tenant", isRequired: false, description: "Tenant" },
          { name: "X-Client", value: "mcp-registry" },
        ],
      },
    ],
  }, "search");
  deepEqual(entry.remote, {
    url: "https://example.com/mcp",
    transport: "streamable-http",
    headers: {
      Authorization: "Bearer ${API_KEY}",
      "X-Tenant": "${X_TENANT}",
      "X-Client": "mcp-registry",
    },
  });
  const spec = buildRemoteSpec(entry, { ...NO_CONFIG, secrets: { "search.api_key": "k-123" } });
  // The optional header left unset is not sent at all.
  deepEqual(spec.headers, { Authorization: "Bearer k-123", "X-Client": "mcp-registry" });
});

Deno.test("mapOfficialServer() maps minimal.json to an entry that says nothing about running", () => {
  const entry = entryOf(readFixture(`${EXAMPLES}/valid/minimal.json`), "weather");
  equal(entry.launch_method, "none");
  equal(entry.description, "MCP server providing weather data and forecasts.");
  equal(entry.repo_url, null);
  deepEqual(entry.warnings, []);
});

Deno.test("mapOfficialServer() prefers an OCI package, then npm, then PyPI; nuget cannot run", () => {
  const [, airtable, nuget, pypi] = readFixture<unknown[]>("data/seed.json");
  const a = entryOf(airtable, "airtable-mcp-server");
  equal(a.launch_method, "podman");
  equal(a.container_image, "docker.io/domdomegg/airtable-mcp-server:1.7.3");
  equal(a.run.package, undefined);
  equal(a.repo_url, "https://github.com/domdomegg/airtable-mcp-server");
  deepEqual(a.config.secrets.map((s) => [s.name, s.env, s.required]), [
    ["airtable-mcp-server.airtable_api_key", "AIRTABLE_API_KEY", true],
  ]);
  const n = entryOf(nuget, "time-mcp-nuget");
  equal(n.launch_method, "none");
  match(n.warnings.join("\n"), /its packages are nuget,/);
  const p = entryOf(pypi, "time-mcp-pypi");
  equal(p.launch_method, "stdio-proxy");
  deepEqual(packageCommand(p, { command: [] }).args, ["time-mcp-pypi==1.0.6"]);
});

Deno.test("mapOfficialServer() tags an untagged image with the version and its registry", () => {
  const entry = entryOf({
    name: "io.github.apache/iotdb",
    version: "0.0.1-seed",
    packages: [{
      registryType: "oci",
      registryBaseUrl: "https://ghcr.io",
      identifier: "apache/iotdb",
      version: "2.0.5",
      transport: { type: "stdio" },
    }],
  });
  equal(entry.container_image, "ghcr.io/apache/iotdb:2.0.5");
});

Deno.test("mapOfficialServer() counts only stdio packages as runnable", () => {
  const entry = entryOf({
    name: "io.github.a/http-only",
    packages: [{
      registryType: "npm",
      identifier: "http-only",
      version: "1.0.0",
      transport: { type: "streamable-http", url: "http://localhost:3000/mcp" },
    }],
  });
  equal(entry.launch_method, "none");
  match(entry.warnings.join("\n"), /npm \(streamable-http\)/);
});

Deno.test("mapOfficialServer() leaves secret arguments off the command line with a warning", () => {
  const entry = entryOf({
    name: "io.github.a/b",
    packages: [{
      registryType: "pypi",
      identifier: "b-mcp",
      transport: { type: "stdio" },
      packageArguments: [{ type: "named", name: "--api-key", isSecret: true, isRequired: true }],
      runtimeArguments: [{ type: "named", name: "--python", value: "3.12" }],
    }],
  });
  deepEqual(entry.run.command, []);
  equal(entry.warnings.length, 2);
  match(entry.warnings[0]!, /runtimeArguments/);
  match(entry.warnings[1]!, /--api-key.*secret on the command line/);
});

Deno.test("mapOfficialServer() reads the old snake_case layout", () => {
  const seed = readFixture<Record<string, unknown>[]>("seed_2025_05_16.json");
  const byName = (name: string) => seed.find((s) => s.name === name)!;
  const magic = entryOf(byName("io.github.21st-dev/magic-mcp"), "magic-mcp");
  equal(magic.launch_method, "stdio-proxy");
  deepEqual(magic.run.package, { registry: "npm", name: "@21st-dev/magic", version: "0.0.46" });
  // Old records had no is_secret: a key named like a credential is taken as a secret.
  deepEqual(magic.config.secrets.map((s) => s.env), ["API_KEY"]);

  const adfin = entryOf(seed.find((s) => JSON.stringify(s).includes('"adfinmcp"')), "adfin");
  deepEqual(adfin.run.package, { registry: "pypi", name: "adfinmcp", version: "0.1.0" });
  deepEqual(adfin.run.command, [
    "--directory",
    "<absolute_path_to_adfin_mcp_folder>",
    "main_adfin_mcp.py",
  ]);
  deepEqual(adfin.config.secrets.map((s) => s.env), ["ADFIN_PASSWORD"]);
  deepEqual(adfin.config.env.map((e) => e.name), ["ADFIN_EMAIL"]);

  const dart = entryOf(byName("io.github.its-dart/dart-mcp-server"), "dart-mcp-server");
  equal(dart.launch_method, "podman");
  equal(dart.container_image, "mcp/dart", "the image named in the old `docker run` line");
  deepEqual(dart.run.command, []);
  match(dart.warnings.join("\n"), /docker run/);

  const cloudflare = entryOf(byName("io.github.cloudflare/mcp-server-cloudflare"));
  equal(cloudflare.launch_method, "stdio-proxy", "an npm package wins over remotes");
  const azure = entryOf(byName("io.github.azure/azure-mcp"));
  equal(azure.launch_method, "none");
  match(azure.warnings.join("\n"), /points at this machine/);
});

Deno.test("mapOfficialServer() returns an error, never throws, for a record it cannot load", () => {
  match(map("not an object").error!, /not an object/);
  match(map({ description: "no name" }).error!, /without 'name'/);
  match(map({ name: "io.github.a/b" }, "Not An Id").error!, /Cannot load "io.github.a\/b": 'id'/);
  const odd = map({ name: "io.github.a/b", packages: "npm", remotes: 3, icons: [null] });
  ok(odd.entry);
  deepEqual(odd.warnings, ["'packages' ignored: expected a list"]);
});

Deno.test("readOfficialRow() reads the envelope, the transitional and the old layout", () => {
  const row = readOfficialRow({
    server: { name: "io.github.a/b", version: "1.0.0" },
    _meta: {
      "io.modelcontextprotocol.registry/official": {
        status: "deprecated",
        isLatest: false,
        updatedAt: "2025-10-01T00:00:00Z",
      },
    },
  })!;
  deepEqual([row.name, row.version, row.status, row.isLatest, row.updatedAt], [
    "io.github.a/b",
    "1.0.0",
    "deprecated",
    false,
    "2025-10-01T00:00:00Z",
  ]);
  const transitional = readOfficialRow({
    server: { name: "a/b", version: "1", status: "deleted" },
  })!;
  equal(transitional.status, "deleted");
  const old = readOfficialRow({
    name: "io.github.a/c",
    version_detail: {
      version: "0.0.1-seed",
      release_date: "2025-05-16T18:56:49Z",
      is_latest: true,
    },
  })!;
  deepEqual([old.name, old.version, old.status, old.isLatest, old.updatedAt], [
    "io.github.a/c",
    "0.0.1-seed",
    "active",
    true,
    "2025-05-16T18:56:49Z",
  ]);
  equal(readOfficialRow(null), null);
});

Deno.test("officialIds() gives short slugs, and full-name slugs to names that share one", () => {
  const names = [
    "io.github.domdomegg/airtable-mcp-server",
    "io.github.edubase/mcp",
    "io.github.semgrep/mcp",
    "com.example/Weather_Server",
  ];
  const ids = officialIds(names);
  deepEqual(Object.fromEntries(ids), {
    "io.github.domdomegg/airtable-mcp-server": "airtable-mcp-server",
    "io.github.edubase/mcp": "io-github-edubase-mcp",
    "io.github.semgrep/mcp": "io-github-semgrep-mcp",
    "com.example/Weather_Server": "weather-server",
  });
  deepEqual(officialIds([...names].reverse()), ids, "the same whatever the order");
  // Full-name slugs that meet again are told apart in sorted order.
  deepEqual(Object.fromEntries(officialIds(["a.b/c", "a-b/c"])), {
    "a-b/c": "a-b-c",
    "a.b/c": "a-b-c-2",
  });
});

Deno.test("withId() renames the secrets and parameter templates built from the id", () => {
  const entry = entryOf(readFixture(`${EXAMPLES}/valid/with-package.json`), "local-weather");
  const renamed = withId(entry, "io-github-user-local-weather");
  equal(renamed.id, "io-github-user-local-weather");
  deepEqual(renamed.run.command, [
    "{{io-github-user-local-weather.config_path}}",
    "--port",
    "8080",
  ]);
  deepEqual(renamed.config.secrets.map((s) => s.name), ["io-github-user-local-weather.api_key"]);
  equal(withId(entry, entry.id), entry);
});

Deno.test("mapOfficialServer() parameter templates reach the command, also under a merged id", () => {
  const entry = entryOf(readFixture(`${EXAMPLES}/valid/with-package.json`), "local-weather");
  const config = {
    params: { config_path: "/data/weather.json" },
    env: {},
    secrets: { "local-weather.api_key": "k" },
  };
  const spec = buildLaunchSpec(entry, config, { image: "package" });
  deepEqual(spec.command, ["/data/weather.json", "--port", "8080"]);
  equal(resolveKey(entry, "local-weather.config_path")?.key, "config_path");

  // Merged with another source, the entry may keep another id: settings follow that id.
  const local = minimalEntry({ id: "local-weather", source: "local" });
  const merged = mergeSources([[local], [entry]]).entries.find((e) => e.source === "official")!;
  equal(merged.id, "local-weather-official");
  const renamed = { ...config, secrets: { [`${merged.id}.api_key`]: "k" } };
  deepEqual(buildLaunchSpec(merged, renamed, { image: "package" }).command, spec.command);
});

Deno.test("mapOfficialServer() keeps a credential as a secret when isSecret is left out", () => {
  const entry = entryOf({
    name: "io.github.acme/tokens",
    description: "Tokens.",
    version: "1.0.0",
    packages: [{
      registryType: "npm",
      identifier: "@acme/tokens",
      version: "1.0.0",
      transport: { type: "stdio" },
      environmentVariables: [
        { name: "ACME_API_KEY" },
        { name: "ACME_TOKEN_URL", isSecret: false },
        { name: "ACME_REGION" },
      ],
    }],
  }, "tokens");
  deepEqual(entry.config.secrets.map((s) => s.env), ["ACME_API_KEY"]);
  deepEqual(entry.config.env.map((e) => e.name), ["ACME_TOKEN_URL", "ACME_REGION"]);
});
