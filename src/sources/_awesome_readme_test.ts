import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { CatalogEntrySchema } from "../catalog/entry.ts";
import { githubAnchor, parseAwesomeReadme, parseSponsors } from "./_awesome_readme.ts";
import { AWESOME_FIXTURES as FIXTURES } from "../../tests/_helpers/fixtures.ts";

const VERSIONS = ["39eb1d7", "6f0239d"] as const;
const readme = (version: (typeof VERSIONS)[number]) =>
  Deno.readTextFileSync(`${FIXTURES}/wong2-awesome-mcp-servers.README.${version}.md`);
const at = "2026-01-01T00:00:00.000Z";
const PAGE = "https://github.com/wong2/awesome-mcp-servers";
const parse = (markdown: string, pageUrl: string | null = PAGE) =>
  parseAwesomeReadme(markdown, { refreshedAt: at, pageUrl });
const byName = (markdown: string) =>
  new Map(parse(markdown).entries.map((entry) => [entry.name, entry]));
/** A README of the given server bullets under `## Community Servers`. */
const community = (...bullets: string[]) => `## Community Servers\n\n${bullets.join("\n")}\n`;

Deno.test("parseAwesomeReadme() reads all 515 server bullets of both README versions", () => {
  for (const version of VERSIONS) {
    const { entries, counts, warnings } = parse(readme(version));
    deepEqual(counts, { reference: 7, official: 253, community: 255 }, version);
    equal(entries.length, 515, `${version}: every bullet is an entry`);
    ok(warnings.every((w) => !w.includes("skipped")), `${version}: no bullet skipped`);
    for (const entry of entries) CatalogEntrySchema.parse(entry);
    equal(new Set(entries.map((e) => e.id)).size, 515, `${version}: ids are unique`);
    equal(new Set(entries.map((e) => e.name)).size, 515, `${version}: names are unique`);
    const tagged = (tag: string) => entries.filter((e) => e.tags.includes(tag));
    equal(tagged("reference").length, 7);
    equal(tagged("official").length, 253);
    equal(tagged("community").length, 255);
    ok(tagged("reference").every((e) => e.official), "the MCP project's own servers are official");
    ok(tagged("official").every((e) => e.official));
    ok(tagged("community").every((e) => !e.official));
    for (const entry of entries) {
      equal(entry.source, "awesome");
      deepEqual(entry.sources, ["awesome"]);
      equal(entry.launch_method, "none");
      deepEqual(entry.categories, []);
      equal(entry.last_refreshed, at);
      ok(entry.repo_url !== null || entry.homepage !== null, `${entry.name} has a link`);
      ok(!/\*\*|\\$|^[-–] /.test(entry.description), `${entry.name}: "${entry.description}"`);
    }
    const names = new Set(entries.map((e) => e.title));
    for (const client of ["MBro", "LibreChat", "LiteMCP", "ToolHive", "mcp-framework"]) {
      ok(!names.has(client), `${client} (Clients / Frameworks) is not a server`);
    }
  }
});

Deno.test("parseAwesomeReadme() features the sponsors of each version", () => {
  const older = parse(readme("6f0239d"));
  deepEqual(older.sponsors.map((s) => s.names.at(-1)), ["Bright Data", "Thordata", "Scoutamp"]);
  deepEqual(older.entries.filter((e) => e.featured).map((e) => e.name), ["Bright Data"]);

  const newer = parse(readme("39eb1d7"));
  deepEqual(newer.sponsors, [{
    links: ["https://mcp.alphavantage.co/"],
    names: ["Alpha Vantage MCP Server", "Alpha Vantage"],
  }]);
  deepEqual(newer.entries.filter((e) => e.featured), [], "Alpha Vantage is not listed");
  equal(newer.entries.find((e) => e.name === "Bright Data")?.featured, false);
});

Deno.test("parseAwesomeReadme() matches a sponsor by link, or by name with 'MCP Server' dropped", () => {
  const table = (href: string, alt: string) =>
    `## Sponsors\n\n<table><tr><td><a href="${href}"><img src="x.png" alt="${alt}"></a></td>` +
    `<td><a href="${href}">${alt} - the best</a></td></tr></table>\n\n`;
  const byLink = parse(
    table("https://www.example.com/mcp/?utm_source=list", "Other name Logo") +
      community("- **[Example](https://example.com/mcp)** - x", "- **[Other](https://o.com)** - y"),
  );
  deepEqual(byLink.entries.filter((e) => e.featured).map((e) => e.name), ["Example"]);

  const byName = parse(
    table("https://get.acme.com/promo", "Acme MCP Server Logo") +
      "## Official Servers\n\n- **[Acme](https://github.com/acme/acme-mcp)** - official\n" +
      community("- **[Acme](https://github.com/someone/acme)** - a namesake"),
  );
  deepEqual(byName.entries.filter((e) => e.featured).map((e) => e.name), ["Acme"]);
  equal(byName.entries.find((e) => e.name === "Acme")?.tags[0], "official");
});

