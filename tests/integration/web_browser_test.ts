/**
 * The web page in a real browser: Debian's chromium driven by playwright-core, against a real
 * `serve --http` process. Open the page with the token, search, open an entry, set a setting,
 * add the catalog's `memory` server (a real container), see it running, remove it, refresh a
 * source; at phone width too. A screenshot of each step goes to `test-artifacts/web/`;
 * `UPDATE_SCREENSHOTS=1` also copies one per view to `docs/screenshots/` for the README.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
// Test-only: a full specifier, not in deno.json's imports, pinned in tests/deno.lock (the tests'
// lockfile), so that the registry's own first start (deno.lock) never downloads it.
// deno-lint-ignore no-import-prefix
import { chromium, type Page } from "npm:playwright-core@1.65.1";
import { generateToken } from "../../src/http/serve_http.ts";
import { labelled, makeBuildRepos } from "../_helpers/build_repos.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { registryEnv, ROOT, spawnHttpRegistry } from "../_helpers/processes.ts";
import { streamableServer } from "../_helpers/remote_server.ts";

const CHROMIUM = "/usr/bin/chromium";
/** Where the screenshots of each step go (CI keeps them as artifacts). */
const ARTIFACTS = `${ROOT}test-artifacts/web`;
const README_SHOTS = `${ROOT}docs/screenshots`;
const SECRET = "pg-token-typed-into-the-page-4711";

const HAS_CHROMIUM: boolean = (() => {
  try {
    Deno.statSync(CHROMIUM);
    return true;
  } catch {
    if (Deno.env.get("CI")) {
      throw new Error(`CI needs ${CHROMIUM}: .ci/run installs it (apt-get install chromium)`);
    }
    console.error(
      `\n!!! SKIPPING the browser test: ${CHROMIUM} is missing on this machine.\n` +
        "!!! Install it (Debian: apt-get install chromium) to run it.\n",
    );
    return false;
  }
})();

