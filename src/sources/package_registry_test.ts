import { deepEqual, equal, match } from "node:assert/strict";
import { checkPublishedFrom, lookupPackage, repoIdentity } from "./package_registry.ts";

/** A fake npm + PyPI registry on loopback: package name → metadata document. */
async function withFakeRegistry(
  fn: (urls: { npm: string; pypi: string }, asked: string[]) => Promise<void>,
): Promise<void> {
  const asked: string[] = [];
  const docs: Record<string, unknown> = {
    "/npm/@acme%2fmcp/latest": {
      name: "@acme/mcp",
      version: "1.4.2",
      repository: { type: "git", url: "git+https://github.com/Acme/mcp.git" },
    },
    "/npm/squatter/latest": {
      name: "squatter",
      version: "9.9.9",
      repository: "github:evil/mcp",
    },
    "/pypi/pypi/mcp-thing/json": {
      info: {
        version: "0.3.1",
        home_page: null,
        project_urls: { Homepage: "https://thing.dev", Source: "https://gitlab.com/acme/thing" },
      },
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    asked.push(path);
    const doc = docs[path];
    return doc ? Response.json(doc) : new Response("not found", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    await fn({ npm: `${base}/npm`, pypi: `${base}/pypi` }, asked);
  } finally {
    await server.shutdown();
  }
}

Deno.test("`checkPublishedFrom()` accepts a package whose metadata points back to the repository", async () => {
  await withFakeRegistry(async (urls, asked) => {
    deepEqual(
      await checkPublishedFrom(
        { registry: "npm", name: "@acme/mcp" },
        "https://github.com/acme/MCP",
        { urls },
      ),
      { ok: true, version: "1.4.2" },
    );
    deepEqual(asked, ["/npm/@acme%2fmcp/latest"]);
    deepEqual(
      await checkPublishedFrom(
        { registry: "pypi", name: "mcp-thing" },
        "git@gitlab.com:acme/thing.git",
        { urls },
      ),
      { ok: true, version: "0.3.1" },
    );
  });
});

Deno.test("`checkPublishedFrom()` refuses a package that points elsewhere (a hijack) and a 404", async () => {
  await withFakeRegistry(async (urls) => {
    const hijack = await checkPublishedFrom(
      { registry: "npm", name: "squatter" },
      "https://github.com/acme/mcp",
      { urls },
    );
    equal(hijack.ok, false);
    match(
      (hijack as { reason: string }).reason,
      /names https:\/\/github\.com\/evil\/mcp, not https:\/\/github\.com\/acme\/mcp/,
    );
    const missing = await checkPublishedFrom(
      { registry: "pypi", name: "nobody" },
      "https://github.com/acme/mcp",
      { urls },
    );
    deepEqual(missing, { ok: false, reason: "nobody is not published on pypi" });
    equal(await lookupPackage("npm", "nobody", { urls }), null);
  });
});

Deno.test("`checkPublishedFrom()` says why when the registry cannot be reached", async () => {
  const closed = { npm: "http://127.0.0.1:9", pypi: "http://127.0.0.1:9" };
  const check = await checkPublishedFrom(
    { registry: "npm", name: "x" },
    "https://github.com/a/b",
    { urls: closed, timeoutMs: 2_000 },
  );
  equal(check.ok, false);
  match((check as { reason: string }).reason, /^cannot ask npm: /);
});

Deno.test("`repoIdentity()` gives one form for the ways metadata writes a repository", () => {
  const forms = [
    "git+https://github.com/Acme/Mcp.git",
    "https://github.com/acme/mcp",
    "git+ssh://git@github.com/acme/mcp.git",
    "ssh://git@github.com/acme/mcp",
    "git://github.com/acme/mcp.git",
    "git@github.com:acme/mcp.git",
    "github:acme/mcp",
    "acme/mcp",
    "https://github.com/acme/mcp/tree/main/src",
    "http://www.github.com/acme/mcp/",
    "https://token@github.com/acme/mcp.git",
  ];
  for (const form of forms) equal(repoIdentity(form), "https://github.com/acme/mcp", form);
  equal(repoIdentity("/tmp/x/repo/"), "file:///tmp/x/repo");
  equal(repoIdentity("file:///tmp/x/repo.git"), "file:///tmp/x/repo");
  equal(repoIdentity("not a url"), null);
  equal(repoIdentity(""), null);
});