Deno.test("parseAwesomeReadme() handles each malformed bullet of the real READMEs", () => {
  const newer = byName(readme("39eb1d7"));
  const older = byName(readme("6f0239d"));
  for (const entries of [newer, older]) {
    // `[Kiwi.com](<[https://www.kiwi.com](https://…)>)`: a link inside the link target.
    const kiwi = entries.get("Kiwi.com")!;
    equal(
      kiwi.homepage,
      "https://mcp-install-instructions.alpic.cloud/servers/kiwi-com-flight-search",
    );
    equal(kiwi.repo_url, null);
    match(kiwi.warnings[0]!, /is itself a Markdown link/);
    match(kiwi.description, /^Official Kiwi\.com flight search MCP server\./);
    // `**[AllInOneMCP](…) - … **Remember the final backslash**.`: the bold is never closed.
    const all = entries.get("AllInOneMCP")!;
    equal(all.repo_url, "https://github.com/particlefuture/mcpdiscovery");
    match(all.description, /^MCP of MCPs\. .* Use the url https:\/\/mcp\.pfvc\.io\/mcp\/ to add/);
    match(all.description, /Remember the final backslash\.$/);
    ok(all.warnings.some((w) => /unclosed '\*\*'/.test(w)));
    // A line ending in `\` (a Markdown line break), and an emoji before the description.
    const dbhub = entries.get("bytebase/dbhub")!;
    equal(dbhub.description, "Universal database MCP server supporting mainstream databases.");
    match(dbhub.warnings[0]!, /ends in a backslash/);
    // A description wrapped onto indented lines.
    match(entries.get("gx-mcp-server")!.description, /run data quality checks, and retrieve/);
    // Emoji around the name.
    equal(entries.get("Magg")!.title, "Magg");
  }
  // `\*\*[Spotify Player](…) – …`: an escaped bold marker, never closed.
  const spotify = newer.get("Spotify Player")!;
  equal(spotify.repo_url, "https://github.com/vsaez/mcp-spotify-player");
  match(spotify.description, /^Control Spotify playback/);
  match(spotify.warnings.join("\n"), /escaped \(\\\*\\\*\)/);
  match(spotify.warnings.join("\n"), /unclosed/);
  ok(older.get("Spotify Player")!.warnings.every((w) => !/escaped/.test(w)));
});

Deno.test("parseAwesomeReadme() warnings name the file and line", () => {
  const { warnings } = parse(readme("39eb1d7"));
  ok(warnings.includes(`README.md:297: "AllInOneMCP": unclosed '**' after the link`), warnings[1]);
  ok(warnings.some((w) => w.startsWith(`README.md:511: "Spotify Player": `)));
  ok(warnings.some((w) => w.startsWith(`README.md:170: "Kiwi.com": `)));
  ok(warnings.some((w) => w.startsWith(`README.md:323: "bytebase/dbhub": `)));
  equal(warnings.length, 5);
});

Deno.test("parseAwesomeReadme() splits forge links into repository and subfolder", () => {
  const entries = byName(readme("39eb1d7"));
  const fetch = entries.get("Fetch")!;
  equal(fetch.repo_url, "https://github.com/modelcontextprotocol/servers");
  equal(fetch.repo_subfolder, "src/fetch");
  equal(fetch.homepage, null);
  equal(entries.get("Everything")!.repo_subfolder, "src/everything", "a /blob/ link too");
  equal(entries.get("AWS CDK")!.repo_url, "https://github.com/awslabs/mcp");
  equal(entries.get("AWS CDK")!.repo_subfolder, "src/cdk-mcp-server");
  equal(entries.get("Adfin")!.repo_subfolder, null);
  // A link to a site is the homepage.
  equal(entries.get("Augments")!.homepage, "https://augments.dev/");
  equal(entries.get("Augments")!.repo_url, null);
  const gitlab = byName(community("- [Lab](https://gitlab.com/Group/Proj/-/tree/main/srv/x) - y"));
  equal(gitlab.get("Lab")!.repo_url, "https://gitlab.com/group/proj");
  equal(gitlab.get("Lab")!.repo_subfolder, "srv/x");
});

