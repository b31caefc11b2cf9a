/**
 * The catalog entry: one MCP server as the registry knows it, whatever source it came from.
 *
 * Sources parse their raw data into this shape (see `src/sources/`); everything after that
 * trusts it. Field names are snake_case because they are what agents see in tool results.
 *
 * @module
 */
import { z } from "zod";

/** How an entry is started when an agent activates it. */
/**
 * `none`: the sources describe the server but say nothing about how to run it. `build`: an
 * image built from the repository in `build` once a person agrees (`registry-add {build: true}`).
 */
export const LAUNCH_METHODS = ["podman", "stdio-proxy", "remote-http", "build", "none"] as const;
export const LaunchMethodSchema = z.enum(LAUNCH_METHODS);
export type LaunchMethod = z.infer<typeof LaunchMethodSchema>;

/** A JSON Schema object, kept as the source wrote it. */
export const JsonSchemaSchema = z.record(z.string(), z.unknown());

/** A tool the source says the server offers (before anyone has started it). */
export const ToolInfoSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(""),
  /** Only kept where activation needs it (per-tool containers, `type: poci`). */
  input_schema: JsonSchemaSchema.optional(),
  /** A container run per call, for Docker's `poci` entries. */
  container: z.object({
    image: z.string(),
    command: z.array(z.string()).default([]),
    volumes: z.array(z.string()).default([]),
  }).optional(),
});
export type ToolInfo = z.infer<typeof ToolInfoSchema>;

/** An environment variable the server reads; `value` may hold `{{server.param}}` templates. */
export const EnvVarSchema = z.object({
  name: z.string().min(1),
  value: z.string().optional(),
  example: z.string().optional(),
  description: z.string().optional(),
  default: z.string().optional(),
  required: z.boolean().optional(),
});
export type EnvVar = z.infer<typeof EnvVarSchema>;

/** A secret the user provides; it reaches the server as the environment variable `env`. */
export const SecretSchema = z.object({
  /** The key the user sets, e.g. `github.personal_access_token`. */
  name: z.string().min(1),
  env: z.string().min(1),
  example: z.string().optional(),
  description: z.string().optional(),
  /** Absent means required. */
  required: z.boolean().optional(),
});
export type Secret = z.infer<typeof SecretSchema>;

export const OAuthSchema = z.object({
  provider: z.string(),
  secret: z.string().optional(),
  env: z.string().optional(),
});

/** How to run the server's container (templates are filled at activation). */
export const RunSpecSchema = z.object({
  command: z.array(z.string()).default([]),
  volumes: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  disable_network: z.boolean().default(false),
  allow_hosts: z.array(z.string()).default([]),
  user: z.string().optional(),
  /** Package servers (`stdio-proxy`): the program and arguments to run. */
  package: z.object({
    registry: z.enum(["npm", "pypi", "oci", "other"]),
    name: z.string(),
    version: z.string().optional(),
  }).optional(),
  long_lived: z.boolean().default(false),
});
export type RunSpec = z.infer<typeof RunSpecSchema>;

/** What the user can or must configure. */
export const ConfigSpecSchema = z.object({
  description: z.string().optional(),
  env: z.array(EnvVarSchema).default([]),
  secrets: z.array(SecretSchema).default([]),
  /** JSON Schema of the parameters referenced as `{{server.param}}`. */
  parameters: JsonSchemaSchema.optional(),
});
export type ConfigSpec = z.infer<typeof ConfigSpecSchema>;

export const RemoteSpecSchema = z.object({
  url: z.string(),
  transport: z.enum(["streamable-http", "sse"]),
  headers: z.record(z.string(), z.string()).default({}),
});
export type RemoteSpec = z.infer<typeof RemoteSpecSchema>;

/** Where a `build` entry's image comes from: a repository, a commit, a folder in it. */
export const BuildSpecSchema = z.object({
  /** A repository URL, a local path or a `file://` URL. */
  repo: z.string().min(1),
  /** The commit (or branch, tag) to build; absent means the default branch's head. */
  commit: z.string().optional(),
  /** The folder holding the Containerfile or Dockerfile, relative to the repository. */
  directory: z.string().optional(),
});
export type BuildSpec = z.infer<typeof BuildSpecSchema>;

