/**
 * The sources the settings switch on, in priority order, each loaded on first refresh: most
 * starts serve the cache and never refresh, so their parsers (YAML, HTML) stay unloaded.
 *
 * @module
 */
import type { RegistryConfig } from "../config.ts";
import { DockerRegistrySource } from "../sources/docker_registry.ts";
import { redactUrl } from "../sources/git.ts";
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

/** The sources `config.sources` names, highest priority first (`local` wins every conflict). */
export function configuredSources(config: SourceSettings): CatalogSource[] {
  return config.sources.map((name) => makeSource(name, config));
}

function makeSource(name: SourceName, config: SourceSettings): CatalogSource {
  switch (name) {
    case "docker":
      return new DockerRegistrySource({ repo: config.dockerRepo, sourcesDir: config.sourcesDir });
    case "official":
      return lazy(name, config.officialUrl, async () => {
        const { OfficialRegistrySource } = await import("../sources/official_registry.ts");
        return new OfficialRegistrySource({ url: config.officialUrl });
      });
    case "mcpservers":
      return lazy(name, config.mcpserversUrl, async () => {
        const { McpServersSiteSource } = await import("../sources/mcpservers_site.ts");
        return new McpServersSiteSource({ url: config.mcpserversUrl });
      });
    case "awesome":
      return lazy(name, redactUrl(config.awesomeRepo), async () => {
        const { AwesomeListSource } = await import("../sources/awesome_list.ts");
        return new AwesomeListSource({ repo: config.awesomeRepo, sourcesDir: config.sourcesDir });
      });
    case "local":
      return lazy(name, config.catalogs.join(", "), async () => {
        const { LocalCatalogsSource } = await import("../sources/local_catalogs.ts");
        return new LocalCatalogsSource({ paths: config.catalogs });
      }, true);
  }
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
