/**
 * Where the test data lives: `tests/fixtures/` of this checkout (see its README.md), found from
 * this file's URL, so tests, benches and scripts read it whatever the working directory.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The `tests/fixtures/` folder, as a URL ending in `/`. */
export const FIXTURES_URL = new URL("../fixtures/", import.meta.url);

/** The absolute file path of `path` (relative to `tests/fixtures/`). */
export function fixturePath(path: string): string {
  return fileURLToPath(new URL(path, FIXTURES_URL));
}

/** The Docker MCP registry's data (`servers/<name>/server.yaml`, `tools.json`, `LICENSE`). */
export const DOCKER_FIXTURES = fixturePath("docker-mcp-registry");

/** Two README versions of the awesome list (wong2/awesome-mcp-servers) and its LICENSE. */
export const AWESOME_FIXTURES = fixturePath("mcpservers");

/** Seed data of the official MCP registry (three seeds, two layouts). */
export const OFFICIAL_FIXTURES = fixturePath("official-registry");
