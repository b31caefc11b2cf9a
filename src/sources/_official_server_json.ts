/**
 * Turns one record of the official MCP registry (a `server.json` document, in today's camelCase
 * layout or the snake_case layout the registry used before 2025-09-16) into a catalog entry.
 * Pure: no I/O. A fault in a record costs that value (with a warning on the entry), and a record
 * the catalog schema refuses comes back as an error, never as a throw.
 *
 * @module
 */
import { checkEntry } from "../catalog/entry.ts";
import type { CatalogEntry } from "../catalog/entry.ts";
import { splitRepoLink } from "../catalog/names.ts";
import { ConfigBuilder } from "./_official_config.ts";
import { isRecord, list, pick, text } from "./_official_fields.ts";
import { chooseLaunch } from "./_official_launch.ts";

/** Options for {@linkcode mapOfficialServer}. */
export interface MapOfficialOptions {
  /** The entry's id, from `officialIds()` (`_official_row.ts`). */
  id: string;
  /** The registry's base URL, for the entry's link. */
  registryUrl: string;
  /** ISO time stamped on the entry as `last_refreshed`. */
  refreshedAt: string;
}

/** What one record became: an entry with its warnings, or an error that says why not. */
export type MappedServer =
  | { entry: CatalogEntry; warnings: string[]; error?: undefined }
  | { entry?: undefined; warnings: string[]; error: string };

/**
 * Maps one server document (`row.server`) to a catalog entry. Never throws: a record the
 * catalog schema refuses comes back with `error`.
 */
export function mapOfficialServer(server: unknown, options: MapOfficialOptions): MappedServer {
  const { id, registryUrl, refreshedAt } = options;
  const warnings: string[] = [];
  if (!isRecord(server)) return { warnings, error: "Cannot load a record that is not an object" };
  const name = text(server.name)?.trim() ?? "";
  if (!name) return { warnings, error: "Cannot load a record without 'name'" };
  const oldLayout = isRecord(server.version_detail) ||
    list(server.packages).some((p) => isRecord(p) && "registry_name" in p);
  const builder = new ConfigBuilder(id, oldLayout, warnings);

  const { launch, containerImage, pkgSpec, command, remote } = chooseLaunch(server, {
    builder,
    oldLayout,
    warnings,
  });

  const repository = isRecord(server.repository) ? server.repository : {};
  const repoUrl = text(repository.url)?.trim();
  const link = repoUrl ? splitRepoLink(repoUrl) : null;
  const subfolder = text(repository.subfolder)?.trim().replace(/^\.?\/+|\/+$/g, "") ||
    link?.subfolder || null;
  const icons = list(server.icons);
  const icon = isRecord(icons[0]) ? text(icons[0].src) ?? null : null;
  const lastSegment = name.slice(name.lastIndexOf("/") + 1) || name;
  const config = builder.config();

  const candidate = {
    id,
    name,
    title: text(server.title)?.trim() || lastSegment,
    description: (text(server.description) ?? "").trim(),
    source: "official",
    sources: ["official"],
    repo_url: link?.repo || null,
    repo_subfolder: subfolder,
    homepage: text(pick(server, "websiteUrl", "website_url"))?.trim() || null,
    links: {
      official: `${registryUrl.replace(/\/+$/, "")}/v0.1/servers/${
        encodeURIComponent(name)
      }/versions/latest`,
    },
    aliases: [],
    container_image: containerImage,
    icon,
    categories: [],
    tags: [],
    // The registry verifies that a publisher owns the namespace (a GitHub account, a DNS
    // domain), not that the publisher is the vendor of the service the server talks to; so
    // nothing here marks an entry as official or featured.
    official: false,
    featured: false,
    // Publishers rarely say isRequired: any declared credential means "takes an API key".
    requires_api_key: config.secrets.length > 0,
    tools: [],
    dynamic_tools: false,
    launch_method: launch,
    last_refreshed: refreshedAt,
    run: {
      command,
      volumes: [],
      env: {},
      disable_network: false,
      allow_hosts: [],
      ...(pkgSpec ? { package: pkgSpec } : {}),
      long_lived: false,
    },
    config,
    remote,
    oauth: [],
    warnings,
  };
  const parsed = checkEntry(candidate);
  if ("error" in parsed) return { warnings, error: `Cannot load "${name}": ${parsed.error}` };
  return { entry: parsed.entry, warnings };
}
