/**
 * HELD-OUT search cases: written (issue 17) before the ranking was tuned, and never used to tune
 * it. Only `tests/search_quality_cases.ts` is tuned on; this file only measures. Do not change
 * the ranking to fix a miss here: add the query to the tuned cases instead, and write new
 * held-out ones.
 *
 * Labelled by reading each server's `server.yaml` (title, description, category, tags, image,
 * repository) in the Docker MCP registry snapshot (`fixtures/docker-mcp-registry/servers`), not
 * by looking at what the search returns. Every server a reasonable person would accept is listed.
 * One label was corrected after the first run, before any tuning: "amazon" had left out the
 * `amazon-*` entries, which are AWS's own servers.
 *
 * @module
 */
import type { SearchCase } from "./search_quality_cases.ts";

const POSTGRES = ["neon", "prisma-postgres", "database-server", "tembo"];
const GIT_HOSTS = ["github-official", "github", "gitlab"];
const WEB_SEARCH = [
  "brave",
  "duckduckgo",
  "tavily",
  "exa",
  "perplexity-ask",
  "kagisearch",
  "dappier",
  "dappier-remote",
];
const BROWSERS = [
  "playwright",
  "playwright-mcp-server",
  "puppeteer",
  "browserbase",
  "hyperbrowser",
];
const PAYMENTS = [
  "stripe",
  "stripe-remote",
  "paypal",
  "razorpay",
  "mercado-pago",
  "dodo-payments",
];
const AWS = [
  "aws-api",
  "aws-core-mcp-server",
  "aws-documentation",
  "aws-cdk-mcp-server",
  "aws-terraform",
  "aws-pricing",
  "aws-diagram",
  "awslabs-cloudwatch",
  "awslabs-dynamodb",
  "aws-kb-retrieval-server",
  "amazon-neptune",
  "amazon-kendra-index",
  "amazon-qbusiness-anonymous",
  "amazon-bedrock-agentcore",
];

