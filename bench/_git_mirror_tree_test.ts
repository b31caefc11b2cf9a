import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { findRunWay } from "../src/registry/run_way.ts";
import { gitMirrorTree } from "./_git_mirror_tree.ts";
import { baseImages } from "./real_repos_measure.ts";

const IDENTITY = ["-c", "user.name=mcp-registry tests", "-c", "user.email=tests@invalid"];

async function git(args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

/** A real repository with a symlinked Dockerfile, a mixed-case folder, then a bare clone of it. */
async function bareMirror(): Promise<{ dir: string; bare: string }> {
  const dir = await Deno.makeTempDir({ prefix: "mirror-tree-test-" });
  const work = `${dir}/work`;
  await Deno.mkdir(`${work}/Servers/Hello`, { recursive: true });
  await Deno.writeTextFile(
    `${work}/Servers/Hello/package.json`,
    JSON.stringify({ name: "hello-mcp", bin: { "hello-mcp": "index.js" } }),
  );
  await Deno.writeTextFile(`${work}/Servers/Hello/index.js`, "console.log('hi');\n");
  await Deno.writeTextFile(`${work}/README.md`, "# hello\n");
  // A hostile repository: a Containerfile that is a symlink out of the tree.
  await Deno.symlink("/etc/passwd", `${work}/Dockerfile`);
  await git(["-C", work, "init", "-q", "-b", "main"]);
  await git(["-C", work, "add", "."]);
  await git(["-C", work, ...IDENTITY, "commit", "-q", "-m", "first"]);
  await git(["clone", "-q", "--bare", work, `${dir}/bare.git`]);
  return { dir, bare: `${dir}/bare.git` };
}

Deno.test("a bare mirror reads as a SourceTree: files, folders, the commit, real case", async () => {
  const { dir, bare } = await bareMirror();
  try {
    const tree = await gitMirrorTree(bare);
    assertEquals(tree.commit, await git([`--git-dir=${bare}`, "rev-parse", "HEAD"]));
    assertEquals(await tree.readText("README.md"), "# hello\n");
    assertEquals(await tree.list(""), ["Dockerfile", "README.md", "Servers"]);
    assertEquals(await tree.list("Servers/Hello"), ["index.js", "package.json"]);
    assertEquals(await tree.list("README.md"), null);
    assertEquals(await tree.list("nowhere"), null);
    assert(await tree.isFile("Servers/Hello/index.js"));
    assertEquals(await tree.isFile("Servers"), false);
    assertEquals(tree.realCase("servers/hello"), "Servers/Hello");
    assertEquals(tree.realCase("servers/bye"), null);
    const ways = await findRunWay(tree, tree.realCase("servers/hello")!);
    assertEquals(ways.ways.map((w) => w.kind), ["package", "recipe"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bare mirror's symlinks and paths out of the tree read as nothing", async () => {
  const { dir, bare } = await bareMirror();
  try {
    const tree = await gitMirrorTree(bare);
    assertEquals(await tree.isFile("Dockerfile"), false);
    assertEquals(await tree.readText("Dockerfile"), null);
    assertEquals((await findRunWay(tree, "")).ways, []);
    for (const path of ["../work/README.md", "/etc/passwd", "Servers/../../README.md"]) {
      assertEquals(await tree.readText(path), null, path);
      assertEquals(await tree.isFile(path), false, path);
      assertEquals(await tree.list(path), null, path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("baseImages: the images stages start from, not earlier stages or scratch", () => {
  const containerfile = [
    "# syntax=docker/dockerfile:1",
    "FROM --platform=linux/amd64 golang:1.24 AS build",
    "RUN go build \\",
    "  ./...",
    "FROM build AS test",
    "from alpine:3.22",
    "FROM scratch",
    "FROM alpine:3.22",
  ].join("\n");
  assertEquals(baseImages(containerfile), ["golang:1.24", "alpine:3.22"]);
  assertEquals(baseImages("RUN echo FROM nowhere\n"), []);
});
