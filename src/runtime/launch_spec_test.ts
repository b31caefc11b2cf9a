import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { type CatalogEntry, minimalEntry } from "../catalog/entry.ts";
import { config, entry, snapshot } from "./_test_entries.ts";
import {
  buildLaunchSpec,
  checkVolume,
  configKeys,
  LaunchError,
  type LaunchSpec,
  missingConfig,
  normalizePath,
  resolveKey,
} from "./launch_spec.ts";

/** A minimal podman entry for what the catalog lacks; `run` and `config` as a source writes them. */
function handMade(
  fields: { run?: Record<string, unknown>; config?: Record<string, unknown> } = {},
): CatalogEntry {
  return minimalEntry({
    id: "hand-made",
    title: "Hand made",
    source: "test",
    container_image: "localhost/test/hand-made",
    last_refreshed: "2026-01-01T00:00:00.000Z",
    run: (fields.run ?? {}) as never,
    config: (fields.config ?? {}) as never,
  });
}

/** Asserts that `fn` throws a `LaunchError` whose message matches `pattern`. */
function throwsLaunchError(fn: () => unknown, pattern: RegExp | string) {
  throws(fn, (error: unknown) => {
    ok(error instanceof LaunchError, `expected a LaunchError, got ${error}`);
    if (typeof pattern === "string") {
      ok(error.message.includes(pattern), `"${error.message}" does not contain "${pattern}"`);
    } else {
      match(error.message, pattern);
    }
    return true;
  });
}

const aksParams = { azure_dir: "/home/u/.azure", kubeconfig: "/home/u/.kube/config" };

// --- configKeys() ---------------------------------------------------------------------------

Deno.test("`configKeys()` lists github-official's token as a required secret with its variable", () => {
  const [key, ...rest] = configKeys(entry("github-official"));
  deepEqual(rest, []);
  equal(key?.key, "github.personal_access_token");
  equal(key?.kind, "secret");
  equal(key?.required, true);
  equal(key?.env, "GITHUB_PERSONAL_ACCESS_TOKEN");
  equal(key?.example, "<YOUR_TOKEN>");
  match(key?.description ?? "", /personal access token/);
});

Deno.test("`configKeys()` marks a secret with `required: false` (context7) as optional", () => {
  deepEqual(configKeys(entry("context7")), [{
    key: "context7.api_key",
    kind: "secret",
    required: false,
    env: "CONTEXT7_API_KEY",
    example: "<YOUR_API_KEY>",
  }]);
});

Deno.test("`configKeys()` takes aks's parameters from its JSON schema, required only without default", () => {
  const keys = configKeys(entry("aks"));
  deepEqual(keys.map((k) => [k.key, k.kind, k.required]), [
    ["azure_dir", "parameter", true],
    ["kubeconfig", "parameter", true],
    ["access_level", "parameter", false], // in `required`, but the schema has a default
    ["allow_namespaces", "parameter", false],
    ["additional_tools", "parameter", false],
    ["container_user", "parameter", false],
  ]);
  const accessLevel = keys.find((k) => k.key === "access_level")!;
  equal(accessLevel.example, '"readonly"');
  equal(accessLevel.schema?.type, "string");
  match(accessLevel.description ?? "", /readonly, readwrite, admin/);
});

Deno.test("`configKeys()` makes kgrag-mcp-server's defaulted parameters optional", () => {
  const keys = configKeys(entry("kgrag-mcp-server"));
  equal(keys.length, 13);
  ok(keys.every((k) => !k.required));
  // Named like credentials, two are secrets; AWS_ACCESS_KEY_ID's parameter names a key (an id).
  deepEqual(keys.filter((k) => k.kind === "secret").map((k) => [k.key, k.env]), [
    ["api_key", "API_KEY"],
    ["aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"],
  ]);
  equal(keys.find((k) => k.key === "aws_access_key_id")?.kind, "parameter");
  equal(keys.find((k) => k.key === "temperature")?.example, "0.5");
  equal(keys.find((k) => k.key === "api_key")?.example, undefined);
});

