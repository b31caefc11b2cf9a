/**
 * `mcp-registry status` and `mcp-registry refresh [source]`: the sources, as `registry-status`
 * and `registry-refresh` show them, from the shared cache.
 *
 * @module
 */
import { VERSION } from "../version.ts";
import type { Command } from "./cli.ts";
import { emit, EXIT, parseCommand, progressReporter, UsageError } from "./_io.ts";
import { openSession } from "./_session.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "sources, catalog size, active servers",
  usage: `Usage: mcp-registry status [--json]

The catalog's sources (entries, last refresh, next refresh, last error), the catalog size and the
servers the registry starts when it starts. Reads the shared cache: it fetches nothing.

Exit codes: 0 every source is fine, 1 a source's last refresh failed.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {}, this.usage);
    if (positionals.length) throw new UsageError(`status takes no arguments\n\n${this.usage}`);
    await using session = await openSession();
    const sources = session.catalog.status();
    const active = (await session.mounts.list()).map((m) => m.id);
    const data = {
      version: VERSION,
      catalog_entries: session.catalog.index.size,
      cache_dir: session.config.cacheDir,
      data_dir: session.config.dataDir,
      sources,
      active,
    };
    emit(out, values.json === true, data, () =>
      [
        `mcp-registry ${VERSION}: ${data.catalog_entries} servers in the catalog.`,
        "",
        ...sources.map((s) =>
          `${s.name.padEnd(11)} ${String(s.entries).padStart(5)} entries  ${
            s.last_refresh ? `refreshed ${s.last_refresh}` : `serving ${s.serving}`
          }; next ${s.next_refresh}${
            s.last_error ? `\n            LAST ERROR: ${s.last_error}` : ""
          }`
        ),
        "",
        active.length
          ? `Started with the registry: ${active.join(", ")}`
          : "No server is started with the registry (mcp-registry add <id>).",
      ].join("\n"));
    return sources.some((s) => s.last_error) ? EXIT.failed : EXIT.ok;
  },
};

export const refreshCommand: Command = {
  name: "refresh",
  summary: "fetch one source or all now",
  usage: `Usage: mcp-registry refresh [source] [--force] [--json]

Fetches a source now (docker, official, mcpservers, awesome or local), or every source. Like
registry-refresh, a source is refreshed at most once per MCP_REGISTRY_REFRESH_COOLDOWN minutes
(15); --force skips that limit. The result goes into the shared cache: a running registry takes
it at its next hourly check, a registry started later at once.

Exit codes: 0 refreshed, 1 a refresh failed, 2 bad arguments, 3 unknown source, 4 rate-limited.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, { force: { type: "boolean" } }, this.usage);
    if (positionals.length > 1) throw new UsageError(`give at most one source\n\n${this.usage}`);
    await using session = await openSession();
    const names = session.catalog.sourceNames;
    const wanted = positionals[0]?.toLowerCase();
    if (wanted !== undefined && !names.includes(wanted)) {
      out.note(
        `No source "${wanted}" is on; the sources are ${names.join(", ")} (MCP_REGISTRY_SOURCES).`,
      );
      return EXIT.notFound;
    }
    const results: {
      source: string;
      status: "refreshed" | "failed" | "rate_limited";
      entries?: number;
      error?: string | null;
      next_allowed?: string | null;
    }[] = [];
    let code: number = EXIT.ok;
    for (const name of wanted ? [wanted] : names) {
      const permit = await session.catalog.permit(name);
      if (!permit.allowed && values.force !== true) {
        results.push({ source: name, status: "rate_limited", next_allowed: permit.next_allowed });
        out.note(
          `${name}: refreshed less than the cooldown ago; next allowed at ${permit.next_allowed} (or --force)`,
        );
        if (code === EXIT.ok) code = EXIT.unavailable;
        continue;
      }
      const progress = progressReporter(out);
      progress.step(`${name}: starting`);
      const outcome = await session.catalog.refresh(name, {
        progress: (step) => progress.step(`${name}: ${step.message}`, step.done, step.total),
      });
      progress.end();
      results.push({
        source: name,
        status: outcome.ok ? "refreshed" : "failed",
        entries: outcome.entries,
        error: outcome.error,
      });
      if (!outcome.ok) code = EXIT.failed;
    }
    emit(
      out,
      values.json === true,
      { results, catalog_entries: session.catalog.index.size },
      () =>
        [
          ...results.map((r) =>
            "entries" in r
              ? r.status === "refreshed"
                ? `${r.source}: refreshed, ${r.entries} entries`
                : `${r.source}: FAILED: ${r.error} (its last good ${r.entries} entries stay)`
              : `${r.source}: not refreshed (rate-limited)`
          ),
          `The catalog holds ${session.catalog.index.size} servers.`,
        ].join("\n"),
    );
    return code;
  },
};
