import { deepEqual, equal, match, rejects, throws } from "node:assert/strict";
import { findRunWay, folderTree } from "./run_way.ts";
import { DEFAULT_RECIPE_IMAGES, recipeContainerfile } from "./recipes.ts";
import { parsePyproject } from "./_manifests.ts";

/** A temp folder with `files`, given to `fn`, removed afterwards. */
async function withFiles(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "run_way_test_" });
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]+$/, ""), { recursive: true });
      await Deno.writeTextFile(`${dir}/${path}`, text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const pkg = (json: Record<string, unknown>) => JSON.stringify(json);

Deno.test("`findRunWay()` lists a public npm package, its Containerfile, then the Node recipe", async () => {
  await withFiles({
    "package.json": pkg({ name: "@acme/mcp", bin: { "acme-mcp": "./dist/index.js" } }),
    "package-lock.json": "{}",
    "Dockerfile": "FROM x\n",
  }, async (dir) => {
    const { ways } = await findRunWay(folderTree(dir), "");
    deepEqual(ways, [
      {
        kind: "package",
        registry: "npm",
        name: "@acme/mcp",
        command: "acme-mcp",
        file: "package.json",
      },
      { kind: "containerfile", file: "Dockerfile" },
      {
        kind: "recipe",
        file: "package.json",
        recipe: {
          language: "node",
          directory: "",
          bin: "dist/index.js",
          install: null,
          build: false,
        },
      },
    ]);
  });
});

Deno.test("`findRunWay()` takes no package from a private package.json, but a recipe", async () => {
  await withFiles({
    "servers/x/package.json": pkg({
      name: "x",
      private: true,
      bin: "server.js",
      scripts: { build: "tsc" },
      devDependencies: { typescript: "5" },
    }),
  }, async (dir) => {
    const { ways } = await findRunWay(folderTree(dir), "servers/x/");
    deepEqual(ways, [{
      kind: "recipe",
      file: "servers/x/package.json",
      recipe: {
        language: "node",
        directory: "servers/x",
        bin: "server.js",
        install: "install",
        build: true,
      },
    }]);
  });
});

Deno.test("`findRunWay()` finds PyPI packages, Python scripts and Go main packages", async () => {
  await withFiles({
    "py/pyproject.toml": `[project]
name = "mcp-server-thing"  # the name
version = "1.0"
[project.scripts]
mcp-server-thing = "thing:main"
other = 'thing:other'
[project.urls]
Repository = "https://github.com/acme/thing"
`,
    "go.mod": "module example.com/x\n",
    "cmd/server/main.go": "// Command server.\npackage main\n\nfunc main() {}\n",
    "lib/lib.go": "package lib\n",
  }, async (dir) => {
    const py = await findRunWay(folderTree(dir), "py");
    deepEqual(py.ways.map((w) => w.kind === "recipe" ? w.recipe : w), [
      {
        kind: "package",
        registry: "pypi",
        name: "mcp-server-thing",
        command: "mcp-server-thing",
        file: "py/pyproject.toml",
      },
      { language: "python", directory: "py", script: "mcp-server-thing" },
    ]);
    const go = await findRunWay(folderTree(dir), "");
    deepEqual(go.ways, [{
      kind: "recipe",
      file: "go.mod",
      recipe: { language: "go", moduleDirectory: "", packageDirectory: "cmd/server" },
    }]);
  });
});

Deno.test("`findRunWay()` says what it looked for when there is nothing", async () => {
  await withFiles({ "README.md": "hi", "index.js": "" }, async (dir) => {
    const { ways, looked } = await findRunWay(folderTree(dir), "");
    deepEqual(ways, []);
    match(
      looked.join("; "),
      /package\.json.*pyproject\.toml.*Containerfile or Dockerfile.*go\.mod/,
    );
  });
});

Deno.test("`findRunWay()` refuses a folder leaving the repository, symlinks and hostile names", async () => {
  await withFiles({
    "outside/Dockerfile": "FROM x\n",
    "repo/package.json": pkg({
      name: "evil",
      bin: { 'x"]\nRUN ["sh': "a.js", ok: "../../etc/passwd", fine: "$(id).js" },
    }),
  }, async (dir) => {
    await rejects(() => findRunWay(folderTree(`${dir}/repo`), "../outside"), RangeError);
    await Deno.symlink(`${dir}/outside`, `${dir}/repo/linked`);
    await Deno.symlink(`${dir}/outside/Dockerfile`, `${dir}/repo/Dockerfile`);
    const tree = folderTree(`${dir}/repo`);
    equal(await tree.isFile("Dockerfile"), false, "a symlinked Containerfile is not one");
    equal(await tree.readText("linked/Dockerfile"), null, "no path through a symlink");
    const { ways } = await findRunWay(tree, "");
    deepEqual(ways, [], "no bin survives the allow-list, the symlink is no Dockerfile");
  });
});

Deno.test("`parsePyproject()` reads Poetry's name and scripts and inline tables", () => {
  deepEqual(
    parsePyproject(`[tool.poetry]\nname = "a-b"\n[tool.poetry.scripts]\na-b = "a:main"\n`),
    { name: "a-b", scripts: { "a-b": "a:main" }, urls: [] },
  );
  deepEqual(
    parsePyproject(`[project]\nname = "c"\nscripts = { c = "c:main", "d" = "c:d" }\n`).scripts,
    { c: "c:main", d: "c:d" },
  );
});

Deno.test("`recipeContainerfile()` writes two stages in exec form for Node, Python and Go", () => {
  const node = recipeContainerfile({
    language: "node",
    directory: "servers/x",
    bin: "dist/index.js",
    install: "ci",
    build: true,
  });
  match(node, /^FROM docker\.io\/library\/node:22-slim AS builder$/m);
  match(node, /^RUN \["npm","ci","--no-audit","--no-fund"\]\nRUN \["npm","run","build"\]$/m);
  match(node, /^COPY --from=builder \/app \/app$/m);
  match(node, /^ENTRYPOINT \["node","\/app\/servers\/x\/dist\/index\.js"\]$/m);
  const python = recipeContainerfile({ language: "python", directory: "", script: "thing" });
  match(python, /^FROM docker\.io\/library\/python:3\.12-slim AS builder$/m);
  match(
    python,
    /^RUN \["\/opt\/venv\/bin\/pip","install","--no-cache-dir","--disable-pip-version-check","\/src"\]$/m,
  );
  match(python, /^COPY --from=builder \/opt\/venv \/opt\/venv$/m);
  match(python, /^ENTRYPOINT \["\/opt\/venv\/bin\/thing"\]$/m);
  const go = recipeContainerfile(
    { language: "go", moduleDirectory: "srv", packageDirectory: "srv/cmd/mcp" },
    { ...DEFAULT_RECIPE_IMAGES, goRuntime: "docker.io/library/alpine:3.20" },
  );
  match(go, /^FROM docker\.io\/library\/golang:1\.23 AS builder$/m);
  match(go, /^WORKDIR \/src\/srv$/m);
  match(go, /^RUN \["go","build","-trimpath","-o","\/out\/server","\.\/cmd\/mcp"\]$/m);
  match(go, /^FROM docker\.io\/library\/alpine:3\.20$/m);
  match(go, /^ENTRYPOINT \["\/server"\]$/m);
});

Deno.test("`recipeContainerfile()` refuses paths and images it cannot write safely", () => {
  throws(
    () => recipeContainerfile({ language: "python", directory: "a\nRUN x", script: "s" }),
    RangeError,
  );
  throws(
    () =>
      recipeContainerfile(
        { language: "node", directory: "", bin: "a.js", install: null, build: false },
        { ...DEFAULT_RECIPE_IMAGES, nodeBuilder: "node:22\nRUN evil" },
      ),
    RangeError,
  );
});
