/**
 * How an official registry server is started: a container image, an npm or PyPI package over
 * stdio (with its arguments and environment), or a remote over HTTP. Pure.
 *
 * @module
 */
import type { CatalogEntry, RemoteSpec } from "../catalog/entry.ts";
import { fullImageName } from "../catalog/names.ts";
import type { ConfigBuilder } from "./_official_config.ts";
import {
  type Input,
  isRecord,
  list,
  pick,
  type Pkg,
  readInput,
  readList,
  readPackage,
  readVariables,
  text,
} from "./_official_fields.ts";

/** How a server starts, as the entry's fields hold it. */
export interface OfficialLaunch {
  launch: CatalogEntry["launch_method"];
  containerImage: string | null;
  pkgSpec: CatalogEntry["run"]["package"];
  command: string[];
  remote: RemoteSpec | null;
}

/**
 * Chooses how `server` starts: an OCI image first, then an npm, then a PyPI package (stdio
 * only), else a remote. Arguments and environment go through `builder`; faults to `warnings`.
 */
export function chooseLaunch(
  server: Record<string, unknown>,
  { builder, oldLayout, warnings }: {
    builder: ConfigBuilder;
    oldLayout: boolean;
    warnings: string[];
  },
): OfficialLaunch {
  const packages = readList(server.packages, "packages", warnings).flatMap((p, index) => {
    const pkg = readPackage(p);
    if (!pkg) warnings.push(`'packages[${index}]' ignored: no registry type or identifier`);
    return pkg ? [pkg] : [];
  });
  const runnable = packages.filter((p) => p.transport === undefined || p.transport === "stdio");
  const oci = runnable.find((p) => p.registryType === "oci" || p.registryType === "docker");
  const npm = runnable.find((p) => p.registryType === "npm");
  const pypi = runnable.find((p) => p.registryType === "pypi");

  let launch: CatalogEntry["launch_method"] = "none";
  let containerImage: string | null = null;
  let pkgSpec: CatalogEntry["run"]["package"];
  let command: string[] = [];
  let remote: RemoteSpec | null = null;
  let chosen: Pkg | undefined;
  if (oci) {
    containerImage = imageOf(oci, oldLayout, warnings);
    if (containerImage) chosen = oci;
  }
  chosen ??= npm ?? pypi;
  if (chosen) {
    launch = chosen === oci ? "podman" : "stdio-proxy";
    if (chosen !== oci) {
      pkgSpec = { registry: chosen.registryType as "npm" | "pypi", name: chosen.identifier };
      if (chosen.version) pkgSpec.version = chosen.version;
    }
    if (list(pick(chosen.raw, "runtimeArguments", "runtime_arguments")).length > 0) {
      warnings.push(
        `'runtimeArguments' of the ${chosen.registryType} package ignored: they configure the ` +
          "runtime (npx, uvx, docker), which mcp-registry sets up itself",
      );
    }
    const args = list(pick(chosen.raw, "packageArguments", "package_arguments"));
    if (oldLayout && chosen === oci && args.length > 0) {
      // The old seed wrote whole `docker run` lines here (-i, --rm, -e X, the image).
      warnings.push("the old record's docker arguments are `docker run` options: ignored");
    } else {
      command = args.flatMap((arg, index) => builder.argument(arg, `packageArguments[${index}]`));
    }
    const envs = list(pick(chosen.raw, "environmentVariables", "environment_variables"));
    for (const [index, env] of envs.entries()) {
      builder.envVar(env, `environmentVariables[${index}]`);
    }
  } else {
    remote = chooseRemote(server.remotes, builder, warnings);
    if (remote) launch = "remote-http";
    else {
      const kinds = [...new Set(packages.map((p) => describeKind(p)))];
      if (kinds.length > 0) {
        warnings.push(
          `cannot be started: its packages are ${kinds.join(", ")}, and mcp-registry runs ` +
            "npm, PyPI and OCI packages over stdio, and remote servers",
        );
      }
    }
  }
  return { launch, containerImage, pkgSpec, command, remote };
}