Deno.test("`configKeys()` offers novita's env item without a value as a secret: its name says key", () => {
  deepEqual(configKeys(entry("novita")), [{
    key: "NOVITA_API_KEY",
    kind: "secret",
    required: true,
    env: "NOVITA_API_KEY",
  }]);
});

Deno.test("`configKeys()` does not offer env items whose value is a template", () => {
  // uberall's UBERALL_URL and kgrag-mcp-server's 13 variables are filled from parameters.
  deepEqual(configKeys(entry("uberall")).map((k) => [k.key, k.kind, k.required]), [
    ["uberall.access_token", "secret", true],
    ["uberall_access_token", "secret", true],
    ["uberall_url", "parameter", false],
  ]);
  ok(configKeys(entry("kgrag-mcp-server")).every((k) => k.kind !== "env"));
});

Deno.test("`configKeys()` is empty for entries without settings (memory, curl)", () => {
  deepEqual(configKeys(entry("memory")), []);
  deepEqual(configKeys(entry("curl")), []);
});

Deno.test("`configKeys()` offers an OAuth entry's token (notion-remote) as an optional secret", () => {
  const keys = configKeys(entry("notion-remote"));
  deepEqual(keys.map((k) => [k.key, k.kind, k.required, k.env]), [
    ["notion-remote.personal_access_token", "secret", false, "NOTION_REMOTE_PERSONAL_ACCESS_TOKEN"],
  ]);
});

// --- resolveKey() ---------------------------------------------------------------------------

Deno.test("`resolveKey()` finds a secret by its name and by its environment variable", () => {
  const github = entry("github-official");
  equal(resolveKey(github, "github.personal_access_token")?.key, "github.personal_access_token");
  equal(resolveKey(github, "GITHUB_PERSONAL_ACCESS_TOKEN")?.key, "github.personal_access_token");
  equal(resolveKey(entry("sentry"), "SENTRY_AUTH_TOKEN")?.key, "sentry.auth_token");
});

Deno.test("`resolveKey()` finds a parameter by its name and as `<entry.name>.<param>`", () => {
  const aks = entry("aks");
  equal(resolveKey(aks, "access_level")?.kind, "parameter");
  equal(resolveKey(aks, "aks.access_level")?.key, "access_level");
  equal(resolveKey(entry("kgrag-mcp-server"), "kgrag-mcp-server.api_key")?.key, "api_key");
  equal(resolveKey(entry("filesystem"), "filesystem.paths")?.key, "paths");
  equal(resolveKey(entry("novita"), "NOVITA_API_KEY")?.kind, "secret");
  // A parameter that is a secret by its name: by name, as `<server>.<param>`, by its variable.
  const kgrag = entry("kgrag-mcp-server");
  equal(resolveKey(kgrag, "kgrag-mcp-server.api_key")?.kind, "secret");
  equal(resolveKey(kgrag, "API_KEY")?.key, "api_key");
});

Deno.test("`resolveKey()` returns undefined for a key the entry does not declare", () => {
  equal(resolveKey(entry("github-official"), "github.token"), undefined);
  equal(resolveKey(entry("github-official"), "GITHUB_TOKEN"), undefined);
  equal(resolveKey(entry("aks"), "aks.unknown"), undefined);
  equal(resolveKey(entry("aks"), "filesystem.paths"), undefined);
  equal(resolveKey(entry("memory"), "anything"), undefined);
  // `<entry.name>.` reaches parameters only, not env items.
  equal(resolveKey(entry("novita"), "novita.NOVITA_API_KEY"), undefined);
});

// --- missingConfig() ------------------------------------------------------------------------

