import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { isAbsolute } from "node:path";
import { COMMANDS, runCli } from "./cli.ts";
import {
  CLIENTS,
  clientSnippet,
  DEFAULT_HTTP_URL,
  isCompiled,
  launchCommand,
  LEAN_FLAGS,
  registrySettings,
  shellWord,
} from "./client_config.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
import { EXIT, type Output, UsageError } from "./_io.ts";

const README = new URL("../../README.md", import.meta.url);

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    line: (text = "") => void stdout.push(text),
    note: (text) => void stderr.push(text),
    terminal: false,
  };
}

/** Splits a shell line into words: plain words, '...' and "..." (no expansion). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

async function isFile(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isFile, () => false);
}

/** The subcommand a launch runs: what follows the binary, or deno's `run -A <main.ts>`. */
function subcommandOf(words: string[]): string[] {
  const [command, ...args] = words;
  if (/(^|\/)deno$/.test(command!)) {
    equal(args[0], "run");
    ok(["-A", "--allow-all"].includes(args[1]!), `deno run ${args[1]}`);
    const flags = LEAN_FLAGS.every((flag, i) => args[2 + i] === flag) ? LEAN_FLAGS.length : 0;
    match(args[2 + flags]!, /main\.ts$/);
    return args.slice(3 + flags);
  }
  if (command === "toolbox") {
    deepEqual(args.slice(0, 3), ["run", "--container", "mcp-registry"]);
    return subcommandOf(args.slice(3));
  }
  match(command!, /(^|\/)mcp-registry$/);
  return args;
}

function assertKnownSubcommand(rest: string[]) {
  if (rest.length === 0) return; // serve over stdio
  ok(rest[0] === "serve" || rest[0]! in COMMANDS, `"${rest[0]}" is no mcp-registry command`);
}

Deno.test("launchCommand() runs this checkout's main.ts with the absolute path of deno", async () => {
  const launch = launchCommand();
  ok(!isCompiled(), "these tests run under deno");
  ok(isAbsolute(launch.command), launch.command);
  ok(await isFile(launch.command), `${launch.command} exists`);
  const main = launch.args.at(-1)!;
  deepEqual(launch.args.slice(0, -1), ["run", "-A", ...LEAN_FLAGS]);
  ok(isAbsolute(main));
  ok(await isFile(main), `${main} exists`);
  match(main, /\/main\.ts$/);
  deepEqual(launchCommand({ deno: true }), launch);
});

Deno.test("launchCommand() gives a compiled binary's own path, and refuses --deno there", () => {
  const execPath = "/usr/local/bin/mcp-registry";
  ok(isCompiled(execPath));
  ok(!isCompiled("/home/me/.deno/bin/deno"));
  ok(!isCompiled("C:\\Users\\me\\.deno\\bin\\deno.exe"));
  deepEqual(launchCommand({ execPath }), { command: execPath, args: [] });
  throws(() => launchCommand({ execPath, deno: true }), UsageError);
});

Deno.test("clientSnippet() gives valid JSON with this installation's command for each JSON client", async () => {
  const launch = launchCommand();
  for (const client of ["claude-desktop", "cursor", "vscode"] as const) {
    const result = clientSnippet(client, { launch });
    equal(result.transport, "stdio");
    ok(result.file);
    const parsed = JSON.parse(JSON.stringify(result.snippet));
    const server = client === "vscode"
      ? parsed.servers["mcp-registry"]
      : parsed.mcpServers["mcp-registry"];
    if (client === "vscode") equal(server.type, "stdio");
    equal(server.command, launch.command);
    deepEqual(server.args, launch.args);
    ok(isAbsolute(server.command) && await isFile(server.command));
    assertKnownSubcommand(subcommandOf([server.command, ...server.args]));
  }
});

