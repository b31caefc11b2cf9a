/**
 * The page's own files (`static/`), read once and kept: the page, its modules, its style, and
 * the vendored component library. Only the files named here are served.
 *
 * @module
 */
import type { Logger } from "../util/log.ts";

/** The files under `static/` a browser may ask for (besides `index.html`, served at `/`). */
export const PAGE_FILES: ReadonlySet<string> = new Set([
  "app.js",
  "app.css",
  "state.js",
  "ui.js",
  "catalog.js",
  "entry.js",
  "settings.js",
  "running.js",
  "build_plan.js",
  "sources.js",
  "preact_htm.js",
]);

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** The page's files, each read on first use. */
export interface StaticFiles {
  /** A file's answer; 500 naming the file when this build lacks it. */
  answer(file: string): Promise<Response>;
}

/** Serves the files of `static/` beside this module. */
export function staticFiles(log: Logger): StaticFiles {
  const texts = new Map<string, Promise<string>>();
  return {
    async answer(file) {
      let text = texts.get(file);
      if (!text) texts.set(file, text = readStatic(file));
      try {
        const type = TYPES[file.slice(file.lastIndexOf(".") + 1)] ?? "text/plain; charset=utf-8";
        return new Response(await text, { headers: { "content-type": type } });
      } catch (error) {
        texts.delete(file);
        log.error("web page file missing", { file, error: String(error) });
        return new Response(
          `The page's file ${file} is missing from this build of mcp-registry ` +
            "(a compiled binary needs --include src/web/static)\n",
          { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } },
        );
      }
    },
  };
}

/** Reads a static file of the page beside this module (or fetches it, when run from a URL). */
async function readStatic(file: string): Promise<string> {
  const url = new URL(`./static/${file}`, import.meta.url);
  if (url.protocol === "file:") return await Deno.readTextFile(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return await response.text();
}