Deno.test("`missingConfig()` lists github-official's token until it is set", () => {
  const github = entry("github-official");
  deepEqual(missingConfig(github, config()).map((k) => k.key), ["github.personal_access_token"]);
  deepEqual(
    missingConfig(github, config({ secrets: { "github.personal_access_token": "" } })).map((k) =>
      k.key
    ),
    ["github.personal_access_token"],
  );
  deepEqual(
    missingConfig(github, config({ secrets: { "github.personal_access_token": "ghp_x" } })),
    [],
  );
});

Deno.test("`missingConfig()` lists a required parameter without default, and an empty array counts as missing", () => {
  // filesystem's schema with its placeholder default (/Users/local-test) taken out.
  const filesystem = structuredClone(entry("filesystem"));
  const properties = filesystem.config.parameters!.properties as Record<
    string,
    { default?: unknown }
  >;
  delete properties.paths!.default;
  deepEqual(missingConfig(filesystem, config()).map((k) => k.key), ["paths"]);
  deepEqual(missingConfig(filesystem, config({ params: { paths: [] } })).map((k) => k.key), [
    "paths",
  ]);
  deepEqual(missingConfig(filesystem, config({ params: { paths: ["/tmp/a"] } })), []);
});

Deno.test("`missingConfig()` does not list the real filesystem entry's paths: its catalog default applies", () => {
  // ARCHITECTURE.md: required parameters with a catalog default are not "missing".
  deepEqual(missingConfig(entry("filesystem"), config()), []);
});

Deno.test("`missingConfig()` lists aks's host paths, novita's env item and uberall's secret", () => {
  deepEqual(missingConfig(entry("aks"), config()).map((k) => k.key), ["azure_dir", "kubeconfig"]);
  deepEqual(
    missingConfig(entry("aks"), config({ params: { ...aksParams, azure_dir: "" } })).map((k) =>
      k.key
    ),
    ["azure_dir"],
  );
  deepEqual(missingConfig(entry("aks"), config({ params: aksParams })), []);
  deepEqual(missingConfig(entry("novita"), config()).map((k) => k.kind), ["secret"]);
  deepEqual(missingConfig(entry("novita"), config({ secrets: { NOVITA_API_KEY: "k" } })), []);
  // Where an older version stored it still counts.
  deepEqual(missingConfig(entry("novita"), config({ env: { NOVITA_API_KEY: "k" } })), []);
  deepEqual(missingConfig(entry("uberall"), config()).map((k) => k.key), [
    "uberall.access_token",
    "uberall_access_token",
  ]);
  deepEqual(missingConfig(entry("context7"), config()), []);
  deepEqual(missingConfig(entry("memory"), config()), []);
});

// --- buildLaunchSpec() ----------------------------------------------------------------------

Deno.test("`buildLaunchSpec()` gives memory its image in full, its named volume and no env", () => {
  deepEqual(buildLaunchSpec(entry("memory"), config()), {
    image: "docker.io/mcp/memory",
    command: [],
    env: {},
    volumes: ["claude-memory:/app/dist"],
    user: null,
    disableNetwork: false,
  });
});

Deno.test("`buildLaunchSpec()` fills the filesystem entry's paths into command and volumes", () => {
  deepEqual(
    buildLaunchSpec(entry("filesystem"), config({ params: { paths: ["/tmp/a", "/tmp/b"] } })),
    {
      image: "docker.io/mcp/filesystem",
      command: ["/tmp/a", "/tmp/b"],
      env: {},
      volumes: ["/tmp/a:/tmp/a", "/tmp/b:/tmp/b"],
      user: null,
      disableNetwork: true,
    },
  );
});

Deno.test("`buildLaunchSpec()` uses the filesystem entry's catalog default when no paths are set", () => {
  const spec = buildLaunchSpec(entry("filesystem"), config());
  deepEqual(spec.command, ["/Users/local-test"]);
  deepEqual(spec.volumes, ["/Users/local-test:/Users/local-test"]);
});

