/**
 * `mcp-registry show <id>`: everything the catalog knows about one server, the settings it
 * declares and which are set (secrets masked), and whether it is active.
 *
 * @module
 */
import { type ConfigItem, configView } from "../server/_config_view.ts";
import type { Command } from "./cli.ts";
import { emit, EXIT, parseCommand, UsageError } from "./_io.ts";
import { openSession } from "./_session.ts";

export const showCommand: Command = {
  name: "show",
  summary: "everything known about one server, its settings (masked)",
  usage: `Usage: mcp-registry show <id> [--json]

Everything the catalog knows about a server: description, sources with links, how it runs
(image, package or remote URL), its tools, the settings it declares and which are set (secret
values are never shown), and whether the registry starts it.

Exit codes: 0 shown, 3 no such id, 2 bad arguments.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {}, this.usage);
    if (positionals.length !== 1) throw new UsageError(`give one id\n\n${this.usage}`);
    const id = positionals[0]!.trim();
    await using session = await openSession();
    const entry = session.catalog.index.get(id);
    if (!entry) {
      const near = session.catalog.index.search(id, { limit: 3 }).hits.map((h) => h.entry.id);
      out.note(
        `No server has the id "${id}".${near.length ? ` Did you mean ${near.join(", ")}?` : ""}` +
          " Search with mcp-registry find <words>.",
      );
      return EXIT.notFound;
    }
    const config = configView(entry, await session.configs.get(entry.id));
    const active = (await session.mounts.list()).some((m) => m.id === entry.id);
    const { run, remote, ...rest } = entry;
    const data = { ...rest, run, remote, settings: config, active };
    emit(out, values.json === true, data, () => {
      const lines = [
        `${entry.title} (${entry.id})`,
        entry.description ? `  ${entry.description}` : "",
        "",
        `Sources:      ${entry.sources.join(", ")}`,
        ...Object.entries(entry.links).map(([source, url]) => `  ${source}: ${url}`),
        entry.repo_url
          ? `Repository:   ${entry.repo_url}${
            entry.repo_subfolder ? ` (${entry.repo_subfolder})` : ""
          }`
          : "",
        entry.homepage ? `Homepage:     ${entry.homepage}` : "",
        `Runs as:      ${howItRuns(entry)}`,
        entry.categories.length ? `Categories:   ${entry.categories.join(", ")}` : "",
        entry.tags.length ? `Tags:         ${entry.tags.join(", ")}` : "",
        `Marks:        ${
          [
            entry.official ? "official" : "",
            entry.featured ? "featured" : "",
            entry.requires_api_key ? "needs an API key" : "",
          ].filter((m) => m).join(", ") || "-"
        }`,
        `Active:       ${active ? "yes: the registry starts it when it starts" : "no"}`,
        "",
        entry.tools.length
          ? `Tools (${entry.tools.length}):\n${
            entry.tools.map((t) => `  - ${t.name}: ${t.description.split("\n")[0]!.slice(0, 100)}`)
              .join("\n")
          }`
          : entry.dynamic_tools
          ? "Tools: announced once it runs"
          : "Tools: not listed by its sources",
        "",
        config.length ? `Settings:\n${config.map(settingLine).join("\n")}` : "Settings: none",
        ...(entry.warnings.length
          ? ["", `Catalog warnings:\n${entry.warnings.map((w) => `  - ${w}`).join("\n")}`]
          : []),
      ];
      return lines.filter((line, i) => line !== "" || lines[i - 1] !== "").join("\n").trim();
    });
    return EXIT.ok;
  },
};

function howItRuns(
  entry: {
    launch_method: string;
    container_image: string | null;
    remote: { url: string } | null;
    run: { package?: { registry: string; name: string; version?: string | undefined } | undefined };
  },
): string {
  switch (entry.launch_method) {
    case "podman":
      return `container ${entry.container_image ?? "(no image)"}`;
    case "stdio-proxy": {
      const pkg = entry.run.package;
      return pkg
        ? `${pkg.registry} package ${pkg.name}${pkg.version ? `@${pkg.version}` : ""}`
        : "package";
    }
    case "remote-http":
      return `remote server ${entry.remote?.url ?? ""}`;
    default:
      return "unknown: its sources do not say how to run it";
  }
}

function settingLine(item: ConfigItem): string {
  const state = item.set
    ? `= ${typeof item.value === "string" ? item.value : JSON.stringify(item.value)}`
    : item.required
    ? "NOT SET (required)"
    : "not set";
  const about = item.description ? `  ${item.description.split("\n")[0]!.slice(0, 80)}` : "";
  return `  ${item.key} [${item.kind}${item.required ? ", required" : ""}] ${state}${about}`;
}