Deno.test("parseAwesomeReadme() turns descriptions into plain text", () => {
  const entries = byName(readme("39eb1d7"));
  equal(
    entries.get("Adfin")!.description,
    "The only platform you need to get paid - all payments in one place, invoicing and " +
      "accounting reconciliations with Adfin.",
  );
  match(entries.get("Apify")!.description, /^Actors MCP Server: Use 3,000\+ pre-built/);
  const plain = byName(community(
    '- **[A](https://a.dev)** — *Fast* `tool` with __bold__ and <img src="i.png"/> snake_case_name\\',
    "- **[B](https://github.com/o/b)** (by Someone) - Does B.",
  ));
  equal(plain.get("A")!.description, "Fast tool with bold and snake_case_name");
  equal(plain.get("B")!.description, "Does B. (by Someone)");
});

Deno.test("parseAwesomeReadme() gives namesakes unique names, the same whatever the order", () => {
  const entries = byName(readme("39eb1d7"));
  equal(entries.get("Time")!.tags[0], "reference", "the reference server keeps the bare name");
  equal(entries.get("Time (TheoBrigitte)")!.id, "time-theobrigitte");
  equal(entries.get("Notion")!.repo_url, "https://github.com/makenotion/notion-mcp-server");
  ok(entries.has("Notion (danhilse)"));
  ok(entries.has("BigQuery (LucasHild)") && entries.has("BigQuery (ergut)"), "both community");
  ok(!entries.has("BigQuery"));

  const bullets = [
    "- **[Tool](https://github.com/alice/tool)** - a",
    "- **[Tool](https://github.com/alice/tool-two)** - b",
    "- **[tool](https://tool.example.com/)** - c",
    "- **[Tool](https://github.com/bob/tool)** - d",
  ];
  const forward = parse(community(...bullets)).entries;
  const backward = parse(community(...bullets.toReversed())).entries;
  const key = (e: { name: string; id: string; description: string }) =>
    `${e.description}=${e.name}=${e.id}`;
  deepEqual(forward.map(key).sort(), backward.map(key).sort());
  deepEqual(forward.map((e) => e.name).sort(), [
    "Tool (alice/tool)",
    "Tool (alice/tool-two)",
    "Tool (bob)",
    "tool (tool.example.com)",
  ]);
});

Deno.test("parseAwesomeReadme() links each entry to its section of the list's page", () => {
  const entries = byName(readme("6f0239d"));
  deepEqual(entries.get("Git")!.links, { awesome: `${PAGE}#reference-servers` });
  deepEqual(entries.get("Box")!.links, { awesome: `${PAGE}#official-servers` });
  deepEqual(entries.get("Box (hmk)")!.links, { awesome: `${PAGE}#community-servers` });
  const unlinked = parse(readme("6f0239d"), null).entries;
  ok(unlinked.every((e) => Object.keys(e.links).length === 0));
  equal(githubAnchor("Community Servers"), "community-servers");
  equal(githubAnchor("🚀 Servers & Tools"), "-servers--tools");
});

Deno.test("parseAwesomeReadme() skips a bullet without a link, naming its line", () => {
  const { entries, warnings, counts } = parse(
    community("- **[Good](https://github.com/o/good)** - fine", "- just words, no link", "") +
      "\n```md\n- **[Fenced](https://github.com/o/fenced)** - in a code block\n```\n" +
      "- **[🔥](https://github.com/o/emoji)** - a name of emoji only\n" +
      "## Clients\n\n- **[Client](https://github.com/o/client)** - not a server\n",
  );
  deepEqual(entries.map((e) => e.name), ["Good"]);
  equal(counts.community, 3);
  equal(warnings.length, 2);
  match(
    warnings[0]!,
    /^README\.md:4: skipped a bullet in "Community Servers": no \[name\]\(link\)/,
  );
  match(warnings[1]!, /^README\.md:10: skipped .*holds no name/);
});

Deno.test("parseAwesomeReadme() keeps a bullet whose link is not a URL, without it", () => {
  const { entries } = parse(community("- **[Odd](servers/odd)** - relative"));
  equal(entries[0]!.repo_url, null);
  equal(entries[0]!.homepage, null);
  match(entries[0]!.warnings[0]!, /not an http\(s\) URL/);
});

Deno.test("parseAwesomeReadme() refuses a README without server sections", () => {
  throws(
    () => parse("# Something else\n\n- [x](https://x.dev)\n"),
    (error) => error instanceof SyntaxError && /none of the sections/.test(error.message),
  );
});

Deno.test("parseSponsors() reads Markdown links as sponsors too", () => {
  deepEqual(parseSponsors("Thanks to [Acme - tools](https://acme.dev) and ![logo](l.png)"), [
    { links: ["https://acme.dev"], names: ["Acme"] },
  ]);
});
