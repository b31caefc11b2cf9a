/**
 * `mcp-registry show <id>`: everything the catalog knows about one server, the settings it
 * declares and which are set (secrets masked), and whether it is active.
 *
 * @module
 */
import { type ConfigItem, configView } from "../registry/config_view.ts";
import { markText } from "../registry/entry_summary.ts";
import { lookupEntry } from "../registry/ids.ts";
import type { Command } from "./command.ts";
import { checkArgs, clip, emit, EXIT, oneLine, parseCommand, textWidth, wrap } from "./_io.ts";
import { openSession } from "./_session.ts";

export const showCommand: Command = {
  name: "show",
  usage: `Usage: mcp-registry show <id> [--json]

Everything the catalog knows about a server: description, sources with links, how it runs
(image, package, remote URL, or the repository it is built from), whether it started or failed
here before, its tools, the settings it declares and which are set (secret
values are never shown), and whether the registry starts it.

Exit codes: 0 shown, 3 no such id, 2 bad arguments.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {});
    checkArgs(positionals, { what: "one id", min: 1 });
    await using session = await openSession();
    const entry = lookupEntry(session.catalog.index, positionals[0]!.trim());
    if (typeof entry === "string") {
      out.note(entry.replace("registry-find", "mcp-registry find <words>"));
      return EXIT.notFound;
    }
    const config = configView(entry, await session.configs.get(entry.id));
    const active = (await session.mounts.list()).some((m) => m.id === entry.id);
    const mark = session.stores.runMarks.get(entry.id);
    const { run, remote, ...rest } = entry;
    const data = { ...rest, run, remote, settings: config, active, run_mark: mark ?? null };
    emit(out, values.json === true, data, () => {
      const width = textWidth();
      const lines = [
        `${entry.title} (${entry.id})`,
        entry.description ? wrap(entry.description.trim(), { width, indent: "  " }) : "",
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
        `Last start:   ${mark ? markText(mark, 300) : "never tried here"}`,
        "",
        entry.tools.length
          ? `Tools (${entry.tools.length}):\n${
            entry.tools.map((t) => clip(`  - ${t.name}: ${oneLine(t.description)}`, width))
              .join("\n")
          }`
          : entry.dynamic_tools
          ? "Tools: announced once it runs"
          : "Tools: not listed by its sources",
        "",
        config.length
          ? `Settings:\n${config.map((item) => settingLine(item, width)).join("\n")}`
          : "Settings: none",
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
    id: string;
    launch_method: string;
    container_image: string | null;
    remote: { url: string } | null;
    run: { package?: { registry: string; name: string; version?: string | undefined } | undefined };
    build: { repo: string; commit?: string | undefined; directory?: string | undefined } | null;
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
    case "build": {
      const build = entry.build;
      const where = build
        ? `${build.repo}${build.directory ? ` (${build.directory})` : ""}${
          build.commit ? ` @ ${build.commit}` : ""
        }`
        : "its repository";
      return `a build from ${where} (mcp-registry add ${entry.id} says what and asks first)`;
    }
    default:
      return "unknown: its sources do not say how to run it";
  }
}

/** `  key [kind, required] = value`, and its description wrapped under it. */
export function settingLine(item: ConfigItem, width = textWidth()): string {
  const state = item.set
    ? `= ${typeof item.value === "string" ? item.value : JSON.stringify(item.value)}`
    : item.required
    ? "NOT SET (required)"
    : "not set";
  const head = `  ${item.key} [${item.kind}${item.required ? ", required" : ""}] ${state}`;
  const about = item.description ? oneLine(item.description) : "";
  return about ? `${head}\n${wrap(about, { width, indent: "      " })}` : head;
}