Deno.test("`buildLaunchSpec()` puts github-official's secret in env under its variable", () => {
  const spec = buildLaunchSpec(
    entry("github-official"),
    config({ secrets: { "github.personal_access_token": "ghp_s3cret" } }),
  );
  equal(spec.image, "ghcr.io/github/github-mcp-server");
  deepEqual(spec.env, { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_s3cret" });
  deepEqual(spec.command, []);
});

Deno.test("`buildLaunchSpec()` expands notion's $INTERNAL_INTEGRATION_TOKEN into OPENAPI_MCP_HEADERS", () => {
  const spec = buildLaunchSpec(
    entry("notion"),
    config({ secrets: { "notion.internal_integration_token": "ntn_s3cret" } }),
  );
  equal(spec.env.INTERNAL_INTEGRATION_TOKEN, "ntn_s3cret");
  deepEqual(JSON.parse(spec.env.OPENAPI_MCP_HEADERS!), {
    Authorization: "Bearer ntn_s3cret",
    "Notion-Version": "2022-06-28",
  });
  deepEqual(spec.command, []);
});

Deno.test("`buildLaunchSpec()` fills aks's command templates, user and volumes from its parameters", () => {
  const spec = buildLaunchSpec(
    entry("aks"),
    config({
      params: { ...aksParams, allow_namespaces: "default,prod", container_user: "1000:1000" },
    }),
  );
  deepEqual(spec, {
    image: "docker.io/mcp/aks",
    command: [
      "--transport=stdio",
      "--access-level=readonly", // the schema's default
      "--allow-namespaces=default,prod",
      "--additional-tools=",
    ],
    env: {},
    volumes: ["/home/u/.azure:/home/mcp/.azure", "/home/u/.kube/config:/home/mcp/.kube/config"],
    user: "1000:1000",
    disableNetwork: false,
  });
  const admin = buildLaunchSpec(
    entry("aks"),
    config({ params: { ...aksParams, access_level: "admin" } }),
  );
  equal(admin.command[1], "--access-level=admin");
  equal(admin.user, null);
});

Deno.test("`buildLaunchSpec()` fills kgrag-mcp-server's env from defaults and leaves empty ones out", () => {
  const spec = buildLaunchSpec(entry("kgrag-mcp-server"), config({ params: { api_key: "sk-1" } }));
  equal(spec.env.LLM_MODEL_TYPE, "ollama");
  equal(spec.env.TEMPERATURE, "0.5");
  equal(spec.env.API_KEY, "sk-1");
  ok(!("AWS_ACCESS_KEY_ID" in spec.env));
  ok(!("AWS_BUCKET_NAME" in spec.env));
  deepEqual(spec.command, []);
});

Deno.test("`buildLaunchSpec()` gives uberall its secret and the URL parameter's default", () => {
  const spec = buildLaunchSpec(
    entry("uberall"),
    config({ secrets: { "uberall.access_token": "tok" }, params: { uberall_access_token: "tok" } }),
  );
  deepEqual(spec.env, {
    UBERALL_ACCESS_TOKEN: "tok",
    UBERALL_URL: "https://sandbox.uberall.com",
  });
});

Deno.test("`buildLaunchSpec()` passes novita's user-set env item", () => {
  const spec = buildLaunchSpec(entry("novita"), config({ env: { NOVITA_API_KEY: "nv-key" } }));
  deepEqual(spec.env, { NOVITA_API_KEY: "nv-key" });
});

Deno.test("`buildLaunchSpec()` refuses sentry: its secret would go on the command line", () => {
  throwsLaunchError(
    () =>
      buildLaunchSpec(entry("sentry"), config({ secrets: { "sentry.auth_token": "sntrys_x" } })),
    /sentry passes the secret SENTRY_AUTH_TOKEN on the container's command line/,
  );
});

Deno.test("`buildLaunchSpec()` refuses a secret inside a command argument, with or without braces", () => {
  for (const arg of ["--token=${TOKEN}", "Bearer $TOKEN", "${TOKEN}"]) {
    const spec = handMade({
      run: { command: ["serve", arg] },
      config: { secrets: [{ name: "hand-made.token", env: "TOKEN" }] },
    });
    throwsLaunchError(
      () => buildLaunchSpec(spec, config({ secrets: { "hand-made.token": "s3cret" } })),
      "passes the secret TOKEN",
    );
  }
});

Deno.test("`buildLaunchSpec()` expands a non-secret variable in the command", () => {
  const spec = handMade({
    run: { command: ["--mode=$MODE", "--x=${UNSET}"], env: { MODE: "fast" } },
  });
  deepEqual(buildLaunchSpec(spec, config()).command, ["--mode=fast", "--x="]);
});

Deno.test("`buildLaunchSpec()` names the missing required key", () => {
  throwsLaunchError(
    () => buildLaunchSpec(entry("github-official"), config()),
    "github-official needs github.personal_access_token first",
  );
  throwsLaunchError(
    () => buildLaunchSpec(entry("aks"), config({ params: { azure_dir: "/home/u/.azure" } })),
    "aks needs kubeconfig first",
  );
  throwsLaunchError(() => buildLaunchSpec(entry("sentry"), config()), "sentry.auth_token");
  throwsLaunchError(() => buildLaunchSpec(entry("novita"), config()), "NOVITA_API_KEY");
});

Deno.test("`buildLaunchSpec()` refuses an entry without container image", () => {
  throwsLaunchError(
    () => buildLaunchSpec(entry("context7"), config()),
    "context7 has no container image in the catalog",
  );
  throwsLaunchError(() => buildLaunchSpec(entry("notion-remote"), config()), "no container image");
});

Deno.test("`buildLaunchSpec()` refuses reserved environment names", () => {
  for (
    const name of [
      "PATH",
      "LD_PRELOAD",
      "CONTAINERS_CONF",
      "HOME",
      "XDG_RUNTIME_DIR",
      "https_proxy",
    ]
  ) {
    throwsLaunchError(
      () => buildLaunchSpec(handMade({ run: { env: { [name]: "/x" } } }), config()),
      `declares the environment variable "${name}"`,
    );
  }
  const secret = handMade({
    config: { secrets: [{ name: "hand-made.s", env: "LD_LIBRARY_PATH" }] },
  });
  throwsLaunchError(
    () => buildLaunchSpec(secret, config({ secrets: { "hand-made.s": "/tmp" } })),
    '"LD_LIBRARY_PATH"',
  );
  const userEnv = handMade({ config: { env: [{ name: "PODMAN_USERNS" }] } });
  throwsLaunchError(
    () => buildLaunchSpec(userEnv, config({ env: { PODMAN_USERNS: "host" } })),
    '"PODMAN_USERNS"',
  );
});

Deno.test("`buildLaunchSpec()` refuses invalid environment names", () => {
  for (const name of ["9LIVES", "A-B", "A=B", "WITH SPACE", "X".repeat(129)]) {
    throwsLaunchError(
      () => buildLaunchSpec(handMade({ run: { env: { [name]: "v" } } }), config()),
      "not a valid name",
    );
  }
  // Lower case and long-but-allowed names pass.
  const fine = handMade({ run: { env: { path_hint: "a", ["X".repeat(128)]: "b" } } });
  deepEqual(Object.keys(buildLaunchSpec(fine, config()).env).length, 2);
});

Deno.test("`buildLaunchSpec()` refuses a user value that would be read as an option or a shell", () => {
  for (const user of ["--privileged", "root;rm", "-u0", "a b", "0:0:0"]) {
    throwsLaunchError(
      () =>
        buildLaunchSpec(entry("aks"), config({ params: { ...aksParams, container_user: user } })),
      `the container user "${user}"`,
    );
  }
  throwsLaunchError(
    () =>
      buildLaunchSpec(
        entry("aks"),
        config({ params: { ...aksParams, azure_dir: "--privileged" } }),
      ),
    'starts with "-"',
  );
  throwsLaunchError(
    () => buildLaunchSpec(entry("filesystem"), config({ params: { paths: ["--privileged"] } })),
    'starts with "-"',
  );
});

Deno.test("`buildLaunchSpec()` refuses user paths that are relative or smuggle a colon", () => {
  throwsLaunchError(
    () => buildLaunchSpec(entry("filesystem"), config({ params: { paths: ["/tmp/a", "../etc"] } })),
    "is not absolute",
  );
  throwsLaunchError(
    () => buildLaunchSpec(entry("filesystem"), config({ params: { paths: ["relative/dir"] } })),
    "is not absolute",
  );
  throwsLaunchError(
    () => buildLaunchSpec(entry("filesystem"), config({ params: { paths: ["/tmp/a:/etc"] } })),
    "expected source:target[:mode]",
  );
  // aks puts its own target after the path: "/etc:/x" would make "/x" the target and the rest a mode.
  throwsLaunchError(
    () =>
      buildLaunchSpec(
        entry("aks"),
        config({ params: { ...aksParams, azure_dir: "/home/u:/root" } }),
      ),
    "unknown mode",
  );
});

Deno.test("`buildLaunchSpec()` drops a volume whose template is empty", () => {
  const spec = handMade({
    run: { volumes: ["{{hand-made.cache|volume|into}}", "data:/data"] },
    config: { parameters: { type: "object", properties: { cache: { type: "array" } } } },
  });
  deepEqual(buildLaunchSpec(spec, config()).volumes, ["data:/data"]);
  deepEqual(buildLaunchSpec(spec, config({ params: { cache: ["/srv/c"] } })).volumes, [
    "/srv/c:/srv/c",
    "data:/data",
  ]);
});

Deno.test("`buildLaunchSpec()` builds or refuses with a LaunchError every podman entry of the Docker catalog", () => {
  let built = 0;
  for (const e of snapshot.entries) {
    if (!e.container_image) continue;
    const values = config();
    for (const key of configKeys(e)) {
      if (key.kind === "secret") values.secrets[key.key] = `secret-value-${key.env}`;
      else if (key.kind === "env") values.env[key.key] = "env-value";
      else if (key.required) {
        values.params[key.key] = key.schema?.type === "array" ? ["/tmp/x"] : "/tmp/p";
      }
    }
    let spec: LaunchSpec;
    try {
      spec = buildLaunchSpec(e, values);
    } catch (error) {
      ok(error instanceof LaunchError, `${e.id}: ${error}`);
      continue;
    }
    built++;
    ok(spec.image.includes("/"), `${e.id}: image ${spec.image}`);
    for (const arg of spec.command) ok(!arg.includes("secret-value-"), `${e.id} leaks ${arg}`);
  }
  ok(built >= 200, `only ${built} entries built`);
});

// --- Product bugs: these assert the correct behaviour and fail until fixed ------------------

Deno.test("`buildLaunchSpec()` passes a user-set env value literally, `$` and `{{` included", () => {
  for (const value of ["nv-a$b${c}d", "nv-{{novita.x}}"]) {
    const spec = buildLaunchSpec(entry("novita"), config({ env: { NOVITA_API_KEY: value } }));
    deepEqual(spec.env, { NOVITA_API_KEY: value });
  }
});

Deno.test("`buildLaunchSpec()` fills atlassian's nested parameters (`atlassian.confluence.url`)", () => {
  const secrets = Object.fromEntries(
    configKeys(entry("atlassian")).filter((k) => k.kind === "secret").map((k) => [k.key, "t"]),
  );
  const spec = buildLaunchSpec(
    entry("atlassian"),
    config({
      params: { confluence: { url: "https://acme.atlassian.net/wiki", username: "me@acme.com" } },
      secrets,
    }),
  );
  equal(spec.env.CONFLUENCE_URL, "https://acme.atlassian.net/wiki");
  equal(spec.env.CONFLUENCE_USERNAME, "me@acme.com");
});

Deno.test("`buildLaunchSpec()` refuses a secret that reaches the command line through another variable", () => {
  const spec = handMade({
    run: { command: ["--header", "$AUTH_HEADER"], env: { AUTH_HEADER: "Bearer $TOKEN" } },
    config: { secrets: [{ name: "hand-made.token", env: "TOKEN" }] },
  });
  throwsLaunchError(
    () => buildLaunchSpec(spec, config({ secrets: { "hand-made.token": "s3cret" } })),
    "command line",
  );
});

// --- checkVolume(), normalizePath() --------------------------------------------------------

Deno.test("`checkVolume()` accepts a named volume unchanged", () => {
  equal(checkVolume("claude-memory:/app/dist", { id: "memory" }), "claude-memory:/app/dist");
  equal(checkVolume("data_1.v:/data:ro", { id: "x" }), "data_1.v:/data:ro");
});

Deno.test("`checkVolume()` accepts an absolute host path and normalizes it (what may be mounted is mount_policy's)", () => {
  equal(checkVolume("/home/u/work/:/work", { id: "x" }), "/home/u/work:/work");
  equal(checkVolume("/tmp/a:/x:ro", { id: "x" }), "/tmp/a:/x:ro");
  equal(checkVolume("/home/u/work:/work:rw,Z", { id: "x" }), "/home/u/work:/work:rw,Z");
});

Deno.test("`checkVolume()` refuses unsafe or malformed volumes with a message naming the volume", () => {
  const cases: [string, string][] = [
    ["relative/dir:/x", 'the host path "relative/dir" is not absolute'],
    ["./dir:/x", "is not absolute"],
    [":/x", 'the host path "" is not absolute'],
    ["-v/etc:/x", 'starts with "-"'],
    ["--privileged", 'starts with "-"'],
    ["/home/u/../../etc:/x", 'not in normal form (use "/etc")'],
    ["/home/u/./a:/x", 'not in normal form (use "/home/u/a")'],
    ["//etc:/x", "not in normal form"],
    ["/tmp/a\0:/x", "control characters"],
    ["/tmp/a\n:/x", "control characters"],
    ["/tmp/a\r:/x", "control characters"],
    ["/tmp/a\u001b[2J:/x", "control characters"],
    ["../../../../../../../..:/host", "is not absolute"],
    ["..:/host", "is not absolute"],
    ["~/x:/x", "is not absolute"],
    ["/tmp/a", "expected source:target[:mode]"],
    ["a:/b:ro:x", "expected source:target[:mode]"],
    ["/tmp/a:/b:ro:x", "expected source:target[:mode]"],
    ["/tmp/a:relative", 'the container path "relative" is not absolute'],
    ["vol:", 'the container path "" is not absolute'],
    ["/tmp/a:/x:rx", 'unknown mode "rx"'],
    ["/tmp/a:/x:", 'unknown mode ""'],
    ["vol:/x:ro,shared", "unknown mode"],
  ];
  for (const [spec, why] of cases) {
    throwsLaunchError(
      () => checkVolume(spec, { id: "filesystem" }),
      `filesystem: volume "${spec}" refused: `,
    );
    throwsLaunchError(() => checkVolume(spec, { id: "filesystem" }), why);
  }
});

Deno.test("`normalizePath()` resolves `.` and `..` and drops doubled and trailing slashes", () => {
  equal(normalizePath("/a/./b//c/"), "/a/b/c");
  equal(normalizePath("/a/b/../c"), "/a/c");
  equal(normalizePath("/home/u/../../etc"), "/etc");
  equal(normalizePath("/../../x"), "/x");
  equal(normalizePath("/"), "/");
  equal(normalizePath(""), "/");
  equal(normalizePath("a/b"), "/a/b");
});
