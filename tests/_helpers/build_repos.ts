/**
 * Real local git repositories for servers built from source, and a local catalog naming them,
 * for the CLI and web tests of "the person decides": a server with a Containerfile built on the
 * local test image (offline, nothing pulled), one whose build fails, and one with nothing to
 * build. Ids carry a prefix so that tests running side by side build different images.
 *
 * @module
 */
import { runGit } from "../../src/sources/git.ts";
import { podman } from "./podman.ts";

/** The local test image the Containerfiles build on. */
export const BUILD_BASE = "localhost/mcp-registry-test/node:base";

const IDENTITY = ["-c", "user.name=mcp-registry tests", "-c", "user.email=tests@invalid"];

/**
 * Writes `files` (path -> text, folders made as needed) into the git repository `repo`, made if
 * it is not one yet, and commits them; the commit's hash.
 */
export async function commitFiles(repo: string, files: Record<string, string>): Promise<string> {
  await Deno.mkdir(repo, { recursive: true });
  await runGit(["init", "--quiet"], { cwd: repo });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${repo}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${repo}/${path}`, text);
  }
  await runGit([...IDENTITY, "add", "-A"], { cwd: repo });
  await runGit([...IDENTITY, "commit", "--quiet", "-m", "change"], { cwd: repo });
  return await runGit(["rev-parse", "HEAD"], { cwd: repo });
}

/**
 * A tiny MCP server with no dependencies and one tool, `hello`: JSON-RPC lines over stdio. Its
 * answer names `version` when given (`hello world from v2`), so a test can tell builds apart;
 * the `#!` line lets npx run it as a package's bin.
 */
export function helloServer(version?: string): string {
  const from = version === undefined ? "" : ` + " from ${version}"`;
  return `#!/usr/bin/env node
const send = (m) => process.stdout.write(JSON.stringify(m) + "\\n");
require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
  let msg;
  try { msg = JSON.parse(line); } catch { return; }
  if (msg.id === undefined) return;
  const { id, method, params } = msg;
  const reply = (result) => send({ jsonrpc: "2.0", id, result });
  if (method === "initialize") {
    reply({ protocolVersion: params.protocolVersion, capabilities: { tools: {} },
      serverInfo: { name: "hello", version: "1.0.0" } });
  } else if (method === "tools/list") {
    reply({ tools: [{ name: "hello", description: "Says hello", inputSchema: { type: "object",
      properties: { name: { type: "string" } } } }] });
  } else if (method === "tools/call") {
    reply({ content: [{ type: "text", text: "hello " + (params.arguments?.name ?? "world")${from} }] });
  } else if (method === "ping") {
    reply({});
  } else {
    send({ jsonrpc: "2.0", id, error: { code: -32601, message: "no such method" } });
  }
});
`;
}

/** {@linkcode helloServer} without a version. */
export const HELLO_SERVER = helloServer();

/** The repositories and the catalog; dispose of it to remove the images built from them. */
export interface BuildRepos extends AsyncDisposable {
  /** The catalog file (server.yaml documents) naming every entry. */
  catalog: string;
  /** The commit the `hello` entries are pinned to. */
  commit: string;
  /** The ids: `hello` and `hello2` build the same repository, `broken` fails, `nothing` has none. */
  ids: { hello: string; hello2: string; broken: string; nothing: string };
  /** The image a build of `id` at `commit` makes. */
  image(id: string): string;
}

/** Makes the repositories and the catalog in `dir`, with ids `<prefix>-hello` and so on. */
export async function makeBuildRepos(dir: string, prefix: string): Promise<BuildRepos> {
  const hello = `${dir}/hello-repo`;
  const empty = `${dir}/empty-repo`;
  const pinned = await commitFiles(hello, {
    "Containerfile": `FROM ${BUILD_BASE}\nCOPY server.js /app/server.js\n` +
      `RUN ["/usr/bin/node", "--check", "/app/server.js"]\n` +
      `ENTRYPOINT ["/usr/bin/node", "/app/server.js"]\n`,
    "server.js": HELLO_SERVER,
    "broken/Containerfile": `FROM ${BUILD_BASE}\nRUN ["/usr/bin/node", "-e", ` +
      `"console.log('boom at step 2'); process.exit(3)"]\n`,
  });
  await commitFiles(empty, { "README.md": "a server with nothing to build\n" });
  const ids = {
    hello: `${prefix}-hello`,
    hello2: `${prefix}-hello2`,
    broken: `${prefix}-broken`,
    nothing: `${prefix}-nothing`,
  };
  const catalog = `${dir}/build-catalog.yaml`;
  const helloEntry = (id: string, title: string) =>
    `name: ${id}\ntype: server\nabout:\n  title: ${title}\n  description: A tiny server ` +
    `built from its repository\nsource:\n  project: file://${hello}\n  commit: ${pinned}\n`;
  await Deno.writeTextFile(
    catalog,
    [
      helloEntry(ids.hello, "Hello from source"),
      helloEntry(ids.hello2, "Hello again from source"),
      `name: ${ids.broken}\ntype: server\nabout:\n  title: Broken build\nsource:\n` +
      `  project: ${hello}\n  directory: broken\n`,
      `name: ${ids.nothing}\ntype: server\nabout:\n  title: Nothing to build\nsource:\n` +
      `  project: ./empty-repo\n`,
    ].join("---\n"),
  );
  const image = (id: string) => `localhost/mcp-registry-build/${id}:${pinned.slice(0, 12)}`;
  return {
    catalog,
    commit: pinned,
    ids,
    image,
    async [Symbol.asyncDispose]() {
      for (const id of Object.values(ids)) {
        await podman(
          "rmi",
          "--force",
          "--ignore",
          image(id),
          `localhost/mcp-registry-build/${id}:latest`,
        ).catch(() => {});
      }
    },
  };
}

/** The ids of images and containers (running or not) labelled with server `id`. */
export async function labelled(id: string): Promise<string> {
  const filter = `label=io.mcp-registry.server=${id}`;
  const images = await podman("images", "--all", "--quiet", "--filter", filter);
  return images + await podman("ps", "--all", "--quiet", "--filter", filter);
}
