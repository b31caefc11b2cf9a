/**
 * Builds the container images the tests run, locally and offline (no image registry is
 * reachable from our machines): a base image holding this machine's `node` and the libraries
 * it links, and on top of it real MCP servers from npm, tagged with the names the Docker
 * catalog uses, so that catalog entries activate exactly as they would for a user.
 *
 * For package servers (`npx` in a runtime image): a runtime image with this machine's npm,
 * and the registry's npm cache volume filled with {@linkcode PACKAGE_SERVER} and everything it
 * depends on, so that `npx` in a container finds it all without a network.
 *
 *   deno run -A scripts/build_test_images.ts [--force]
 *
 * Needs podman, node and npm. Images that exist with the current recipe are kept.
 */
import { parseArgs } from "node:util";
import { NPM_CACHE_VOLUME } from "../src/runtime/package_spec.ts";

/** `--force`: build every image again. Tests import this module's names, not its arguments. */
const force = import.meta.main &&
  parseArgs({ args: Deno.args, options: { force: { type: "boolean" } } }).values.force === true;

const BASE = "localhost/mcp-registry-test/node:base";
/** The version of the MCP servers from npm that every test image and the npm cache hold. */
export const MCP_VERSION = "2026.8.31";

/** The runtime image package servers run in during tests (`MCP_REGISTRY_NODE_IMAGE`). */
export const NODE_RUNTIME = "localhost/mcp-registry-test/node-runtime:latest";

/** The npm package put into the registry's npm cache volume. */
export const PACKAGE_SERVER = { name: "@modelcontextprotocol/server-memory", version: MCP_VERSION };

/** The registry's own npm cache volume (`mcp-registry-npm-cache`), as a user's start uses it. */
export const NPM_CACHE = NPM_CACHE_VOLUME.split(":")[0]!;

/**
 * One test image: an npm package whose `dist/` is copied to `/app/dist`, as in Docker's images,
 * or a folder of this repository (`dir`, with package.json and index.js) installed as `/app`.
 */
interface TestImage {
  tag: string;
  pkg?: string;
  dir?: string;
}

export const TEST_IMAGES: TestImage[] = [
  { tag: "docker.io/mcp/memory:latest", pkg: "@modelcontextprotocol/server-memory" },
  { tag: "docker.io/mcp/filesystem:latest", pkg: "@modelcontextprotocol/server-filesystem" },
  {
    tag: "localhost/mcp-registry-test/everything:latest",
    pkg: "@modelcontextprotocol/server-everything",
  },
  {
    tag: "localhost/mcp-registry-test/dynamic:latest",
    dir: new URL("../tests/podman/dynamic-server/", import.meta.url).pathname,
  },
];

