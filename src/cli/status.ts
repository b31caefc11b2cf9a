/**
 * `mcp-registry status` and `mcp-registry refresh [source]`: the sources, as `registry-status`
 * and `registry-refresh` show them, from the shared cache.
 *
 * @module
 */
import { describeRunShare, runShare } from "../registry/catalog_status.ts";
import { allowedRoots } from "../registry/mount_roots.ts";
import { VERSION } from "../util/version.ts";
import type { Command } from "./command.ts";
import { checkArgs, clip, emit, EXIT, parseCommand, progressReporter, wrap } from "./_io.ts";
import { openSession } from "./_session.ts";

export const statusCommand: Command = {
  name: "status",
  usage: `Usage: mcp-registry status [--json]

The catalog's sources (entries, last refresh, next refresh, last error), the catalog size and
how many entries name a way to run (by kind, and how many started or failed here), the servers the registry starts when it starts and the host folders containers may mount. Reads the shared cache: it fetches nothing.

Exit codes: 0 every source is fine, 1 a source's last refresh failed, 2 bad arguments.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, {});
    checkArgs(positionals, { what: "no arguments" });
    await using session = await openSession();
    const sources = session.catalog.status();
    const active = (await session.mounts.list()).map((m) => m.id);
    const allowedPaths = (await allowedRoots(session.config, session.allowedPaths))
      .map((root) => root.path);
    const data = {
      version: VERSION,
      catalog_entries: session.catalog.index.size,
      runnable: runShare(session.catalog.index.entries, session.stores.runMarks.all()),
      cache_dir: session.config.cacheDir,
      data_dir: session.config.dataDir,
      sources,
      active,
      allowed_paths: allowedPaths,
    };
    emit(out, values.json === true, data, () =>
      [
        `mcp-registry ${VERSION}: ${data.catalog_entries} servers in the catalog.`,
        wrap(describeRunShare(data.runnable)),
        "",
        ...sources.map((s) => {
          const indent = " ".repeat(12);
          return [
            `${s.name.padEnd(11)} ${String(s.entries).padStart(5)} entries; ${
              s.last_refresh ? `refreshed ${s.last_refresh}` : SERVING[s.serving] ?? s.serving
            }`,
            `${indent}next refresh ${s.next_refresh}`,
            ...(s.last_error
              ? [
                wrap(`LAST ERROR: ${clip(s.last_error, 300)}`, { first: indent, indent }),
                wrap(`fix: ${refreshFix(s.name)}`, { first: indent, indent: `${indent}     ` }),
              ]
              : []),
          ].join("\n");
        }),
        "",
        active.length
          ? `Started with the registry: ${active.join(", ")}`
          : "No server is started with the registry (mcp-registry add <id>).",
        allowedPaths.length
          ? wrap(`Host folders containers may mount: ${allowedPaths.join(", ")}`)
          : "No host folder is approved for containers (mcp-registry config allow-path <folder>).",
      ].join("\n"));
    return sources.some((s) => s.last_error) ? EXIT.failed : EXIT.ok;
  },
};

/** What a source that was never refreshed here serves, for people. */
const SERVING: Record<string, string> = {
  snapshot: "not refreshed yet (the catalog built into mcp-registry)",
  nothing: "not refreshed yet (nothing)",
  cache: "from the cache",
};

/** The setting that says where each source is fetched from. */
const SOURCE_SETTINGS: Record<string, string> = {
  docker: "MCP_REGISTRY_DOCKER_REPO",
  awesome: "MCP_REGISTRY_AWESOME_REPO",
  official: "MCP_REGISTRY_OFFICIAL_URL",
  mcpservers: "MCP_REGISTRY_MCPSERVERS_URL",
  local: "MCP_REGISTRY_CATALOGS",
};

/** What to do when a source's refresh failed. */
export function refreshFix(source: string): string {
  const setting = SOURCE_SETTINGS[source];
  return source === "local"
    ? "check the files MCP_REGISTRY_CATALOGS names (mcp-registry doctor checks them), then " +
      "mcp-registry refresh local"
    : `check the network, or ${setting ?? "the source's setting"}; mcp-registry doctor ` +
      `checks it; then mcp-registry refresh ${source} --force`;
}

export const refreshCommand: Command = {
  name: "refresh",
  usage: `Usage: mcp-registry refresh [source] [--force] [--json]

Fetches a source now (docker, official, mcpservers, awesome or local), or every source. Like
registry-refresh, a source is refreshed at most once per MCP_REGISTRY_REFRESH_COOLDOWN minutes
(15), counted from its last successful refresh or the last refresh asked for (the registry's own
failed attempts do not count); --force skips that limit. The result goes into the shared cache: a running registry takes
it at its next hourly check, a registry started later at once.

Exit codes: 0 refreshed, 1 a refresh failed, 2 bad arguments, 3 unknown source, 4 rate-limited.`,
  async run(args, out) {
    const { values, positionals } = parseCommand(args, { force: { type: "boolean" } });
    checkArgs(positionals, { what: "at most one source", max: 1 });
    await using session = await openSession();
    const names = session.catalog.sourceNames;
    const wanted = positionals[0]?.toLowerCase();
    if (wanted !== undefined && !names.includes(wanted)) {
      out.note(
        `No source "${clip(wanted, 40)}" is on; the sources that are on: ${names.join(", ")}. ` +
          "MCP_REGISTRY_SOURCES turns sources on (local, docker, official, mcpservers, awesome).",
      );
      return EXIT.notFound;
    }
    const results: {
      source: string;
      status: "refreshed" | "failed" | "rate_limited";
      entries?: number;
      error?: string | null;
      next_allowed?: string | null;
      since?: "refreshed" | "asked" | null;
    }[] = [];
    let code: number = EXIT.ok;
    for (const name of wanted ? [wanted] : names) {
      const permit = await session.catalog.permit(name);
      if (!permit.allowed && values.force !== true) {
        results.push({
          source: name,
          status: "rate_limited",
          next_allowed: permit.next_allowed,
          since: permit.since,
        });
        out.note(
          `${name}: ${permit.since === "asked" ? "last tried" : "refreshed"} less than ` +
            `${session.config.refreshCooldownMinutes} minutes ago (MCP_REGISTRY_REFRESH_COOLDOWN); ` +
            `try again after ${permit.next_allowed}, or add --force.`,
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
                : `${r.source}: FAILED: ${clip(r.error ?? "", 300)} (its last good ${r.entries} ` +
                  `entries stay)\n  fix: ${refreshFix(r.source)}`
              : `${r.source}: not refreshed (${
                r.since === "asked" ? "tried" : "refreshed"
              } less than the cooldown ago; --force skips it)`
          ),
          `The catalog holds ${session.catalog.index.size} servers.`,
        ].join("\n"),
    );
    return code;
  },
};