Deno.test({
  name: "the web page in chromium: search, entry, settings, add memory, running, remove, sources",
  ignore: !HAS_CHROMIUM,
  async fn() {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    for await (const old of Deno.readDir(ARTIFACTS)) await Deno.remove(`${ARTIFACTS}/${old.name}`);
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-web-" });
    const token = generateToken();
    const registry = await spawnHttpRegistry(
      registryEnv(dir, { MCP_REGISTRY_TOKEN: token, MCP_REGISTRY_REFRESH_COOLDOWN: "0" }),
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--headless=new"],
    });
    let step = 0;
    const shot = async (page: Page, name: string) => {
      step++;
      await page.screenshot({
        path: `${ARTIFACTS}/${String(step).padStart(2, "0")}-${name}.png`,
        fullPage: true,
      });
    };
    try {
      const base = new URL(registry.url).origin;
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const bodies: string[] = [];
      page.on("response", async (response) => {
        if (!response.url().includes("/api/events")) {
          bodies.push(await response.text().catch(() => ""));
        }
      });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

      // Signed in by the address with the token; the address bar keeps no token.
      await page.goto(`${base}/?token=${token}`);
      equal(page.url(), `${base}/`);
      const [cookie] = await context.cookies();
      ok(cookie?.httpOnly, "the cookie is HttpOnly");
      equal(cookie?.sameSite, "Strict");
      await page.getByRole("heading", { name: "Catalog", level: 1 }).waitFor();
      await page.getByText(/^328 servers/).waitFor();
      await page.locator(".live.on").waitFor();
      await shot(page, "catalog");

      // Search, with the counts per filter.
      await page.getByLabel("Search the catalog").fill("postgres");
      await page.getByText(/servers match, best first/).waitFor();
      const summary = await page.locator("#result-summary").textContent();
      // Three that name Postgres (zscaler's 300 tools no longer match everything: issue 17).
      match(summary ?? "", /^3 servers match/);
      const options = await page.locator("#filter-launch_method option").allTextContents();
      ok(options.includes("container (podman) (2)"), options.join(" | "));
      await shot(page, "search-postgres");
      if (Deno.env.get("UPDATE_SCREENSHOTS")) await copyShot(step, "search-postgres", "catalog");

      // An entry: description, how it runs, sources, settings.
      await page.getByRole("link", { name: "Prisma Postgres" }).click();
      await page.getByRole("heading", { name: "Prisma Postgres", level: 1 }).waitFor();
      await page.getByText("remote server", { exact: true }).first().waitFor();
      await shot(page, "entry");

      // A declared setting: a secret, typed into a password field, saved, never shown again.
      const field = page.getByLabel("prisma-postgres.personal_access_token (optional)");
      equal(await field.getAttribute("type"), "password");
      await field.fill(SECRET);
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText(/Stored prisma-postgres.personal_access_token/).waitFor();
      await page.getByText(/Secret, stored apart, never shown again\. Set\./).waitFor();
      equal(await field.inputValue(), "", "the field is emptied");
      await shot(page, "entry-setting-saved");
      if (Deno.env.get("UPDATE_SCREENSHOTS")) {
        await copyShot(step, "entry-setting-saved", "entry");
      }
      ok(!(await page.content()).includes(SECRET), "the secret is not in the page's HTML");
      // Unsetting it says so (it said "Stored" before).
      await page.getByRole("button", { name: "Unset prisma-postgres.personal_access_token" })
        .click();
      await page.getByText(/^Unset prisma-postgres\.personal_access_token for prisma-postgres\./)
        .waitFor();
      await page.getByText(/Secret, stored apart, never shown again\. Not set\./).waitFor();

      if (HAS_PODMAN) {
        // Add the catalog's memory server: a real container.
        await page.goto(`${base}/#/entry/memory`);
        await page.getByRole("heading", { name: "Memory (Reference)", level: 1 }).waitFor();
        await page.getByRole("button", { name: "Add (start it)" }).click();
        await page.locator("#entry-status .badge.state-running").waitFor({ timeout: 60_000 });
        await shot(page, "memory-added");

        // The running view: state, uptime, tools, stderr; the nav shows the count.
        await page.getByRole("link", { name: /^Running/ }).click();
        await page.getByRole("heading", { name: "Running servers", level: 1 }).waitFor();
        const card = page.locator("article", { hasText: "Memory (Reference)" });
        await card.locator(".badge.state-running").waitFor();
        equal(await page.locator("#running-count").textContent(), "1");
        await card.getByText("Output (stderr", { exact: false }).click();
        await card.getByText("Knowledge Graph MCP Server running on stdio").waitFor();
        await card.getByText("Tool names (9)").waitFor();
        await shot(page, "running");
        if (Deno.env.get("UPDATE_SCREENSHOTS")) await copyShot(step, "running", "running");

        // Remove it; the view follows without a reload.
        await card.getByRole("button", { name: "Remove memory" }).click();
        await page.getByText("No server is active.").waitFor();
        equal(await page.locator("#running-count").textContent(), "");
        await shot(page, "removed");
      } else {
        console.error("!!! the add/running/remove steps need podman and were skipped");
      }

      // Sources: a refresh shows its progress and its outcome (this source cannot be reached).
      await page.getByRole("link", { name: "Sources" }).click();
      await page.getByRole("heading", { name: "Sources", level: 1 }).waitFor();
      await page.getByRole("heading", { name: "docker", level: 2 }).waitFor();
      await page.getByRole("button", { name: "Refresh docker" }).click();
      await page.getByText(/Refresh (failed|started)/).first().waitFor();
      await page.getByText(/git clone failed/).first().waitFor({ timeout: 20_000 });
      await shot(page, "sources");
      if (Deno.env.get("UPDATE_SCREENSHOTS")) await copyShot(step, "sources", "sources");

      // Keyboard: the first Tab reaches the skip link; phone width: nothing scrolls sideways.
      await page.goto(`${base}/`); // a fresh load: focus starts at the top
      await page.getByText(/^328 servers/).waitFor();
      await page.keyboard.press("Tab");
      equal(await page.evaluate("document.activeElement?.textContent"), "Skip to content");
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByLabel("Search the catalog").fill("github");
      await page.getByText(/servers match, best first/).waitFor();
      const width = await page.evaluate<number>("document.documentElement.scrollWidth");
      ok(width <= 390, `the page is ${width}px wide at phone width`);
      await shot(page, "phone-catalog");

      for (const body of bodies) ok(!body.includes(SECRET), "a response carried the secret");
      ok(bodies.length > 10);
      equal(errors.length, 0, errors.join("\n"));
    } finally {
      await browser.close();
      await registry.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** A remote server of the user's own catalog: the catalog lists no tools for it. */
function remoteYaml(name: string, title: string, url: string): string {
  return `name: ${name}\ntype: remote\nabout:\n  title: ${title}\n  description: A test server.\n` +
    `remote:\n  transport_type: streamable-http\n  url: ${url}\n`;
}

Deno.test({
  name:
    "the web page in chromium: a failed add stays in Running with its error until dismissed; a running server's entry lists the tools it announced",
  ignore: !HAS_CHROMIUM,
  async fn() {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-web-" });
    await using upstream = streamableServer(null);
    // A port nothing listens on: the start fails at once (connection refused).
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closedPort = (closed.addr as Deno.NetAddr).port;
    closed.close();
    await Deno.mkdir(`${dir}/catalog`);
    await Deno.writeTextFile(
      `${dir}/catalog/echo.yaml`,
      remoteYaml("echo-remote", "Echo remote", upstream.url),
    );
    await Deno.writeTextFile(
      `${dir}/catalog/gone.yaml`,
      remoteYaml("gone-remote", "Gone remote", `http://127.0.0.1:${closedPort}/mcp`),
    );
    const token = generateToken();
    const registry = await spawnHttpRegistry(
      registryEnv(dir, {
        MCP_REGISTRY_TOKEN: token,
        MCP_REGISTRY_SOURCES: "docker,local",
        MCP_REGISTRY_CATALOGS: `${dir}/catalog`,
      }),
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--headless=new"],
    });
    try {
      const base = new URL(registry.url).origin;
      // The local catalog is read while the registry starts: wait until both entries are there.
      for (let i = 0; i < 100; i++) {
        const found = await fetch(`${base}/api/entries/gone-remote`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await found.body?.cancel();
        if (found.ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`${base}/?token=${token}`);
      await page.getByRole("heading", { name: "Catalog", level: 1 }).waitFor();

      // A failed add: more than a toast. The entry keeps the error...
      await page.goto(`${base}/#/entry/gone-remote`);
      await page.getByRole("heading", { name: "Gone remote", level: 1 }).waitFor();
      await page.getByRole("button", { name: "Add (start it)" }).click();
      const status = page.locator("#entry-status");
      await status.getByText(/The last start failed/).waitFor({ timeout: 30_000 });
      // ...and Running shows the server with its error, not "No server is active".
      await page.getByRole("link", { name: /^Running/ }).click();
      await page.getByRole("heading", { name: "Running servers", level: 1 }).waitFor();
      const card = page.locator("article", { hasText: "Gone remote" });
      await card.getByText("failed to start").waitFor();
      const error = await card.locator("dd.error").textContent();
      match(error ?? "", /gone-remote|127\.0\.0\.1|connect|refused/i);
      equal(await page.getByText("No server is active.").count(), 0);
      await failedShot(page, 1, "failed-add");
      // Dismissed, it is gone from Running and from the entry.
      await card.getByRole("button", { name: "Dismiss gone-remote" }).click();
      await page.getByText("No server is active.").waitFor();
      await page.goto(`${base}/#/entry/gone-remote`);
      await page.getByRole("heading", { name: "Gone remote", level: 1 }).waitFor();
      await status.getByText("Not running.").waitFor();
      equal(await status.getByText(/The last start failed/).count(), 0);

      // A running server whose catalog entry lists no tools: the entry shows what it announced.
      await page.goto(`${base}/#/entry/echo-remote`);
      await page.getByRole("heading", { name: "Echo remote", level: 1 }).waitFor();
      await page.getByRole("heading", { name: "Tools (0)" }).waitFor();
      await page.getByRole("button", { name: "Add (start it)" }).click();
      await page.locator("#entry-status .badge.state-running").waitFor({ timeout: 30_000 });
      await page.getByRole("heading", { name: "Tools (2)" }).waitFor();
      const tools = await page.locator("#entry-tools li code").allTextContents();
      deepEqual(tools, ["echo", "add"]);
      await page.getByText(/the ones the running server announced/).waitFor();
      await failedShot(page, 2, "running-tools");
      await page.getByRole("button", { name: "Remove", exact: true }).click();
      await page.getByRole("heading", { name: "Tools (0)" }).waitFor();
      equal(errors.length, 0, errors.join("\n"));
    } finally {
      await browser.close();
      await registry.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "the web page in chromium: a server built from source shows what the build would run " +
    "before a 'Build and start' button; it builds, starts, and a failed build shows its log",
  ignore: !HAS_CHROMIUM || !HAS_PODMAN,
  async fn() {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const dir = await Deno.makeTempDir({ prefix: "mcp-registry-web-" });
    await using repos = await makeBuildRepos(dir, "web-build");
    const { ids, commit } = repos;
    const token = generateToken();
    const registry = await spawnHttpRegistry(
      registryEnv(dir, {
        MCP_REGISTRY_TOKEN: token,
        MCP_REGISTRY_SOURCES: "docker,local",
        MCP_REGISTRY_CATALOGS: repos.catalog,
      }),
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--headless=new"],
    });
    const shot = (page: Page, step: number, name: string) =>
      page.screenshot({ path: `${ARTIFACTS}/build-${step}-${name}.png`, fullPage: true });
    try {
      const base = new URL(registry.url).origin;
      for (let i = 0; i < 100; i++) {
        const found = await fetch(`${base}/api/entries/${ids.nothing}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await found.body?.cancel();
        if (found.ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(`${base}/?token=${token}`);
      await page.getByRole("heading", { name: "Catalog", level: 1 }).waitFor();

      // The entry says how it runs; Add answers with the plan and builds nothing.
      await page.goto(`${base}/#/entry/${ids.hello}`);
      await page.getByRole("heading", { name: "Hello from source", level: 1 }).waitFor();
      await page.getByText("built from source (asks first)").first().waitFor();
      const status = page.locator("#entry-status");
      await page.getByRole("button", { name: "Add (start it)" }).click();
      const plan = page.locator("#build-plan");
      await plan.getByText("nothing is built until you say so").waitFor({ timeout: 30_000 });
      await plan.getByText(commit, { exact: true }).waitFor();
      await plan.getByText(`file://${dir}/hello-repo`, { exact: true }).waitFor();
      await plan.getByText("Containerfile", { exact: true }).waitFor();
      await plan.getByText(repos.image(ids.hello), { exact: true }).waitFor();
      equal(await page.getByRole("button", { name: "Add (start it)" }).count(), 0);
      equal(await podman("images", "--quiet", repos.image(ids.hello)), "", "nothing built");
      await shot(page, 1, "plan");
      if (Deno.env.get("UPDATE_SCREENSHOTS")) {
        await Deno.mkdir(README_SHOTS, { recursive: true });
        await Deno.copyFile(`${ARTIFACTS}/build-1-plan.png`, `${README_SHOTS}/build-plan.png`);
      }
      // "Do not build" forgets the plan.
      await plan.getByRole("button", { name: "Do not build" }).click();
      await page.getByRole("button", { name: "Add (start it)" }).waitFor();

      // Build and start: progress as for any add (each message the status line showed is
      // kept), then it runs and its tool is listed.
      await page.evaluate(`{
        window.seen = [];
        new MutationObserver(() => {
          const text = document.querySelector("#entry-status [role=status]")?.textContent;
          if (text && window.seen.at(-1) !== text) window.seen.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      }`);
      await page.getByRole("button", { name: "Add (start it)" }).click();
      await plan.getByRole("button", { name: "Build and start" }).click();
      await status.locator(".badge.state-running").waitFor({ timeout: 120_000 });
      await page.getByRole("heading", { name: "Tools (1)" }).waitFor();
      const seen = await page.evaluate<string[]>("window.seen");
      ok(seen.includes("Building…"), seen.join(" | "));
      ok(seen.some((s) => /STEP \d+\/\d+:|building Containerfile/.test(s)), seen.join(" | "));
      ok(await podman("images", "--quiet", repos.image(ids.hello)), "the image is built");
      equal(await page.locator("#build-plan").count(), 0, "the plan is gone once it runs");
      await shot(page, 2, "built-running");
      // Build again: asked for by the click, built again, running again.
      await status.getByRole("button", { name: "Build again" }).click();
      await status.getByText(/Building…|STEP|cloning|building/).first().waitFor();
      await status.locator(".badge.state-running").waitFor({ timeout: 120_000 });
      await status.getByRole("button", { name: "Build again" }).waitFor();
      await page.locator(".notice").getByText(/is built and running with 1 tools/).waitFor();

      // A build that fails: its last lines, where its whole log is; nothing runs.
      await page.goto(`${base}/#/entry/${ids.broken}`);
      await page.getByRole("heading", { name: "Broken build", level: 1 }).waitFor();
      await page.getByRole("button", { name: "Add (start it)" }).click();
      await plan.getByRole("button", { name: "Build and start" }).click({ timeout: 30_000 });
      await status.getByText(/The last start failed/).waitFor({ timeout: 120_000 });
      await status.getByText(/boom at step 2/).waitFor();
      const hint = await status.locator(".log-hint").textContent();
      match(hint ?? "", new RegExp(`whole build log .*${dir}/cache/builds/${ids.broken}\\.log`));
      equal(await labelled(ids.broken), "", "no image or container of the failed build");
      await shot(page, 3, "build-failed");
      await page.getByRole("link", { name: /^Running/ }).click();
      const card = page.locator("article", { hasText: "Broken build" });
      await card.getByText("failed to start").waitFor();
      await card.locator(".log-hint").waitFor();

      // Nothing to build: the reason and what to do, on the entry.
      await page.goto(`${base}/#/entry/${ids.nothing}`);
      await page.getByRole("heading", { name: "Nothing to build", level: 1 }).waitFor();
      await page.getByRole("button", { name: "Add (start it)" }).click();
      await status.getByText(/nothing to (build|run) in .*empty-repo/).waitFor({ timeout: 30_000 });
      await status.getByText(/MCP_REGISTRY_CATALOGS/).waitFor();
      equal(await page.locator("#build-plan").count(), 0);

      // The running one is removed again.
      await page.goto(`${base}/#/entry/${ids.hello}`);
      await page.getByRole("button", { name: "Remove", exact: true }).click();
      await status.getByText("Not running.").waitFor();
      equal(errors.filter((e) => !/status of 422/.test(e)).length, 0, errors.join("\n"));
    } finally {
      await browser.close();
      await registry.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

async function failedShot(page: Page, step: number, name: string) {
  await page.screenshot({ path: `${ARTIFACTS}/failed-${step}-${name}.png`, fullPage: true });
}

async function copyShot(step: number, name: string, view: string) {
  await Deno.mkdir(README_SHOTS, { recursive: true });
  await Deno.copyFile(
    `${ARTIFACTS}/${String(step).padStart(2, "0")}-${name}.png`,
    `${README_SHOTS}/${view}.png`,
  );
}
