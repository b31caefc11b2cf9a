/**
 * The source contract (`tests/source_contract.ts`) run by all five sources, each against a real
 * upstream on this machine: git repositories of the Docker registry and the awesome list, a fake
 * official registry and a fake mcpservers.org on 127.0.0.1, and catalog files.
 */
import { AwesomeListSource } from "../../src/sources/awesome_list.ts";
import { DockerRegistrySource } from "../../src/sources/docker_registry.ts";
import { LocalCatalogsSource } from "../../src/sources/local_catalogs.ts";
import { McpServersSiteSource } from "../../src/sources/mcpservers_site.ts";
import { OfficialRegistrySource } from "../../src/sources/official_registry.ts";
import { awesomeReadme, createAwesomeFixture } from "../_helpers/awesome_fixture.ts";
import { createGitFixture, DOCKER_FIXTURES } from "../_helpers/git_fixture.ts";
import { fakeServers, startFakeSite } from "../_helpers/mcpservers_site_fake.ts";
import {
  camelCaseRows,
  officialRow,
  startOfficialRegistryFake,
} from "../_helpers/official_registry_fake.ts";
import { sourceContract, type SourceUnderContract } from "../source_contract.ts";

const DOCKER_SERVERS = ["memory", "fetch", "github-official", "SQLite", "airtable-mcp-server"];

/** The files a git source left in its sources folder beside its checkout. */
async function besideCheckout(sourcesDir: string, checkout: string): Promise<string[]> {
  const found: string[] = [];
  for await (const item of Deno.readDir(sourcesDir)) {
    if (item.name !== checkout) found.push(item.name);
  }
  return found.sort();
}

/** Moves the repository away, so that fetching and cloning it fail. */
async function removeRepo(repo: string): Promise<void> {
  await Deno.rename(repo, `${repo}-gone`);
}

sourceContract("DockerRegistrySource", async (): Promise<SourceUnderContract> => {
  const fixture = await createGitFixture(DOCKER_SERVERS);
  const sourcesDir = `${fixture.dir}/sources`;
  return {
    source: new DockerRegistrySource({ repo: fixture.repo, sourcesDir }),
    async change() {
      const path = "servers/memory/server.yaml";
      const yaml = await Deno.readTextFile(`${fixture.repo}/${path}`);
      const description = "Remembers things, now better.";
      await fixture.commit(path, yaml.replace(/description: .*/, `description: ${description}`));
      return { name: "memory", description };
    },
    fail: () => removeRepo(fixture.repo),
    leftovers: () => besideCheckout(sourcesDir, "docker-mcp-registry"),
    [Symbol.asyncDispose]: () => fixture[Symbol.asyncDispose](),
  };
});

sourceContract("AwesomeListSource", async (): Promise<SourceUnderContract> => {
  const fixture = await createAwesomeFixture("39eb1d7");
  const sourcesDir = `${fixture.dir}/sources`;
  return {
    source: new AwesomeListSource({ repo: fixture.repo, sourcesDir }),
    async change() {
      const before = "**[Git](https://github.com/modelcontextprotocol/servers/tree/main/src/git)**";
      await fixture.commit(
        "README.md",
        awesomeReadme("39eb1d7").replace(
          `${before} - Tools to read`,
          `${before} - Now tools to read`,
        ),
      );
      const entry = "Now tools to read, search, and manipulate Git repositories";
      return { name: "Git", description: entry };
    },
    fail: () => removeRepo(fixture.repo),
    leftovers: () => besideCheckout(sourcesDir, "awesome-mcp-servers"),
    [Symbol.asyncDispose]: () => fixture[Symbol.asyncDispose](),
  };
});

sourceContract("OfficialRegistrySource", (): Promise<SourceUnderContract> => {
  const rows = camelCaseRows().slice(0, 12);
  const fake = startOfficialRegistryFake({ servers: rows });
  const source = new OfficialRegistrySource({
    url: fake.url,
    pageSize: 5,
    retries: 2,
    backoffMs: 1,
  });
  return Promise.resolve({
    source,
    change() {
      const [first, ...rest] = rows;
      const description = "A description the registry changed.";
      const server: Record<string, unknown> = { ...first!.server, description };
      const changed = officialRow(server, { updatedAt: new Date(Date.now() + 1000).toISOString() });
      fake.setServers([changed, ...rest]);
      return Promise.resolve({ name: String(server.name), description });
    },
    fail() {
      fake.fail({ status: 503 });
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => fake[Symbol.asyncDispose](),
  });
});

sourceContract("McpServersSiteSource", (): Promise<SourceUnderContract> => {
  const site = startFakeSite({ servers: fakeServers(40), perPage: 15 });
  const source = new McpServersSiteSource({ url: site.url, retries: 0, backoffMs: 1 });
  return Promise.resolve({
    source,
    change() {
      const description = "Does a changed task.";
      site.servers = site.servers.map((s) =>
        s.slug === "server-3"
          ? {
            ...s,
            description,
            tags: ["changed"],
            lastmod: new Date(Date.now() + 1000).toISOString(),
          }
          : s
      );
      return Promise.resolve({ name: "server-3", description });
    },
    fail() {
      site.fail("/all?page=1", { status: 500 });
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => site[Symbol.asyncDispose](),
  });
});

sourceContract("LocalCatalogsSource", async (): Promise<SourceUnderContract> => {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-contract-local-" });
  const catalog = `${dir}/catalog`;
  for (const name of ["memory", "fetch", "SQLite"]) {
    await Deno.mkdir(`${catalog}/${name}`, { recursive: true });
    await Deno.copyFile(
      `${DOCKER_FIXTURES}/servers/${name}/server.yaml`,
      `${catalog}/${name}/server.yaml`,
    );
  }
  return {
    source: new LocalCatalogsSource({ paths: [catalog] }),
    async change() {
      const path = `${catalog}/fetch/server.yaml`;
      const description = "Fetches pages, as the user's catalog now says.";
      const yaml = await Deno.readTextFile(path);
      await Deno.writeTextFile(
        path,
        yaml.replace(/description: .*/, `description: ${description}`),
      );
      return { name: "fetch", description };
    },
    fail: () => Deno.remove(catalog, { recursive: true }),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
});
