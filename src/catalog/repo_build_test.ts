import { deepEqual as equal } from "node:assert/strict";
import { type CatalogEntry, minimalEntry } from "./entry.ts";
import { mergeSources } from "./merge.ts";
import { isBuildableRepo, repoBuildOf } from "./repo_build.ts";

function entry(
  source: string,
  id: string,
  fields: Partial<Parameters<typeof minimalEntry>[0]> = {},
): CatalogEntry {
  return minimalEntry({ id, name: id, source, sources: [source], ...fields });
}

Deno.test("isBuildableRepo() takes https repositories on known forges", () => {
  for (
    const url of [
      "https://github.com/modelcontextprotocol/servers",
      "https://gitlab.com/group/project",
      "https://codeberg.org/owner/name.js",
      "https://bitbucket.org/o_1/r-2",
      "https://github.com/Owner/Repo",
    ]
  ) equal(isBuildableRepo(url), true, url);
});

Deno.test("isBuildableRepo() refuses what a hostile catalog entry could name", () => {
  for (
    const url of [
      null,
      "",
      "file:///etc",
      "file:///etc/passwd",
      "/etc",
      "ssh://git@github.com/o/r",
      "git@github.com:o/r",
      "git://github.com/o/r",
      "http://github.com/o/r",
      "--upload-pack=touch /tmp/pwned",
      "https://github.com/--upload-pack=x/r",
      "https://github.com/o/--upload-pack=x",
      "https://github.com/-o/r",
      "https://github.com/.o/r",
      "https://github.com/o/..",
      "https://github.com/o/r/..",
      "https://github.com/o/r/../../x",
      "https://github.com/o/r/tree/main/src",
      "https://github.com/o",
      "https://github.com/o/r?x=1",
      "https://github.com/o/r#readme",
      "https://github.com/o/r/",
      "https://user:token@github.com/o/r",
      "https://token@github.com/o/r",
      "https://github.com:8443/o/r",
      "https://github.com.evil.example/o/r",
      "https://evil.example/github.com/o/r",
      "https://127.0.0.1:8080/o/r",
      "http://127.0.0.1:8080/o/r",
      "https://localhost/o/r",
      "https://GITHUB.COM/o/r",
      "https://github.com/o%2F/r",
      "https://github.com/o/r\n--upload-pack=x",
      "https://github.com/o/r x",
      `https://github.com/o/${"r".repeat(200)}`,
    ]
  ) equal(isBuildableRepo(url), false, String(url));
});

Deno.test("repoBuildOf() builds a repository (and its folder) only for an entry with no other way to run", () => {
  const repo = "https://github.com/o/r";
  equal(repoBuildOf(entry("awesome", "a", { launch_method: "none", repo_url: repo })), { repo });
  equal(
    repoBuildOf(
      entry("awesome", "a", { launch_method: "none", repo_url: repo, repo_subfolder: "src/a" }),
    ),
    { repo, directory: "src/a" },
  );
  equal(repoBuildOf(entry("docker", "a", { launch_method: "podman", repo_url: repo })), null);
  equal(repoBuildOf(entry("awesome", "a", { launch_method: "none", repo_url: null })), null);
  for (const folder of ["../x", "a/../../x", "/etc", "-x", "a//b", "a/.", ".hidden", "a\\b"]) {
    equal(
      repoBuildOf(
        entry("awesome", "a", { launch_method: "none", repo_url: repo, repo_subfolder: folder }),
      ),
      null,
      folder,
    );
  }
});

Deno.test("mergeSources() makes an entry naming only a repository a build entry", () => {
  const repo = "https://github.com/acme/weather-mcp";
  const awesome = entry("awesome", "weather", { launch_method: "none", repo_url: repo });
  const merged = mergeSources([[awesome]]).entries[0]!;
  equal(merged.launch_method, "build");
  equal(merged.build, { repo });
  // The same string, not a copy: 9,000 such entries should not hold their URL twice.
  equal(merged.build!.repo === merged.repo_url, true);
});

Deno.test("mergeSources() keeps another source's image, package or remote over a repository to build", () => {
  const repo = "https://github.com/acme/weather-mcp";
  const awesome = entry("awesome", "weather", { launch_method: "none", repo_url: repo });
  const official = entry("official", "weather-pkg", {
    launch_method: "stdio-proxy",
    repo_url: repo,
    run: { package: { registry: "npm", name: "@acme/weather-mcp", version: "1.0.0" } },
  });
  const [merged] = mergeSources([[awesome], [official]]).entries;
  equal(merged!.launch_method, "stdio-proxy");
  equal(merged!.build, null);
  equal(merged!.run.package?.name, "@acme/weather-mcp");
});

Deno.test("mergeSources() leaves an entry with a hostile or unknown repository unrunnable", () => {
  const lists = [[
    entry("awesome", "a", { launch_method: "none", repo_url: "file:///etc" }),
    entry("awesome", "b", { launch_method: "none", repo_url: "--upload-pack=touch /tmp/x" }),
    entry("awesome", "c", { launch_method: "none", repo_url: "http://127.0.0.1:9/o/r" }),
    entry("awesome", "d", { launch_method: "none", repo_url: "https://git.example.org/o/r" }),
  ]];
  const merged = mergeSources(lists).entries;
  equal(merged.map((e) => [e.id, e.launch_method, e.build]), [
    ["a", "none", null],
    ["b", "none", null],
    ["c", "none", null],
    ["d", "none", null],
  ]);
});

Deno.test("mergeSources() takes the build spec from the source that says how to run it", () => {
  const repo = "https://github.com/acme/tool";
  const awesome = entry("awesome", "tool", { launch_method: "none", repo_url: repo });
  const local = entry("local", "tool-local", {
    launch_method: "build",
    repo_url: repo,
    build: { repo: "/srv/git/tool", commit: "abc1234" },
  });
  const [merged] = mergeSources([[awesome], [local]]).entries;
  equal(merged!.launch_method, "build");
  equal(merged!.build, { repo: "/srv/git/tool", commit: "abc1234" });
});