/** The held-out cases, grouped by kind. */
export const HELD_OUT_CASES: SearchCase[] = [
  // Tasks, as a person asks.
  { query: "send a slack message", relevant: ["slack"], kind: "task" },
  { query: "remember things between chats", relevant: ["memory", "neo4j-memory"], kind: "task" },
  {
    query: "read files on my computer",
    relevant: ["filesystem", "rust-mcp-filesystem", "desktop-commander"],
    kind: "task",
  },
  {
    query: "fetch a web page",
    relevant: ["fetch", "cloudflare-browser-rendering", "markdownify", "firecrawl"],
    kind: "task",
  },
  {
    query: "github issues",
    relevant: ["github-official", "github", "mcp-github-pr-issue-analyser"],
    kind: "task",
  },
  { query: "post a message to discord", relevant: ["mcp-discord"], kind: "task" },
  { query: "run shell commands in a terminal", relevant: ["desktop-commander"], kind: "task" },
  {
    query: "commit changes to a git repository",
    relevant: ["git", "gitmcp", ...GIT_HOSTS],
    kind: "task",
  },
  { query: "what time is it in tokyo", relevant: ["time"], kind: "task" },
  { query: "search the internet for recent news", relevant: WEB_SEARCH, kind: "task" },
  { query: "automate a browser to fill out a form", relevant: BROWSERS, kind: "task" },
  {
    query: "think step by step through a hard problem",
    relevant: ["sequentialthinking"],
    kind: "task",
  },
  { query: "look something up on wikipedia", relevant: ["wikipedia-mcp"], kind: "task" },
  {
    query: "get stock prices and market data",
    relevant: [
      "nasdaq-data-link",
      "morningstar-mcp-server",
      "octagon",
      "zerodha-kite",
      "quantconnect",
    ],
    kind: "task",
  },
  { query: "open a pull request", relevant: GIT_HOSTS, kind: "task" },
  { query: "find a place to stay for my trip", relevant: ["openbnb-airbnb"], kind: "task" },
  {
    query: "summarize my meeting notes",
    relevant: ["granola-remote", "firefly"],
    kind: "task",
  },
  {
    query: "call a rest api from an openapi spec",
    relevant: ["openapi", "openapi-schema", "mcp-api-gateway", "postman"],
    kind: "task",
  },
  {
    query: "debug pods in my kubernetes cluster",
    relevant: ["kubernetes", "kubectl-mcp-server", "inspektor-gadget", "aks"],
    kind: "task",
  },
  { query: "check the weather", relevant: ["openweather"], kind: "task" },
  { query: "make a phone call", relevant: ["dialer", "telnyx"], kind: "task" },
  { query: "search podcast episodes", relevant: ["audioscrape"], kind: "task" },
  {
    query: "analyze my cloud bill",
    relevant: ["aws-pricing", "awslabs-billing-cost-management", "awslabs-cost-explorer"],
    kind: "task",
  },
  {
    query: "deploy my app to the cloud",
    relevant: ["cloud-run-mcp", "render", "heroku", "pulumi", "pulumi-remote"],
    kind: "task",
  },
  { query: "top stories on hacker news", relevant: ["mcp-hackernews"], kind: "task" },
  { query: "read posts on reddit", relevant: ["mcp-reddit"], kind: "task" },
  { query: "find an available domain name", relevant: ["find-a-domain"], kind: "task" },
  { query: "refund a customer's payment", relevant: PAYMENTS, kind: "task" },
  {
    query: "query my data warehouse",
    relevant: ["awslabs-redshift", "clickhouse", "singlestore", "keboola-mcp"],
    kind: "task",
  },
  { query: "shorten a link", relevant: ["short-io"], kind: "task" },
  {
    query: "build a chart or dashboard from data",
    relevant: ["vizro", "metabase", "grafana"],
    kind: "task",
  },
  { query: "java library docs", relevant: ["javadocs"], kind: "task" },
  { query: "get captions of a youtube video", relevant: ["youtube-transcript"], kind: "task" },
  {
    query: "manage tasks in a to-do list",
    relevant: ["simplechecklist", "pomodash", "task-orchestrator", "asana", "monday"],
    kind: "task",
  },

  // Product names.
  { query: "memory", relevant: ["memory", "neo4j-memory"], kind: "name" },
  { query: "filesystem", relevant: ["filesystem", "rust-mcp-filesystem"], kind: "name" },
  { query: "fetch", relevant: ["fetch"], kind: "name" },
  { query: "puppeteer", relevant: ["puppeteer"], kind: "name" },
  { query: "elasticsearch", relevant: ["elasticsearch"], kind: "name" },
  { query: "tavily", relevant: ["tavily"], kind: "name" },
  { query: "firecrawl", relevant: ["firecrawl"], kind: "name" },
  { query: "discord", relevant: ["mcp-discord"], kind: "name" },
  { query: "confluence", relevant: ["atlassian", "atlassian-remote"], kind: "name" },
  { query: "okta", relevant: ["okta-mcp-server", "okta-mcp-fctr"], kind: "name" },
  { query: "zscaler", relevant: ["zscaler-mcp-server"], kind: "name" },
  { query: "hacker news", relevant: ["mcp-hackernews"], kind: "name" },

  // Vendors.
  { query: "amazon", relevant: AWS, kind: "vendor" },
  { query: "azure", relevant: ["azure", "aks"], kind: "vendor" },
  { query: "mapbox", relevant: ["mapbox", "mapbox-devkit"], kind: "vendor" },
  { query: "pulumi", relevant: ["pulumi", "pulumi-remote"], kind: "vendor" },
  {
    query: "victoriametrics",
    relevant: ["victoriametrics", "victorialogs", "victoriatraces"],
    kind: "vendor",
  },
  { query: "webflow", relevant: ["webflow", "webflow-remote"], kind: "vendor" },
  { query: "neo4j", relevant: ["neo4j", "neo4j-cypher", "neo4j-memory"], kind: "vendor" },

  // Categories.
  {
    query: "communication",
    relevant: ["slack", "gmail-mcp", "mcp-reddit", "telnyx", "dialer", "resend", "carbon-voice"],
    kind: "category",
  },
  {
    query: "blockchain",
    relevant: [
      "openzeppelin-cairo",
      "openzeppelin-solidity",
      "openzeppelin-stellar",
      "openzeppelin-stylus",
      "maestro-mcp-server",
    ],
    kind: "category",
  },
  {
    query: "healthcare",
    relevant: ["aws-healthomics", "charmhealth-mcp-server"],
    kind: "category",
  },
  { query: "travel", relevant: ["google-flights", "openbnb-airbnb"], kind: "category" },
  {
    query: "data visualization",
    relevant: ["vizro", "metabase", "grafana"],
    kind: "category",
  },
  {
    query: "cost management",
    relevant: ["aws-pricing", "awslabs-billing-cost-management", "awslabs-cost-explorer"],
    kind: "category",
  },
  { query: "games", relevant: ["minecraft-wiki", "unreal-engine-mcp-server"], kind: "category" },
  {
    query: "maps",
    relevant: ["google-maps", "google-maps-comprehensive", "mapbox", "aws-location"],
    kind: "category",
  },

  // Typos.
  { query: "postgress", relevant: POSTGRES, kind: "typo" },
  { query: "filesytem", relevant: ["filesystem", "rust-mcp-filesystem"], kind: "typo" },
  { query: "memroy", relevant: ["memory", "neo4j-memory"], kind: "typo" },
  { query: "githib", relevant: GIT_HOSTS, kind: "typo" },
  { query: "kubernets", relevant: ["kubernetes", "kubectl-mcp-server", "aks"], kind: "typo" },
  { query: "reddis", relevant: ["redis", "redis-cloud"], kind: "typo" },
  { query: "playwrigth", relevant: ["playwright", "playwright-mcp-server"], kind: "typo" },
  {
    query: "cloudfare docs",
    relevant: ["cloudflare-docs"],
    kind: "typo",
  },
  { query: "elastisearch", relevant: ["elasticsearch"], kind: "typo" },
  { query: "obsidain", relevant: ["obsidian"], kind: "typo" },
];
