import { deepEqual, throws } from "node:assert/strict";
import { minimalEntry } from "../catalog/entry.ts";
import { LaunchError } from "./launch_spec.ts";
import {
  DEFAULT_RUNTIMES,
  NPM_CACHE_VOLUME,
  packageCommand,
  UV_CACHE_VOLUME,
} from "./package_spec.ts";

const entry = (pkg: Record<string, unknown>) =>
  minimalEntry({ id: "pkg", launch_method: "stdio-proxy", run: { package: pkg } as never });

Deno.test("packageCommand() runs npm packages with npx and PyPI packages with uvx, pinned", () => {
  deepEqual(
    packageCommand(entry({ registry: "npm", name: "@scope/server", version: "1.2.3" }), {
      command: ["--port", "0"],
    }),
    {
      entrypoint: "npx",
      args: ["-y", "--prefer-offline", "@scope/server@1.2.3", "--port", "0"],
      cacheVolume: NPM_CACHE_VOLUME,
      image: DEFAULT_RUNTIMES.nodeImage,
    },
  );
  deepEqual(
    packageCommand(entry({ registry: "pypi", name: "mcp-server-time", version: "0.6.2" }), {
      command: [],
    }),
    {
      entrypoint: "uvx",
      args: ["mcp-server-time==0.6.2"],
      cacheVolume: UV_CACHE_VOLUME,
      image: DEFAULT_RUNTIMES.pythonImage,
    },
  );
});

Deno.test("packageCommand() takes exact npm versions from the cache first, tags from npm", () => {
  const args = (version?: string) =>
    packageCommand(entry({ registry: "npm", name: "server", version }), { command: [] }).args;
  deepEqual(args("2026.8.31"), ["-y", "--prefer-offline", "server@2026.8.31"]);
  deepEqual(args("1.0.0-beta.2"), ["-y", "--prefer-offline", "server@1.0.0-beta.2"]);
  deepEqual(args("latest"), ["-y", "server@latest"]);
  deepEqual(args("1.x"), ["-y", "server@1.x"]);
  deepEqual(args(undefined), ["-y", "server@latest"]);
});

Deno.test("packageCommand() refuses names and versions that could smuggle options", () => {
  for (
    const pkg of [
      { registry: "npm", name: "--registry=https://evil" },
      { registry: "npm", name: "ok", version: "1.0 --foo" },
      { registry: "pypi", name: "-e git+https://evil/x" },
      { registry: "other", name: "x" },
    ]
  ) {
    throws(() => packageCommand(entry(pkg), { command: [] }), LaunchError, JSON.stringify(pkg));
  }
});
