import { equal } from "node:assert/strict";
import { AWESOME_REPO_URL, AwesomeListSource, awesomePageUrl } from "./awesome_list.ts";

Deno.test("awesomePageUrl() makes the list's page of a github.com repository only", () => {
  const page = "https://github.com/wong2/awesome-mcp-servers";
  equal(awesomePageUrl(AWESOME_REPO_URL), page);
  equal(awesomePageUrl(`${page}/`), page);
  equal(awesomePageUrl("git@github.com:wong2/awesome-mcp-servers.git"), page);
  equal(awesomePageUrl("ssh://git@github.com/wong2/awesome-mcp-servers.git"), page);
  equal(awesomePageUrl("https://user:secret@github.com/me/fork.git"), "https://github.com/me/fork");
  equal(awesomePageUrl("https://gitlab.com/me/awesome-mcp-servers.git"), null);
  equal(awesomePageUrl("/home/me/mirror/awesome-mcp-servers"), null);
  equal(awesomePageUrl("https://github.com/wong2"), null);
});

Deno.test("AwesomeListSource shows its repository without credentials", () => {
  const source = new AwesomeListSource({
    repo: "https://me:secret@example.com/list.git",
    sourcesDir: "/tmp/x",
  });
  equal(source.name, "awesome");
  equal(source.location, "https://***@example.com/list.git");
  equal(new AwesomeListSource({ sourcesDir: "/tmp/x" }).location, AWESOME_REPO_URL);
});
