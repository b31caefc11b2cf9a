/**
 * Package servers (`launch_method: stdio-proxy`): an npm or PyPI package run with `npx` or
 * `uvx` inside a runtime image, with a named volume as package cache so the second start does
 * not download again. Pure: it turns a launch spec built from the entry into one that runs
 * the package.
 *
 * @module
 */
import type { CatalogEntry } from "../catalog/entry.ts";
import { LaunchError, type LaunchSpec } from "./launch_spec.ts";

/** Runtime images and caches for package servers. */
export interface PackageRuntimes {
  /** @default "docker.io/library/node:22-alpine" (`MCP_REGISTRY_NODE_IMAGE`) */
  nodeImage: string;
  /** @default "ghcr.io/astral-sh/uv:python3.12-alpine" (`MCP_REGISTRY_PYTHON_IMAGE`) */
  pythonImage: string;
}

export const DEFAULT_RUNTIMES: PackageRuntimes = {
  nodeImage: "docker.io/library/node:22-alpine",
  pythonImage: "ghcr.io/astral-sh/uv:python3.12-alpine",
};

/** The named volumes that keep downloaded packages between starts. */
export const NPM_CACHE_VOLUME = "mcp-registry-npm-cache:/root/.npm";
export const UV_CACHE_VOLUME = "mcp-registry-uv-cache:/root/.cache/uv";

const NPM_NAME = /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const PYPI_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(\[[A-Za-z0-9,._-]+\])?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;
/** One exact version (`1.2.3`, `1.2.3-beta.1`): a published version never changes. */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * What to run, with which program: `npx -y name@version args` or `uvx name==version args`.
 *
 * An exact npm version runs with `--prefer-offline`: npm takes what the cache holds and asks the
 * registry only for what is missing, so a second start needs no network (without it, `npx`
 * asks the registry for the package's versions on every start, and waits through retries when
 * the registry cannot be reached). A tag or no version (`latest`) is asked for every time, so
 * that it follows new releases.
 */
export interface PackageCommand {
  entrypoint: string;
  args: string[];
  cacheVolume: string;
  image: string;
}

/** The command that runs the entry's package; a `LaunchError` for what cannot run safely. */
export function packageCommand(
  entry: CatalogEntry,
  spec: Pick<LaunchSpec, "command">,
  runtimes: PackageRuntimes = DEFAULT_RUNTIMES,
): PackageCommand {
  const pkg = entry.run.package;
  if (!pkg) {
    throw new LaunchError(`${entry.id} is a package server without a package in the catalog`);
  }
  if (pkg.version !== undefined && !VERSION.test(pkg.version)) {
    throw new LaunchError(`${entry.id}: the package version "${pkg.version}" is not a version`);
  }
  if (pkg.registry === "npm") {
    if (!NPM_NAME.test(pkg.name)) {
      throw new LaunchError(`${entry.id}: "${pkg.name}" is not an npm package name`);
    }
    return {
      entrypoint: "npx",
      args: [
        "-y",
        ...(pkg.version && EXACT_VERSION.test(pkg.version) ? ["--prefer-offline"] : []),
        `${pkg.name}@${pkg.version ?? "latest"}`,
        ...spec.command,
      ],
      cacheVolume: NPM_CACHE_VOLUME,
      image: runtimes.nodeImage,
    };
  }
  if (pkg.registry === "pypi") {
    if (!PYPI_NAME.test(pkg.name)) {
      throw new LaunchError(`${entry.id}: "${pkg.name}" is not a PyPI package name`);
    }
    return {
      entrypoint: "uvx",
      args: [pkg.version ? `${pkg.name}==${pkg.version}` : pkg.name, ...spec.command],
      cacheVolume: UV_CACHE_VOLUME,
      image: runtimes.pythonImage,
    };
  }
  throw new LaunchError(
    `${entry.id} is a ${pkg.registry} package, which mcp-registry cannot run (npm and PyPI only)`,
  );
}