async function run(cmd: string, args: string[], options: Deno.CommandOptions = {}) {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", ...options })
    .output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-5).join("\n");
    throw new Error(`${cmd} ${args.slice(0, 3).join(" ")} failed:\n${err}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

async function labelOf(image: string): Promise<string | null> {
  try {
    return await run("podman", [
      "image",
      "inspect",
      "--format",
      '{{index .Labels "io.mcp-registry.recipe"}}',
      image,
    ]);
  } catch {
    return null;
  }
}

async function hash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

async function buildBase(work: string): Promise<string> {
  const node = await run("sh", ["-c", "command -v node"]);
  const nodeVersion = await run(node, ["--version"]);
  const recipe = await hash(`base ${node} ${nodeVersion}`);
  if (!force && await labelOf(BASE) === recipe) return recipe;
  const root = `${work}/rootfs`;
  await Deno.mkdir(`${root}/usr/bin`, { recursive: true });
  await Deno.mkdir(`${root}/tmp`, { recursive: true, mode: 0o1777 });
  await Deno.copyFile(await Deno.realPath(node), `${root}/usr/bin/node`);
  const libs = (await run("ldd", [node])).match(/\/\S+/g) ?? [];
  for (const lib of libs) {
    await Deno.mkdir(`${root}${lib.replace(/\/[^/]+$/, "")}`, { recursive: true });
    await Deno.copyFile(await Deno.realPath(lib), `${root}${lib}`);
  }
  await Deno.mkdir(`${root}/etc`, { recursive: true });
  await Deno.writeTextFile(
    `${root}/etc/passwd`,
    "root:x:0:0:root:/root:/bin/false\nnode:x:1000:1000:node:/home/node:/bin/false\n",
  );
  const tar = `${work}/rootfs.tar`;
  await run("tar", ["-C", root, "-cf", tar, "."]);
  await run("podman", [
    "import",
    "--change",
    "ENV PATH=/usr/bin:/bin",
    "--change",
    `LABEL io.mcp-registry.recipe=${recipe}`,
    tar,
    BASE,
  ]);
  console.log(`built ${BASE} (node ${nodeVersion})`);
  return recipe;
}

async function buildServer(work: string, base: string, image: TestImage) {
  const source = image.dir
    ? await Deno.readTextFile(`${image.dir}/index.js`) +
      await Deno.readTextFile(`${image.dir}/package.json`)
    : `${image.pkg}@${MCP_VERSION}`;
  const recipe = await hash(`${base} ${source}`);
  if (!force && await labelOf(image.tag) === recipe) {
    console.log(`kept ${image.tag}`);
    return;
  }
  const dir = `${work}/${image.tag.replace(/\W+/g, "-")}`;
  await Deno.mkdir(`${dir}/app`, { recursive: true });
  const npm = ["--no-audit", "--no-fund", "--omit=dev"];
  let entry = "/app/dist/index.js";
  if (image.dir) {
    for (const file of ["index.js", "package.json"]) {
      await Deno.copyFile(`${image.dir}/${file}`, `${dir}/app/${file}`);
    }
    await run("npm", ["install", "--prefix", `${dir}/app`, ...npm]);
    entry = "/app/index.js";
  } else {
    await run("npm", ["install", "--prefix", `${dir}/app`, ...npm, source]);
    await run("cp", ["-r", `${dir}/app/node_modules/${image.pkg}/dist`, `${dir}/app/dist`]);
    await Deno.writeTextFile(`${dir}/app/package.json`, '{ "type": "module" }\n');
  }
  await Deno.writeTextFile(
    `${dir}/Containerfile`,
    [
      `FROM ${BASE}`,
      "COPY app /app",
      "WORKDIR /app",
      `LABEL io.mcp-registry.recipe=${recipe}`,
      `ENTRYPOINT ["node", "${entry}"]`,
    ].join("\n") + "\n",
  );
  await run("podman", ["build", "-q", "-t", image.tag, dir]);
  console.log(`built ${image.tag} from ${image.pkg ?? image.dir}`);
}

/**
 * The runtime image: the base plus this machine's npm (with `npm` and `npx` on PATH), and what
 * `npx` needs to start a package's bin: `sh` and `/usr/bin/env`.
 */
async function buildRuntime(work: string, base: string) {
  const npmCli = await Deno.realPath(await run("sh", ["-c", "command -v npm"]));
  const npmDir = npmCli.replace(/\/bin\/[^/]+$/, "");
  const npmVersion = await run("npm", ["--version"]);
  const programs = { sh: await run("sh", ["-c", "command -v sh"]), env: "/usr/bin/env" };
  const recipe = await hash(`${base} runtime 1 ${npmDir} ${npmVersion} ${programs.sh}`);
  if (!force && await labelOf(NODE_RUNTIME) === recipe) {
    console.log(`kept ${NODE_RUNTIME}`);
    return;
  }
  const dir = `${work}/node-runtime`;
  const root = `${dir}/rootfs`;
  await Deno.mkdir(`${root}/usr/bin`, { recursive: true });
  await Deno.mkdir(`${root}/usr/lib/node_modules`, { recursive: true });
  await run("cp", ["-a", npmDir, `${root}/usr/lib/node_modules/npm`]);
  await Deno.symlink("../lib/node_modules/npm/bin/npm-cli.js", `${root}/usr/bin/npm`);
  await Deno.symlink("../lib/node_modules/npm/bin/npx-cli.js", `${root}/usr/bin/npx`);
  await Deno.symlink("usr/bin", `${root}/bin`);
  for (const [name, path] of Object.entries(programs)) {
    await Deno.copyFile(await Deno.realPath(path), `${root}/usr/bin/${name}`);
    for (const lib of (await run("ldd", [path])).match(/\/\S+/g) ?? []) {
      await Deno.mkdir(`${root}${lib.replace(/\/[^/]+$/, "")}`, { recursive: true });
      await Deno.copyFile(await Deno.realPath(lib), `${root}${lib}`);
    }
  }
  await Deno.writeTextFile(
    `${dir}/Containerfile`,
    [`FROM ${BASE}`, "COPY rootfs /", `LABEL io.mcp-registry.recipe=${recipe}`].join("\n") + "\n",
  );
  await run("podman", ["build", "-q", "-t", NODE_RUNTIME, dir]);
  console.log(`built ${NODE_RUNTIME} (npm ${npmVersion})`);
}

/**
 * Puts {@linkcode PACKAGE_SERVER} and its dependencies (packuments and tarballs) into the npm
 * cache volume. `npm exec` on this machine, with a fresh cache folder, fetches exactly what
 * `npx` in the container will ask for (the same npm, so the same requests); the cache folder,
 * without that run's own install and logs, is then added to the volume (files merge; nothing
 * already there is removed). Its files belong to the container's root, who runs `npx` there
 * without the capability to write other users' files.
 */
async function fillNpmCache(work: string) {
  const dir = `${work}/npm-cache`;
  const spec = `${PACKAGE_SERVER.name}@${PACKAGE_SERVER.version}`;
  if (!force && await npmCacheHolds(spec)) {
    console.log(`kept ${spec} in the volume ${NPM_CACHE}`);
    return;
  }
  await Deno.mkdir(`${dir}/cwd`, { recursive: true });
  await run(
    "npm",
    ["exec", "--yes", "--cache", `${dir}/cache`, `--package=${spec}`, "--", "node", "-e", "0"],
    { cwd: `${dir}/cwd` },
  );
  const tar = `${dir}/cache.tar`;
  await run("tar", [
    "-C",
    `${dir}/cache`,
    "--exclude=./_npx",
    "--exclude=./_logs",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "-cf",
    tar,
    ".",
  ]);
  const exists = await run("podman", ["volume", "exists", NPM_CACHE]).then(() => true, () => false);
  if (!exists) await run("podman", ["volume", "create", NPM_CACHE]);
  await run("podman", ["volume", "import", NPM_CACHE, tar]);
  console.log(`filled the volume ${NPM_CACHE} with ${spec}`);
}

/** Whether `npx` in the runtime image, without a network, finds `spec` in the cache volume. */
async function npmCacheHolds(spec: string): Promise<boolean> {
  // deno-fmt-ignore
  const args = [
    "run", "--rm", "--pull", "never", "--network", "none", "--cap-drop", "all",
    "--security-opt", "no-new-privileges", "-v", NPM_CACHE_VOLUME, "--entrypoint", "npm",
    NODE_RUNTIME, "exec", "--offline", "--yes", `--package=${spec}`, "--", "node", "-e", "0",
  ];
  return await run("podman", args).then(() => true, () => false);
}

if (import.meta.main) {
  const work = await Deno.makeTempDir({ prefix: "mcp-registry-images-" });
  try {
    const base = await buildBase(work);
    for (const image of TEST_IMAGES) await buildServer(work, base, image);
    await buildRuntime(work, base);
    await fillNpmCache(work);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