/** The remote to connect to: streamable HTTP preferred over SSE; null when none is usable. */
function chooseRemote(
  raw: unknown,
  builder: ConfigBuilder,
  warnings: string[],
): RemoteSpec | null {
  const remotes = list(raw).filter(isRecord);
  const transportOf = (r: Record<string, unknown>) => {
    const type = text(pick(r, "type", "transport_type"))?.trim();
    if (type === "streamable-http" || type === "sse") return type;
    if (type === "" || type === undefined) {
      return /\/sse\/?$/.test(text(r.url) ?? "") ? "sse" : "streamable-http";
    }
    return null;
  };
  const ordered = [
    ...remotes.filter((r) => transportOf(r) === "streamable-http"),
    ...remotes.filter((r) => transportOf(r) === "sse"),
  ];
  for (const remote of ordered) {
    const url = fillUrl(text(remote.url)?.trim() ?? "", readVariables(remote.variables));
    if (url === null) {
      warnings.push(
        `remote ${text(remote.url)} skipped: its URL needs a value with no default`,
      );
      continue;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      warnings.push(`remote "${url}" skipped: not a URL`);
      continue;
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      warnings.push(`remote ${url} skipped: not an http(s) URL`);
      continue;
    }
    if (/^(localhost|127\.[0-9.]+|\[::1\]|0\.0\.0\.0)$/i.test(parsed.hostname)) {
      // Old records list the address a server has once you run it yourself: no service.
      warnings.push(`remote ${url} skipped: it points at this machine, not at a service`);
      continue;
    }
    const headers: Record<string, string> = {};
    const rawHeaders = remote.headers;
    if (Array.isArray(rawHeaders)) {
      for (const [index, h] of rawHeaders.entries()) {
        const header = builder.header(h, `remotes.headers[${index}]`);
        if (header) headers[header[0]] = header[1];
      }
    } else if (isRecord(rawHeaders)) {
      for (const [k, v] of Object.entries(rawHeaders)) if (typeof v === "string") headers[k] = v;
    }
    return { url, transport: transportOf(remote) as RemoteSpec["transport"], headers };
  }
  return null;
}

/** `{var}` in a remote URL filled with the variable's value or default; null when one is missing. */
function fillUrl(url: string, variables: Record<string, Input>): string | null {
  let missing = false;
  const out = url.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, key: string) => {
    const value = variables[key]?.value ?? variables[key]?.default;
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? null : out;
}

/**
 * The image to run: the identifier, tagged with the version when it has no tag of its own, and
 * prefixed with the package's registry when that is not Docker Hub. Null (with a warning) when
 * that is no image name podman would accept.
 */
function imageOf(pkg: Pkg, oldLayout: boolean, warnings: string[]): string | null {
  let image = pkg.identifier.trim();
  let version = pkg.version;
  if (oldLayout) {
    // The old seed's `docker run` line names the image among its positional arguments; its
    // package `name` is often the npm or PyPI name.
    const args = list(pick(pkg.raw, "packageArguments", "package_arguments")).map(readInput);
    const named = args.findLast((a) =>
      a?.type === "positional" && a.value !== undefined &&
      /^[a-z0-9][a-z0-9._-]*\/[a-z0-9._/:-]+$/.test(a.value)
    );
    if (named?.value) {
      image = named.value;
      version = undefined;
    }
  }
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  if (!lastPart.includes(":") && !image.includes("@") && version) image = `${image}:${version}`;
  const registry = pkg.registryBaseUrl ? hostOf(pkg.registryBaseUrl) : null;
  const first = image.split("/")[0]!;
  const hasRegistry = image.includes("/") &&
    (first.includes(".") || first.includes(":") || first === "localhost");
  if (registry && !hasRegistry && !/(^|\.)docker\.io$/.test(registry)) {
    image = `${registry}/${image}`;
  }
  try {
    fullImageName(image);
  } catch {
    warnings.push(`the ${pkg.registryType} package "${image}" is not a container image name`);
    return null;
  }
  return image;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

function describeKind(pkg: Pkg): string {
  const runnableType = ["npm", "pypi", "oci", "docker"].includes(pkg.registryType);
  return runnableType ? `${pkg.registryType} (${pkg.transport ?? "stdio"})` : pkg.registryType;
}
