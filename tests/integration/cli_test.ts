/**
 * The human CLI run the way a user types it (`deno run -A main.ts <command>`), over temp dirs
 * and the embedded Docker catalog: output, exit codes, `--json`, secrets that never show, and
 * a server added by the CLI that the next registry start restores.
 */
import { deepEqual, doesNotMatch, equal, match, ok } from "node:assert/strict";
import { Client, StdioClientTransport } from "../../src/mcp/sdk_client.ts";
import { COMMANDS } from "../../src/cli/cli.ts";
import { type CliFixture, cliFixture, type CliRun, describeRun } from "../_helpers/cli.ts";
import { HAS_PODMAN, podman } from "../_helpers/podman.ts";
import { ROOT } from "../_helpers/processes.ts";
import { HAS_SCRIPT, onTerminal } from "../_helpers/terminal.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** `text` with its line breaks (human output is wrapped at 100 columns) made spaces. */
function flat(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** Runs `args` and checks the exit code and that no stack trace reached the user. */
async function expect(t: CliFixture, args: string[], code: number, stdin?: string) {
  const run = await t.run(args, stdin === undefined ? {} : { stdin });
  equal(run.code, code, describeRun(args, run));
  doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace: ${describeRun(args, run)}`);
  return run;
}

Deno.test("find, list, show, status and refresh: output, exit codes and --json", async () => {
  await using t = await cliFixture();
  // The first command fills the shared cache; the rest only read it and run side by side.
  const first = await expect(t, ["status"], 0);
  match(first.stdout, /\d+ servers in the catalog/);
  match(first.stdout, /No server is started with the registry/);

  const [
    found,
    nothing,
    badFilter,
    noWords,
    badFlag,
    foundJson,
    listed,
    listedJson,
    listWords,
    badLimit,
    shown,
    unknown,
    shownJson,
    noId,
    statusJson,
    unknownCommand,
    unknownSource,
  ] = await Promise.all([
    expect(t, ["find", "memory", "graph"], 0),
    expect(t, ["find", "zqxjvw", "--launch-method", "remote-http"], 3),
    expect(t, ["find", "memory", "--launch-method", "bogus"], 2),
    expect(t, ["find"], 2),
    expect(t, ["find", "memory", "--bogus"], 2),
    expect(t, ["find", "github", "--json", "--limit", "2"], 0),
    expect(t, ["list", "--limit", "3"], 0),
    expect(t, ["list", "--json", "--limit", "2", "--offset", "1"], 0),
    expect(t, ["list", "memory"], 2),
    expect(t, ["list", "--limit", "0"], 2),
    expect(t, ["show", "memory"], 0),
    expect(t, ["show", "memroy"], 3),
    expect(t, ["show", "memory", "--json"], 0),
    expect(t, ["show"], 2),
    expect(t, ["status", "--json"], 0),
    expect(t, ["frobnicate"], 2),
    expect(t, ["refresh", "nosuch"], 3),
  ]);
  match(found.stdout, /^\d\. memory: Memory \(Reference\)/m);
  match(found.stdout, /mcp-registry add <id>/);
  match(nothing.stdout, /Nothing matches "zqxjvw"/);
  match(badFilter.stderr, /--launch-method "bogus" is none of podman, stdio-proxy/);
  match(noWords.stderr, /give words to search for/);
  match(badFlag.stderr, /unknown option --bogus[\s\S]*Usage: mcp-registry find/);
  const foundData = JSON.parse(foundJson.stdout);
  equal(foundData.results.length, 2);
  equal(foundData.results[0].id, "github");
  equal(listed.stdout.split("\n").filter((l) => /^\d+\. /.test(l)).length, 3);
  match(listed.stdout, /More: mcp-registry list --limit 3 --offset 3/);
  const listData = JSON.parse(listedJson.stdout);
  equal(listData.offset, 1);
  equal(listData.entries.length, 2);
  ok(listData.total > 300);
  match(listWords.stderr, /list takes no words/);
  match(badLimit.stderr, /--limit "0" is not a whole number from 1 to 1000/);
  match(shown.stdout, /^Memory \(Reference\) \(memory\)/);
  match(shown.stdout, /Runs as: +container mcp\/memory/);
  match(shown.stdout, /Active: +no/);
  match(unknown.stderr, /No server has the id "memroy"\. Did you mean: .*memory/);
  const shownData = JSON.parse(shownJson.stdout);
  equal(shownData.id, "memory");
  equal(shownData.active, false);
  deepEqual(shownData.settings, []);
  match(noId.stderr, /give one id/);
  const statusData = JSON.parse(statusJson.stdout);
  ok(statusData.catalog_entries > 300);
  equal(statusData.sources[0].name, "docker");
  deepEqual(statusData.active, []);
  match(unknownCommand.stderr, /unknown command "frobnicate"\nCommands: find, list/);
  match(unknownSource.stderr, /No source "nosuch" is on; the sources that are on: docker\./);

  // The Docker repository does not exist here: the refresh fails, the snapshot stays.
  const refreshed = await expect(t, ["refresh", "docker"], 1);
  match(refreshed.stdout, /docker: FAILED: .*its last good \d+ entries stay/);
  const after = await expect(t, ["status"], 1);
  match(after.stdout, /LAST ERROR/);
});

/** Runs `each` over `items`, `width` at a time (a deno process each: the machine may be small). */
async function inBatches<T, R>(items: T[], width: number, each: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...await Promise.all(items.slice(i, i + width).map(each)));
  }
  return results;
}

Deno.test("every command the CLI knows, and serve, answers --help and -h: its usage on stdout, exit 0, no pointer to itself", async () => {
  await using t = await cliFixture();
  // From the command list itself, so a new command is covered without touching this test.
  const names = [...Object.keys(COMMANDS), "serve"];
  const forms = [
    ...names.flatMap((name) => [[name, "--help"], [name, "-h"]]),
    ["serve", "--http", "--help"],
    ["config", "set", "--help"],
  ];
  const runs = await inBatches(forms, 6, (args) => expect(t, args, 0));
  runs.forEach((run, i) => {
    const args = forms[i]!;
    const name = args[0]!;
    match(run.stdout, /^Usage:/, describeRun(args, run));
    match(run.stdout, new RegExp(`mcp-registry ${name}\\b`), describeRun(args, run));
    equal(run.stderr, "", describeRun(args, run));
    // The long help is what --help says more: it must not tell the reader to run it again.
    doesNotMatch(
      run.stdout,
      new RegExp(`mcp-registry ${name} (--help|-h)\\b`),
      `the help of ${name} points to itself`,
    );
  });
  // A usage error shows the synopsis and points to --help, which is where that pointer belongs.
  const wrong = await expect(t, ["config", "frob"], 2);
  match(wrong.stderr, /\(mcp-registry config --help says more\)/);
});

Deno.test("--json: a failure prints {error, exit_code} on stdout as well as the message on stderr", async () => {
  await using t = await cliFixture();
  await expect(t, ["status"], 0); // fills the cache once
  const cases: [string[], number, RegExp][] = [
    [["show", "memroy", "--json"], 3, /No server has the id "memroy"/],
    [["config", "get", "filesystm", "--json"], 3, /Did you mean: filesystem/],
    [["remove", "memory", "--json"], 3, /The registry does not start "memory"/],
    [["find", "memory", "--bogus", "--json"], 2, /^unknown option --bogus/],
    [["show", "--json"], 2, /^give one id$/],
    [["config", "set", "filesystem", "paths", "/tmp/notes", "--json"], 2, /paths takes an array/],
    [["config", "set", "filesystem", "nope", "1", "--json"], 2, /"nope" is not a setting/],
    [["frobnicate", "--json"], 2, /unknown command "frobnicate"/],
    [["--json"], 2, /unknown option "--json"/],
  ];
  const runs = await inBatches(cases, 5, ([args, code]) => expect(t, args, code));
  runs.forEach((run, i) => {
    const [args, code, message] = cases[i]!;
    const data = JSON.parse(run.stdout);
    deepEqual(Object.keys(data), ["error", "exit_code"], describeRun(args, run));
    equal(data.exit_code, code);
    match(data.error, message, describeRun(args, run));
    match(flat(run.stderr), new RegExp(message.source.replace(/^\^|\$$/g, "")), "stderr keeps it");
  });
  // Without --json, stdout stays empty; after "--" a "--json" is a value, not the flag; a
  // command that answers failures in JSON of its own keeps its answer.
  const [plain, value, own] = await Promise.all([
    expect(t, ["show", "memroy"], 3),
    expect(t, ["show", "--", "--json"], 3),
    expect(t, ["add", "memory", "--json"], 0),
  ]);
  equal(plain.stdout, "");
  equal(value.stdout, "");
  equal(JSON.parse(own.stdout).added, true);
});

Deno.test("client-config carries the XDG folders that decide the registry's folders, not the runtime dir", async () => {
  await using t = await cliFixture();
  const run = await t.run(["client-config", "vscode", "--json"], {
    env: {
      // (not XDG_CACHE_HOME here: deno's own cache would move with it; the unit test has it)
      XDG_DATA_HOME: `${t.dir}/xdg-data`,
      XDG_CONFIG_HOME: `${t.dir}/xdg-config`,
      XDG_RUNTIME_DIR: `${t.dir}/run`,
      MCP_REGISTRY_TOKEN: "never-in-a-snippet",
    },
  });
  equal(run.code, 0, describeRun(["client-config", "vscode", "--json"], run));
  const env = JSON.parse(run.stdout).snippet.servers["mcp-registry"].env;
  equal(env.XDG_DATA_HOME, `${t.dir}/xdg-data`);
  equal(env.XDG_CONFIG_HOME, `${t.dir}/xdg-config`);
  equal(env.MCP_REGISTRY_DATA_DIR, t.dataDir);
  equal(env.XDG_RUNTIME_DIR, undefined);
  equal(env.MCP_REGISTRY_TOKEN, undefined);
});

Deno.test("a confused user: typos, misplaced flags, odd and huge input get a short message with the fix", async () => {
  await using t = await cliFixture();
  await expect(t, ["status"], 0); // fills the cache once
  const huge = "x".repeat(20_000);
  const [
    typoCommand,
    flagFirst,
    typoFlag,
    noValue,
    dashValue,
    flagValue,
    pastEnd,
    upper,
    escape,
    hugeId,
    hugeQuery,
    twoIds,
    one,
    many,
    okta,
    emptyParam,
  ] = await Promise.all([
    expect(t, ["lst"], 2),
    expect(t, ["--json"], 2),
    expect(t, ["find", "memory", "--lmit", "3"], 2),
    expect(t, ["find", "memory", "--limit"], 2),
    expect(t, ["list", "--offset", "-1"], 2),
    expect(t, ["status", "--json=1"], 2),
    expect(t, ["list", "--offset", "400"], 2),
    expect(t, ["show", "MEMORY"], 0),
    expect(t, ["show", "\x1b[31mred\x1b]0;pwned\x07"], 3),
    expect(t, ["show", huge], 3),
    expect(t, ["find", huge], 3),
    expect(t, ["show", "memory", "github"], 2),
    expect(t, ["find", "neptune"], 0),
    expect(t, ["find", "memory"], 0),
    expect(t, ["find", "okta", "--limit", "1"], 0),
    expect(t, ["config", "set", "filesystem", "paths"], 2, ""),
  ]);
  match(typoCommand.stderr, /unknown command "lst"; did you mean list\?\nCommands: find, list/);
  match(typoCommand.stderr, /mcp-registry --help lists them/);
  match(flagFirst.stderr, /unknown option "--json"; options go after a command/);
  // The message, the synopsis and where the rest is: not the whole help under it.
  match(
    typoFlag.stderr,
    /unknown option --lmit; did you mean --limit\?\n\nUsage: mcp-registry find/,
  );
  match(typoFlag.stderr, /mcp-registry find --help says more/);
  doesNotMatch(typoFlag.stderr, /Filters:/);
  match(noValue.stderr, /--limit needs a value: --limit <value>/);
  match(
    dashValue.stderr,
    /--offset needs a value; one that starts with "-" is written --offset=<value>/,
  );
  match(flagValue.stderr, /--json takes no value: write --json alone/);
  match(
    pastEnd.stderr,
    /--offset 400 is past the end: \d+ servers match \(give --offset 0 to \d+\)/,
  );
  match(upper.stdout, /^Memory \(Reference\) \(memory\)/);
  // deno-lint-ignore no-control-regex
  ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(escape.stderr), JSON.stringify(escape.stderr));
  match(escape.stderr, /No server has the id "red"/); // terminal controls stripped (801f7fb)
  ok(hugeId.stderr.length < 400, `echoed: ${hugeId.stderr.length} characters`);
  ok(hugeQuery.stdout.length < 400, `echoed: ${hugeQuery.stdout.length} characters`);
  match(twoIds.stderr, /give one id, not 2 arguments \("memory", "github"\)/);
  match(one.stdout, /^1 match:/);
  match(many.stdout, /^\d+ matches/);
  // A description with line breaks (okta's starts with a Markdown heading) stays on its line;
  // every line fits 100 columns.
  const lines = okta.stdout.split("\n");
  match(lines[1]!, /^1\. okta-mcp-server: Okta \[podman/);
  match(lines[2]!, /^ {3}\S/);
  equal(lines[3], "");
  for (const run of [many, okta]) {
    ok(run.stdout.split("\n").every((line) => line.length <= 100), run.stdout);
  }
  match(
    emptyParam.stderr,
    /nothing on stdin; give the value as an argument:\n {2}mcp-registry config set filesystem paths <value>$/m,
  );

  // A failed refresh says how to fix it, and no log line gets in the way (logs are off unless
  // MCP_REGISTRY_LOG_LEVEL is set).
  const refreshed = await t.run(["refresh", "docker"], { env: { MCP_REGISTRY_LOG_LEVEL: "" } });
  equal(refreshed.code, 1, describeRun(["refresh", "docker"], refreshed));
  match(
    refreshed.stdout,
    /fix: check the network, or MCP_REGISTRY_DOCKER_REPO; mcp-registry doctor/,
  );
  doesNotMatch(refreshed.stderr, /"level"/);
  const again = await expect(t, ["refresh", "docker"], 4);
  match(flat(again.stderr), /docker: last tried less than 15 minutes ago .*or add --force/);
  const status = await expect(t, ["status"], 1);
  match(status.stdout, /LAST ERROR: .*\n +fix: check the network, or MCP_REGISTRY_DOCKER_REPO/);
});

const SECRET = "ghp_cliTestSecret7f3a9c";

Deno.test("config: a secret comes from stdin, never from an argument, and shows nowhere", async () => {
  await using t = await cliFixture({ MCP_REGISTRY_LOG_LEVEL: "debug" });
  const key = "github.personal_access_token";
  const all: CliRun[] = [];
  const run = async (args: string[], code: number, stdin?: string) => {
    const result = await expect(t, args, code, stdin);
    all.push(result);
    return result;
  };
  const shown = await run(["show", "github-official"], 0);
  match(shown.stdout, /github\.personal_access_token \[secret, required\] NOT SET/);
  const needs = await run(["add", "github-official"], 1);
  match(needs.stderr, /github-official needs a setting before it can start; nothing was recorded/);
  match(needs.stderr, /mcp-registry config set github-official github\.personal_access_token/);

  const refused = await run(["config", "set", "github-official", key, SECRET], 2);
  match(flat(refused.stderr), /is a secret: it is never taken from the command line/);
  match(flat(refused.stderr), /hidden prompt, or pipe it in/);
  match(refused.stderr, /Nothing was stored/);
  doesNotMatch(refused.stderr, new RegExp(SECRET), "the refusal does not repeat it");
  // A secret that starts with "-" is taken for an option: the error must not repeat it either.
  const dashed = await run(["config", "set", "github-official", key, `--${SECRET}`], 2);
  match(dashed.stderr, /unknown option \(not shown/);
  doesNotMatch(dashed.stderr, new RegExp(SECRET));
  const secretsPath = `${t.dataDir}/secrets.json`;
  equal(await Deno.stat(secretsPath).catch(() => null), null, "nothing was stored");
  const empty = await run(["config", "set", "github-official", key], 2, "\n");
  match(empty.stderr, /nothing on stdin/);
  const twoLines = await run(["config", "set", "github-official", key], 2, "a\nb\n");
  match(twoLines.stderr, /several lines/);

  // Named by its environment variable, as agents may write it; piped with a newline.
  const set = await run(
    ["config", "set", "github-official", "GITHUB_PERSONAL_ACCESS_TOKEN"],
    0,
    `${SECRET}\n`,
  );
  match(set.stdout, /Stored github\.personal_access_token for github-official \(secret/);
  match(set.stdout, /Nothing required is missing/);
  match(flat(set.stdout), /uses the new settings the next time it starts the server/);
  match(flat(set.stdout), /registry-config-set from an agent restarts a running server at once/);
  equal((await Deno.stat(secretsPath)).mode! & 0o777, 0o600);
  equal((await Deno.stat(t.dataDir)).mode! & 0o777, 0o700);
  equal(JSON.parse(await Deno.readTextFile(secretsPath))["github-official"][key], SECRET);

  const [get, getJson, show, showJson, status] = await Promise.all([
    run(["config", "get", "github-official"], 0),
    run(["config", "get", "github-official", "--json"], 0),
    run(["show", "github-official"], 0),
    run(["show", "github-official", "--json"], 0),
    run(["status", "--json"], 0),
  ]);
  match(get.stdout, /github\.personal_access_token \[secret, required\] = \*{8}/);
  const getData = JSON.parse(getJson.stdout);
  equal(getData.settings[0].value, "********");
  deepEqual(getData.missing, []);
  match(show.stdout, /github\.personal_access_token \[secret, required\] = \*{8}/);
  equal(JSON.parse(showJson.stdout).settings[0].set, true);
  ok(JSON.parse(status.stdout).catalog_entries > 300);

  const added = await run(["add", "github-official"], 0);
  match(added.stdout, /github-official will start the next time mcp-registry starts/);
  const active = await run(["active"], 0);
  match(active.stdout, /github-official \(GitHub Official\) podman: ready/);

  const unset = await run(["config", "unset", "github-official", key], 0);
  match(unset.stdout, /Unset github\.personal_access_token for github-official/);
  match(unset.stdout, /Still missing before github-official can start/);
  equal(JSON.parse(await Deno.readTextFile(secretsPath))["github-official"], undefined);
  const incomplete = await run(["active", "--json"], 1);
  const servers = JSON.parse(incomplete.stdout).servers;
  deepEqual(servers.map((s: Json) => [s.id, s.missing]), [["github-official", [key]]]);

  for (const result of all) {
    ok(!result.stdout.includes(SECRET), `the secret in stdout: ${result.stdout}`);
    ok(!result.stderr.includes(SECRET), `the secret in stderr: ${result.stderr}`);
  }
});

Deno.test("config: plain settings are JSON-checked against the schema; bad input names the fix", async () => {
  await using t = await cliFixture();
  const set = await expect(t, ["config", "set", "filesystem", "paths", '["/tmp/notes"]'], 0);
  match(set.stdout, /Stored paths for filesystem = \["\/tmp\/notes"\]/);
  const notJson = await expect(t, ["config", "set", "filesystem", "paths", "/tmp/notes"], 2);
  match(
    flat(notJson.stderr),
    /paths takes an array, written as JSON, e\.g\. '\["\/home\/me\/notes"\]'/,
  );
  const wrongType = await expect(t, ["config", "set", "filesystem", "paths", '"/tmp"'], 2);
  match(wrongType.stderr, /nothing was stored for filesystem:\n- paths: data must be array/);
  const fromStdin = await expect(t, ["config", "set", "filesystem", "paths"], 0, '["/tmp/b"]\n');
  match(fromStdin.stdout, /Stored paths for filesystem = \["\/tmp\/b"\]/);
  const unknownKey = await expect(t, ["config", "set", "filesystem", "nope", "1"], 2);
  match(unknownKey.stderr, /"nope" is not a setting of filesystem; its settings are paths/);
  const unknownId = await expect(t, ["config", "get", "filesystm"], 3);
  match(unknownId.stderr, /Did you mean: filesystem/);
  const noAction = await expect(t, ["config"], 2);
  match(noAction.stderr, /say what to do: get, set, unset, allow-path or allowed-paths/);
  const badAction = await expect(t, ["config", "frob", "filesystem"], 2);
  match(badAction.stderr, /unknown action "frob"/);
  const get = await expect(t, ["config", "get", "filesystem", "--json"], 0);
  deepEqual(JSON.parse(get.stdout).settings[0].value, ["/tmp/b"]);
  await expect(t, ["config", "unset", "filesystem", "paths"], 0);
  const again = await expect(t, ["config", "unset", "filesystem", "paths"], 0);
  match(again.stdout, /paths of filesystem was not set; nothing changed/);
});

Deno.test("add, active and remove: what the registry starts at its next start", async () => {
  await using t = await cliFixture({ MCP_REGISTRY_SOURCES: "docker,local" });
  // An entry of the user's own catalog that says nothing about how to run it.
  const catalog = `${t.dir}/nowhere.yaml`;
  await Deno.writeTextFile(catalog, "name: nowhere\nabout:\n  title: Nowhere\n");
  t.env.MCP_REGISTRY_CATALOGS = catalog;
  await expect(t, ["refresh", "local"], 0);
  const cannot = await expect(t, ["add", "nowhere"], 1);
  match(cannot.stderr, /nowhere cannot be started: its sources \(local\) describe it but say/);
  const cannotJson = await expect(t, ["add", "nowhere", "--json"], 1);
  deepEqual(JSON.parse(cannotJson.stdout), {
    id: "nowhere",
    added: false,
    error: "cannot be started",
  });
  const unknown = await expect(t, ["add", "memroy"], 3);
  match(unknown.stderr, /No server has the id "memroy"\. Did you mean: .*memory/);
  match(unknown.stderr, /mcp-registry find <words>/);
  await expect(t, ["add"], 2);
  const none = await expect(t, ["active"], 0);
  match(none.stdout, /The registry starts no server/);

  const added = await expect(t, ["add", "memory"], 0);
  match(added.stdout, /^Added memory \(Memory \(Reference\)\)\./);
  match(
    flat(added.stdout),
    /memory will start the next time mcp-registry starts \(restart your MCP client to start it now; an agent can also call registry-add\)/,
  );
  const again = JSON.parse((await expect(t, ["add", "memory", "--json"], 0)).stdout);
  equal(again.already_added, true);
  equal(again.check, null);
  const active = await expect(t, ["active"], 0);
  match(active.stdout, /memory \(Memory \(Reference\)\) podman: ready/);
  const activeJson = JSON.parse((await expect(t, ["active", "--json"], 0)).stdout);
  deepEqual(activeJson.servers.map((s: Json) => s.id), ["memory"]);

  const removed = await expect(t, ["remove", "memory"], 0);
  match(removed.stdout, /Removed memory: the registry no longer starts it/);
  match(removed.stdout, /Its settings are kept/);
  const gone = await expect(t, ["remove", "memory"], 3);
  match(gone.stderr, /The registry does not start "memory"; nothing to remove/);
});

/** A server of the user's own catalog (a test image) that gets a secret in its environment. */
const SECRET_ECHO = `name: secret-echo
image: localhost/mcp-registry-test/everything:latest
about:
  title: Everything with a token
config:
  secrets:
    - name: secret-echo.token
      env: ECHO_TOKEN
`;

Deno.test({
  name:
    "a server added by the CLI is restored by the next registry start; add --check leaves no container; its secret is in no log",
  ignore: !HAS_PODMAN,
  async fn() {
    await using t = await cliFixture({
      MCP_REGISTRY_SOURCES: "docker,local",
      MCP_REGISTRY_LOG_LEVEL: "debug",
    });
    t.env.MCP_REGISTRY_CATALOGS = `${t.dir}/secret-echo.yaml`;
    await Deno.writeTextFile(t.env.MCP_REGISTRY_CATALOGS, SECRET_ECHO);
    const runs = [await expect(t, ["refresh", "local"], 0)];
    runs.push(await expect(t, ["config", "set", "secret-echo", "ECHO_TOKEN"], 0, SECRET));
    runs.push(await expect(t, ["add", "memory"], 0));

    const checked = await expect(t, ["add", "secret-echo", "--check", "--json"], 0);
    runs.push(checked);
    const check = JSON.parse(checked.stdout).check;
    ok(check.tools.some((tool: Json) => tool.tool === "echo"), checked.stdout);
    match(checked.stderr, /secret-echo: starting/, "a progress line while it starts");
    match(checked.stderr, /"level":"info","msg":"server running"/, "it logged");
    ok(check.container.startsWith("mcp-registry-secret-echo-"));
    equal(await podman("ps", "-a", "--filter", `name=^${check.container}$`, "-q"), "");

    const transport = new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", "--allow-all", "main.ts"],
      cwd: ROOT,
      env: { ...Deno.env.toObject(), ...t.env },
      stderr: "pipe",
    });
    let logs = "";
    const reading = new Response(transport.stderr as unknown as ReadableStream).text()
      .then((text) => logs = text, () => {});
    const client = new Client({ name: "cli-test", version: "1" });
    await client.connect(transport);
    const containers: string[] = [];
    try {
      let servers: Json[] = [];
      for (let i = 0; i < 150; i++) {
        const result = await client.callTool({ name: "registry-active", arguments: {} });
        servers = (result.structuredContent as Json).servers;
        if (servers.length === 2 && servers.every((s) => s.state !== "starting")) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      deepEqual(servers.map((s) => [s.id, s.state]), [
        ["memory", "running"],
        ["secret-echo", "running"],
      ], JSON.stringify(servers));
      containers.push(...servers.map((s) => s.container));
    } finally {
      await client.close();
    }
    await reading;
    match(logs, /"level":"debug"/);
    for (const text of [logs, ...runs.flatMap((r) => [r.stdout, r.stderr])]) {
      ok(!text.includes(SECRET), `the secret in: ${text}`);
    }
    for (const container of containers) {
      for (let i = 0; i < 100; i++) {
        if (await podman("ps", "-a", "--filter", `name=^${container}$`, "-q") === "") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      equal(await podman("ps", "-a", "--filter", `name=^${container}$`, "-q"), "", container);
    }
  },
});

/** The hidden prompt on a real terminal: `keys` typed once it shows. */
function onPrompt(t: CliFixture, args: string[], keys: string) {
  return onTerminal({ env: t.env, args, keys, after: "(typing is hidden): ", killAfterMs: 20_000 });
}

Deno.test({
  name: "config set: a secret typed at the hidden prompt is not echoed; Backspace and Ctrl-C work",
  ignore: !HAS_SCRIPT,
  async fn() {
    await using t = await cliFixture();
    const args = ["config", "set", "github-official", "github.personal_access_token"];
    // Backspace erases the "x", an arrow key is ignored, Enter ends it.
    const typed = await onPrompt(t, args, `${SECRET}x\x7f\x1b[D\r`);
    equal(typed.code, 0, typed.screen);
    match(typed.screen, /Stored github\.personal_access_token for github-official/);
    ok(!typed.screen.includes(SECRET.slice(0, 8)), `echoed: ${typed.screen}`);
    const secrets = JSON.parse(await Deno.readTextFile(`${t.dataDir}/secrets.json`));
    equal(secrets["github-official"]["github.personal_access_token"], SECRET);

    const cancelled = await onPrompt(t, args, "other\x03");
    equal(cancelled.code, 1, cancelled.screen);
    match(cancelled.screen, /Cancelled; nothing was stored/);
    const after = JSON.parse(await Deno.readTextFile(`${t.dataDir}/secrets.json`));
    equal(after["github-official"]["github.personal_access_token"], SECRET);
  },
});

Deno.test("serve with options but without --http says what to type", async () => {
  await using t = await cliFixture();
  const port = await t.run(["serve", "--port", "9000"]);
  equal(port.code, 2, describeRun(["serve", "--port", "9000"], port));
  match(port.stderr, /--port needs --http/);
  match(port.stderr, /mcp-registry serve --http \[--host 127\.0\.0\.1\] \[--port 7768\]/);
  const word = await t.run(["serve", "now"]);
  equal(word.code, 2);
  match(word.stderr, /the stdio server takes no options/);
});

Deno.test("config allow-path: a person approves a folder; refusals name the reason; status and --json list it", async () => {
  const home = await Deno.makeTempDir({ prefix: "mcp-registry-home-" });
  await using t = await cliFixture({ HOME: home });
  const notes = `${home}/projects/notes`;
  await Deno.mkdir(notes, { recursive: true });
  await Deno.mkdir(`${home}/.ssh`);
  try {
    const none = await expect(t, ["config", "allowed-paths"], 0);
    match(none.stdout, /No host folder is approved for container mounts/);

    const refused: [string, RegExp][] = [
      ["/etc", /\/etc belongs to the system/],
      ["/", /\/ belongs to the system/],
      ["/tmp", /\/tmp is shared by every user/],
      [`${home}/.ssh`, /dot-file or dot-folder/],
      [t.dataDir, /registry's own data/],
      ["relative/folder", /is not an absolute path/],
      [`${home}/missing`, /does not exist; create it first/],
    ];
    await expect(t, ["status"], 0); // makes the data dir
    const runs = await Promise.all(
      refused.map(([path]) => expect(t, ["config", "allow-path", path], 2)),
    );
    runs.forEach((run, i) => {
      match(flat(run.stderr), refused[i]![1], refused[i]![0]);
      match(flat(run.stderr), /Nothing was approved/);
    });

    const approved = await expect(t, ["config", "allow-path", notes], 0);
    match(approved.stdout, new RegExp(`Approved ${notes} for container mounts`));
    const again = await expect(t, ["config", "allow-path", `${notes}/`], 0);
    match(again.stdout, /was approved already/);
    const listed = JSON.parse((await expect(t, ["config", "allowed-paths", "--json"], 0)).stdout);
    deepEqual(listed.allowed_paths, [{ path: notes, from: "approved" }]);
    const status = JSON.parse((await expect(t, ["status", "--json"], 0)).stdout);
    deepEqual(status.allowed_paths, [notes]);

    const withdrawn = await expect(t, ["config", "disallow-path", notes], 0);
    match(withdrawn.stdout, /Withdrew/);
    await expect(t, ["config", "disallow-path", notes], 3);
    match((await expect(t, ["status"], 0)).stdout, /No host folder is approved/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
