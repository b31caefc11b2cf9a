/**
 * The sources the settings switch on, in priority order, each described once: the setting that
 * moves it, where it is reached (for `mcp-registry doctor`), and how it is built. Each loads on
 * its first refresh: most starts serve the cache and never refresh, so their parsers (YAML,
 * HTML) and git stay unloaded.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { redactUrl } from "../util/redact_url.ts";
import type { CatalogSource, SourceName } from "../sources/source.ts";

type SourceSettings = Pick<
  RegistryConfig,
  | "sources"
  | "dockerRepo"
  | "sourcesDir"
  | "officialUrl"
  | "mcpserversUrl"
  | "awesomeRepo"
  | "catalogs"
>;

/** Where a source is reached: a git repository, an address to GET, or the user's own files. */
export type SourceReach =
  | { kind: "git"; repo: string }
  | { kind: "http"; url: string }
  | { kind: "files"; paths: string[] };

/** One source as the settings configure it. */
export interface ConfiguredSource {
  name: SourceName;
  /** The setting that moves it, e.g. `MCP_REGISTRY_DOCKER_REPO`. */
  setting: string;
  /** Where it is reached; `doctor` checks that it answers there. */
  reach: SourceReach;
  /** Makes the source. */
  build(): CatalogSource;
}

/** Each source, described from the settings: the one place that maps a name to its source. */
const SOURCES: { [N in SourceName]: (config: SourceSettings) => ConfiguredSource } = {
  docker: (config) => ({
    name: "docker",
    setting: "MCP_REGISTRY_DOCKER_REPO",
    reach: { kind: "git", repo: config.dockerRepo },
    build: () =>
      lazy("docker", redactUrl(config.dockerRepo), async () => {
        const { DockerRegistrySource } = await import("../sources/docker_registry.ts");
        return new DockerRegistrySource({ repo: config.dockerRepo, sourcesDir: config.sourcesDir });
      }),
  }),
  official: (config) => ({
    name: "official",
    setting: "MCP_REGISTRY_OFFICIAL_URL",
    reach: { kind: "http", url: `${config.officialUrl}/v0.1/servers?limit=1` },
    build: () =>
      lazy("official", config.officialUrl, async () => {
        const { OfficialRegistrySource } = await import("../sources/official_registry.ts");
        return new OfficialRegistrySource({ url: config.officialUrl });
      }),
  }),
  mcpservers: (config) => ({
    name: "mcpservers",
    setting: "MCP_REGISTRY_MCPSERVERS_URL",
    reach: { kind: "http", url: `${config.mcpserversUrl}/` },
    build: () =>
      lazy("mcpservers", config.mcpserversUrl, async () => {
        const { McpServersSiteSource } = await import("../sources/mcpservers_site.ts");
        return new McpServersSiteSource({ url: config.mcpserversUrl });
      }),
  }),
  awesome: (config) => ({
    name: "awesome",
    setting: "MCP_REGISTRY_AWESOME_REPO",
    reach: { kind: "git", repo: config.awesomeRepo },
    build: () =>
      lazy("awesome", redactUrl(config.awesomeRepo), async () => {
        const { AwesomeListSource } = await import("../sources/awesome_list.ts");
        return new AwesomeListSource({ repo: config.awesomeRepo, sourcesDir: config.sourcesDir });
      }),
  }),
  local: (config) => ({
    name: "local",
    setting: "MCP_REGISTRY_CATALOGS",
    reach: { kind: "files", paths: config.catalogs },
    build: () =>
      lazy("local", config.catalogs.join(", "), async () => {
        const { LocalCatalogsSource } = await import("../sources/local_catalogs.ts");
        return new LocalCatalogsSource({ paths: config.catalogs });
      }, true),
  }),
};

/** The sources `config.sources` names, described, highest priority first. */
export function describeSources(config: SourceSettings): ConfiguredSource[] {
  return config.sources.map((name) => SOURCES[name](config));
}

/** The sources `config.sources` names, highest priority first (`local` wins every conflict). */
export function configuredSources(config: SourceSettings): CatalogSource[] {
  return describeSources(config).map((source) => source.build());
}

/** A source whose module is imported when it first refreshes. */
function lazy(
  name: SourceName,
  location: string,
  load: () => Promise<CatalogSource>,
  cheap = false,
): CatalogSource {
  let made: Promise<CatalogSource> | undefined;
  return {
    name,
    location,
    cheap,
    async refresh(context) {
      made ??= load();
      return await (await made).refresh(context);
    },
  };
}
