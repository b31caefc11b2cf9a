import { deepEqual, equal, throws } from "node:assert/strict";
import { readConfig } from "./config.ts";

const BASE = { HOME: "/home/u" };

Deno.test("readConfig() turns every source on by default, local only with catalogs", () => {
  deepEqual(readConfig(BASE).sources, ["docker", "official", "mcpservers", "awesome"]);
  const withLocal = readConfig({ ...BASE, MCP_REGISTRY_CATALOGS: "~/mcp:/etc/mcp/catalog.yaml" });
  deepEqual(withLocal.sources, ["local", "docker", "official", "mcpservers", "awesome"]);
  deepEqual(withLocal.catalogs, ["/home/u/mcp", "/etc/mcp/catalog.yaml"]);
  deepEqual(readConfig({ ...BASE, MCP_REGISTRY_SOURCES: "all" }).sources.length, 4);
});

Deno.test("readConfig() keeps MCP_REGISTRY_SOURCES in priority order, whatever the order given", () => {
  const config = readConfig({
    ...BASE,
    MCP_REGISTRY_SOURCES: " Awesome, docker ,local",
    MCP_REGISTRY_CATALOGS: "/c",
  });
  deepEqual(config.sources, ["local", "docker", "awesome"]);
});

Deno.test("readConfig() names the bad source setting and the fix", () => {
  throws(
    () => readConfig({ ...BASE, MCP_REGISTRY_SOURCES: "docker,smithery" }),
    /names "smithery", which is no source: use a comma-separated list of local, docker/,
  );
  throws(
    () => readConfig({ ...BASE, MCP_REGISTRY_SOURCES: "local" }),
    /MCP_REGISTRY_CATALOGS is empty/,
  );
  throws(() => readConfig({ ...BASE, MCP_REGISTRY_SOURCES: " , " }), /is empty/);
  throws(
    () => readConfig({ ...BASE, MCP_REGISTRY_OFFICIAL_URL: "ftp://x" }),
    /MCP_REGISTRY_OFFICIAL_URL is "ftp:\/\/x": give an http or https URL/,
  );
  throws(() => readConfig({ ...BASE, MCP_REGISTRY_MCPSERVERS_URL: "not a url" }), /https URL/);
  throws(() => readConfig({ ...BASE, MCP_REGISTRY_REFRESH_COOLDOWN: "-1" }), /whole number/);
  throws(
    () => readConfig({ ...BASE, MCP_REGISTRY_REFRESH_RETRY: "1,,5" }),
    /MCP_REGISTRY_REFRESH_RETRY is "1,,5": give the minutes to wait after each failed refresh/,
  );
  throws(() => readConfig({ ...BASE, MCP_REGISTRY_REFRESH_RETRY: "0" }), /each above 0/);
});

Deno.test("readConfig() reads the source locations and the cooldown", () => {
  const config = readConfig({
    ...BASE,
    MCP_REGISTRY_OFFICIAL_URL: "http://127.0.0.1:9000/",
    MCP_REGISTRY_MCPSERVERS_URL: "https://mirror.example/mcp",
    MCP_REGISTRY_AWESOME_REPO: "/srv/awesome",
    MCP_REGISTRY_REFRESH_COOLDOWN: "0",
  });
  equal(config.officialUrl, "http://127.0.0.1:9000");
  equal(config.mcpserversUrl, "https://mirror.example/mcp");
  equal(config.awesomeRepo, "/srv/awesome");
  equal(config.refreshCooldownMinutes, 0);
  equal(readConfig(BASE).refreshCooldownMinutes, 15);
  deepEqual(readConfig(BASE).refreshRetryMinutes, [1, 5, 15, 60]);
  deepEqual(
    readConfig({ ...BASE, MCP_REGISTRY_REFRESH_RETRY: " 0.5, 2 " }).refreshRetryMinutes,
    [0.5, 2],
  );
  equal(readConfig(BASE).officialUrl, "https://registry.modelcontextprotocol.io");
});
