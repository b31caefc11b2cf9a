/**
 * Builds the container images the tests run, locally and offline (no image registry is
 * reachable from our machines): a base image holding this machine's `node` and the libraries
 * it links, and on top of it real MCP servers from npm, tagged with the names the Docker
 * catalog uses, so that catalog entries activate exactly as they would for a user.
 *
 *   deno run -A scripts/build_test_images.ts [--force]
 *
 * Needs podman, node and npm. Images that exist with the current recipe are kept.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({ args: Deno.args, options: { force: { type: "boolean" } } });

const BASE = "localhost/mcp-registry-test/node:base";
const MCP_VERSION = "2026.8.31";

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
  if (!values.force && await labelOf(BASE) === recipe) return recipe;
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
  if (!values.force && await labelOf(image.tag) === recipe) {
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

if (import.meta.main) {
  const work = await Deno.makeTempDir({ prefix: "mcp-registry-images-" });
  try {
    const base = await buildBase(work);
    for (const image of TEST_IMAGES) await buildServer(work, base, image);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