export const CatalogEntrySchema = z.object({
  /** Stable slug: the same server keeps it across refreshes and restarts. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** The source's own name for the server. */
  name: z.string().min(1),
  title: z.string(),
  description: z.string(),
  /** The source the entry came from first; `sources` lists all of them. */
  source: z.string(),
  sources: z.array(z.string()).min(1),
  repo_url: z.string().nullable(),
  /** The folder of the repository that holds the server (monorepos), e.g. `src/memory`. */
  repo_subfolder: z.string().nullable().default(null),
  /** The server's own web page, when a source names one apart from the repository. */
  homepage: z.string().nullable().default(null),
  /** Where each source shows this server (source name -> URL), for people to follow. */
  links: z.record(z.string(), z.string()).default({}),
  /** Other ids that lead to this entry: the ids its sources gave it before merging. */
  aliases: z.array(z.string()).default([]),
  container_image: z.string().nullable(),
  icon: z.string().nullable().default(null),
  categories: z.array(z.string()),
  tags: z.array(z.string()),
  official: z.boolean(),
  featured: z.boolean(),
  requires_api_key: z.boolean(),
  tools: z.array(ToolInfoSchema),
  /** True when the server announces its tools only once running. */
  dynamic_tools: z.boolean().default(false),
  launch_method: LaunchMethodSchema,
  /** ISO 8601 time of the refresh that produced this entry. */
  last_refreshed: z.string(),
  run: RunSpecSchema,
  config: ConfigSpecSchema,
  remote: RemoteSpecSchema.nullable(),
  /** For `launch_method: build`; null otherwise (and in entries cached before it existed). */
  build: BuildSpecSchema.nullable().default(null),
  oauth: z.array(OAuthSchema).default([]),
  /** What the source file got wrong; the entry loaded anyway. */
  warnings: z.array(z.string()).default([]),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

/**
 * Checks a candidate entry; the error is one line naming the first bad field, for a source's
 * `errors` (e.g. `'repo_url': expected string, received number`).
 */
export function checkEntry(candidate: unknown): { entry: CatalogEntry } | { error: string } {
  const parsed = CatalogEntrySchema.safeParse(candidate);
  if (parsed.success) return { entry: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `'${issue.path.join(".")}': ` : "";
  return { error: `${where}${issue?.message ?? "invalid"}`.replace(/\s+/g, " ") };
}

/**
 * An entry with only `id` and what the caller gives; everything else empty or false. For
 * placeholders (a remembered server that left the catalog) and for tests.
 */
export function minimalEntry(
  fields: Partial<z.input<typeof CatalogEntrySchema>> & { id: string },
): CatalogEntry {
  return CatalogEntrySchema.parse({
    name: fields.id,
    title: fields.id,
    description: "",
    source: "",
    sources: [fields.source ?? ""],
    repo_url: null,
    container_image: null,
    categories: [],
    tags: [],
    official: false,
    featured: false,
    requires_api_key: false,
    tools: [],
    launch_method: "podman",
    last_refreshed: "",
    run: {},
    config: {},
    remote: null,
    ...fields,
  });
}

/**
 * The same entry under another id: secret names (`<id>.<env>`) and parameter templates
 * (`{{<id>.param}}`) follow, since both are built from the id. The merge uses it when a merged
 * entry keeps another id than its source gave (so stored settings stay under the merged id), and
 * sources that re-id their entries.
 */
export function withId(entry: CatalogEntry, id: string): CatalogEntry {
  if (entry.id === id) return entry;
  const from = `{{${entry.id}.`;
  const to = `{{${id}.`;
  const retemplate = (value: string) => value.replaceAll(from, to);
  return {
    ...entry,
    id,
    run: {
      ...entry.run,
      command: entry.run.command.map(retemplate),
      env: Object.fromEntries(Object.entries(entry.run.env).map(([k, v]) => [k, retemplate(v)])),
    },
    config: {
      ...entry.config,
      env: entry.config.env.map((e) =>
        e.value === undefined ? e : { ...e, value: retemplate(e.value) }
      ),
      secrets: entry.config.secrets.map((s) =>
        s.name.startsWith(`${entry.id}.`)
          ? { ...s, name: `${id}.${s.name.slice(entry.id.length + 1)}` }
          : s
      ),
    },
  };
}

/** Words that make a name a credential's (`API_KEY`, `accessToken`, `DB_PASSWORD`). */
const SECRET_WORDS = new Set(["key", "pat", "creds"]);
/** Word endings that do the same, for run-together names (`githubtoken`, `dreamfactoryapikey`). */
const SECRET_ENDINGS = [
  "token",
  "secret",
  "secrets",
  "password",
  "passwd",
  "passphrase",
  "credential",
  "credentials",
  "authorization",
  "apikey",
  "secretkey",
  "privatekey",
  "accesskey",
];
/** Credential words that count only as the last word (`DB_PASS`, not `PASS_THROUGH`). */
const SECRET_LAST_WORDS = new Set(["pass", "pwd"]);
/** A word before the credential word that makes it something else (`PUBLIC_KEY`, `MAX_TOKEN`). */
const NOT_SECRET_BEFORE = new Set([
  "public",
  "sort",
  "partition",
  "primary",
  "foreign",
  "cache",
  "routing",
  "range",
  "idempotency",
  "lookup",
  "object",
  "row",
  "hot",
  "max",
  "min",
  "num",
  "next",
  "page",
  "pagination",
  "continuation",
]);
/** A last word saying the value is about the credential, not the credential (`TOKEN_URL`). */
const NOT_SECRET_LAST = new Set([
  "id",
  "ids",
  "name",
  "names",
  "url",
  "uri",
  "endpoint",
  "server",
  "host",
  "port",
  "path",
  "file",
  "filename",
  "dir",
  "directory",
  "location",
  "limit",
  "limits",
  "count",
  "size",
  "length",
  "len",
  "type",
  "kind",
  "mode",
  "format",
  "header",
  "expiry",
  "expires",
  "expiration",
  "ttl",
  "timeout",
  "lifetime",
  "enabled",
  "enable",
  "disabled",
  "required",
  "env",
  "var",
  "prefix",
  "suffix",
  "field",
  "param",
  "scope",
  "scopes",
  "audience",
  "issuer",
  "region",
  "version",
  "algorithm",
  "provider",
  "source",
  "hint",
  "label",
  "policy",
]);

/** The words of a name: `API_KEY`, `apiKey`, `x-api-key` and `APIKey` all give api, key. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])|([0-9])([A-Za-z])/g, "$1$3 $2$4")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

/**
 * True when a setting's name says it holds a credential: a word (not a substring) that is key,
 * token, secret, password, passwd, credential(s), authorization or a run-together form of one
 * (`apikey`, `githubtoken`); `pass` and `pwd` only as the last word. Not when the last word says
 * the value is about the credential (`AWS_ACCESS_KEY_ID`, `TOKEN_URL`, `API_KEY_FILE`,
 * `RESPONSE_TOKEN_LIMIT`) or the word before it makes it something else (`PUBLIC_KEY`,
 * `SORT_KEY`, `MAX_TOKEN`). So `KEYWORDS`, `monkey` and `TOKENIZER_MODEL` are not secrets.
 * Settings so named are stored and masked as secrets, whatever the catalog declares.
 */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  while (words.length > 1 && /^[0-9]+$/.test(words.at(-1)!)) words.pop(); // `TOKEN_2`
  if (words.length === 0 || NOT_SECRET_LAST.has(words.at(-1)!)) return false;
  return words.some((word, i) => {
    const last = i === words.length - 1;
    const secret = SECRET_WORDS.has(word) || SECRET_ENDINGS.some((e) => word.endsWith(e)) ||
      (last && i > 0 && SECRET_LAST_WORDS.has(word));
    return secret && !(i > 0 && NOT_SECRET_BEFORE.has(words[i - 1]!));
  });
}