Deno.test("clientSnippet() names each OS's Claude Desktop file", () => {
  const launch = launchCommand();
  match(clientSnippet("claude-desktop", { launch, os: "linux" }).file!, /^~\/\.config\/Claude\//);
  match(
    clientSnippet("claude-desktop", { launch, os: "darwin" }).file!,
    /^~\/Library\/Application Support\/Claude\/claude_desktop_config\.json$/,
  );
  match(
    clientSnippet("claude-desktop", { launch, os: "windows" }).file!,
    /^%APPDATA%\\Claude\\claude_desktop_config\.json$/,
  );
  equal(clientSnippet("cursor", { launch, os: "linux" }).file, "~/.cursor/mcp.json");
  equal(clientSnippet("vscode", { launch }).file, ".vscode/mcp.json");
});

Deno.test("clientSnippet() gives the claude mcp add line that runs this installation", async () => {
  const launch = launchCommand();
  const result = clientSnippet("claude-code", { launch });
  equal(result.file, null);
  const words = shellWords(result.snippet as string);
  deepEqual(words.slice(0, 5), ["claude", "mcp", "add", "mcp-registry", "--"]);
  deepEqual(words.slice(5), [launch.command, ...launch.args]);
  ok(await isFile(words[5]!));

  const spaced = clientSnippet("claude-code", {
    launch: { command: "/opt/my tools/mcp-registry", args: [] },
  });
  equal(spaced.snippet, "claude mcp add mcp-registry -- '/opt/my tools/mcp-registry'");
  equal(shellWord("it's"), `'it'"'"'s'`);
});

Deno.test("clientSnippet() HTTP forms carry the URL and the bearer token", () => {
  const launch = launchCommand();
  const vscode = JSON.parse(
    JSON.stringify(clientSnippet("vscode", { launch, http: true }).snippet),
  );
  deepEqual(vscode.servers["mcp-registry"], {
    type: "http",
    url: DEFAULT_HTTP_URL,
    headers: { Authorization: "Bearer ${input:mcp-registry-token}" },
  });
  equal(vscode.inputs[0].id, "mcp-registry-token");
  equal(vscode.inputs[0].type, "promptString");
  equal(vscode.inputs[0].password, true);

  const cursor = clientSnippet("cursor", { launch, http: true, url: "http://127.0.0.1:9000/mcp" });
  deepEqual((cursor.snippet as { mcpServers: unknown }).mcpServers, {
    "mcp-registry": {
      url: "http://127.0.0.1:9000/mcp",
      headers: { Authorization: "Bearer ${env:MCP_REGISTRY_TOKEN}" },
    },
  });

  const desktop = clientSnippet("claude-desktop", { launch, http: true });
  const server = (desktop.snippet as { mcpServers: Record<string, { args: string[] }> })
    .mcpServers["mcp-registry"]!;
  ok(server.args.includes(DEFAULT_HTTP_URL));
  ok(desktop.notes.some((n) => n.includes("serve --http")));

  const code = clientSnippet("claude-code", { launch, http: true }).snippet as string;
  deepEqual(shellWords(code), [
    "claude",
    "mcp",
    "add",
    "--transport",
    "http",
    "mcp-registry",
    DEFAULT_HTTP_URL,
    "--header",
    "Authorization: Bearer $MCP_REGISTRY_TOKEN",
  ]);
});

Deno.test("client-config prints the snippet on stdout and where it goes on stderr", async () => {
  for (const client of CLIENTS) {
    const out = capture();
    equal(await runCli(["client-config", client], out), EXIT.ok);
    const text = out.stdout.join("\n");
    if (client === "claude-code") match(text, /^claude mcp add mcp-registry -- \//);
    else JSON.parse(text);
    ok(out.stderr.length > 0);
  }
  const json = capture();
  equal(await runCli(["client-config", "cursor", "--http", "--json"], json), EXIT.ok);
  const data = JSON.parse(json.stdout.join("\n"));
  equal(data.transport, "http");
  equal(data.snippet.mcpServers["mcp-registry"].url, DEFAULT_HTTP_URL);
});

Deno.test("client-config exits 2 on an unknown client, listing the clients", async () => {
  const out = capture();
  equal(await runCli(["client-config", "emacs"], out), EXIT.usage);
  match(
    out.stderr.join("\n"),
    /unknown client "emacs"; the clients are claude-desktop, claude-code, vscode, cursor/,
  );
  equal(await runCli(["client-config"], capture()), EXIT.usage);
  equal(await runCli(["client-config", "vscode", "--url", "ftp://x"], capture()), EXIT.usage);
});

/** The "Connect your client" section of README.md, with its Fedora toolbox subsection. */
async function clientSection(): Promise<string> {
  const text = await Deno.readTextFile(README);
  const start = text.indexOf("## Connect your client\n");
  ok(start >= 0, "README has the section");
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

Deno.test("README's client section: every JSON block parses and starts a real command", async () => {
  const section = await clientSection();
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
  // Claude Desktop, VS Code and Cursor: binary, deno run and HTTP each; then the toolbox.
  equal(blocks.length, 10, `${blocks.length} JSON blocks`);
  for (const block of blocks) {
    const config = JSON.parse(block);
    const servers = config.mcpServers ?? config.servers;
    ok(servers?.["mcp-registry"], block);
    const server = servers["mcp-registry"];
    if (server.url) {
      match(server.url, /^http:\/\/127\.0\.0\.1:7768\/mcp$/);
      match(JSON.stringify(server.headers), /Bearer \$\{(input|env):/);
      if (server.headers.Authorization.includes("${input:")) {
        const id = server.headers.Authorization.match(/\$\{input:([^}]+)\}/)[1];
        ok(
          config.inputs.some((i: { id: string; password: boolean }) => i.id === id && i.password),
        );
      }
    } else if (server.command === "npx") {
      ok(server.args.includes("http://127.0.0.1:7768/mcp"));
    } else {
      assertKnownSubcommand(subcommandOf([server.command, ...server.args]));
    }
  }
});

Deno.test("README's client section: claude mcp add lines and mcp-registry commands exist", async () => {
  const section = await clientSection();
  const adds = section.split("\n").filter((l) => l.startsWith("claude mcp add "));
  equal(adds.length, 3);
  for (const line of adds) {
    const words = shellWords(line.replace(/\s+#.*$/, ""));
    const dashes = words.indexOf("--");
    if (dashes >= 0) {
      deepEqual(words.slice(3, dashes), ["mcp-registry"]);
      assertKnownSubcommand(subcommandOf(words.slice(dashes + 1)));
    } else {
      deepEqual(words.slice(3, 7), ["--transport", "http", "mcp-registry", DEFAULT_HTTP_URL]);
    }
  }
  // Every `mcp-registry <command>` the section mentions is one.
  const named = [...section.matchAll(/(?:^|`)mcp-registry ([a-z][a-z-]*)/gm)].map((m) => m[1]!);
  ok(named.includes("client-config") && named.includes("serve"), named.join(", "));
  for (const name of named) {
    ok(name === "serve" || name in COMMANDS, `README names "mcp-registry ${name}"`);
  }
  for (const m of section.matchAll(/main\.ts ([a-z][a-z-]+)/g)) {
    ok(m[1] === "serve" || m[1]! in COMMANDS, `README names "main.ts ${m[1]}"`);
  }
  // And the toolbox subsection's Containerfile exists.
  ok(section.includes("toolbox/Containerfile"));
  ok(await isFile(new URL("../../toolbox/Containerfile", import.meta.url).pathname));
});

Deno.test("clientSnippet() carries this shell's MCP_REGISTRY_* settings and XDG folders, never the token", () => {
  const launch = { command: "/usr/bin/mcp-registry", args: [] };
  const env = registrySettings({
    MCP_REGISTRY_DATA_DIR: "/data/mcp",
    MCP_REGISTRY_TOKEN: "secret-token",
    MCP_REGISTRY_SOURCES: "",
    HOME: "/home/u",
  });
  deepEqual(env, { MCP_REGISTRY_DATA_DIR: "/data/mcp" });
  // The XDG folders that decide the registry's (and podman's) folders, when not the defaults;
  // never the session's runtime dir.
  deepEqual(
    registrySettings({
      HOME: "/home/u",
      XDG_CACHE_HOME: "/fast/cache",
      XDG_DATA_HOME: "/home/u/.local/share/",
      XDG_CONFIG_HOME: "/home/u/conf",
      XDG_RUNTIME_DIR: "/run/user/1000",
      XDG_SESSION_TYPE: "wayland",
    }),
    { XDG_CACHE_HOME: "/fast/cache", XDG_CONFIG_HOME: "/home/u/conf" },
  );
  const desktop = clientSnippet("claude-desktop", { launch, env }).snippet as Json;
  deepEqual(desktop.mcpServers["mcp-registry"].env, { MCP_REGISTRY_DATA_DIR: "/data/mcp" });
  const vscode = clientSnippet("vscode", { launch, env }).snippet as Json;
  equal(vscode.servers["mcp-registry"].env.MCP_REGISTRY_DATA_DIR, "/data/mcp");
  equal(
    clientSnippet("claude-code", { launch, env }).snippet,
    "claude mcp add mcp-registry -e MCP_REGISTRY_DATA_DIR=/data/mcp -- /usr/bin/mcp-registry",
  );
  const plain = clientSnippet("cursor", { launch }).snippet as Json;
  equal(plain.mcpServers["mcp-registry"].env, undefined, "nothing set: no env key");
});
