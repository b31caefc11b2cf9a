/**
 * Prepares an ordinary user whose rootless Podman the rootless test runs the registry with
 * (tests/integration/rootless_test.ts), as users run it on Fedora: its own uid, subordinate uid
 * and gid ranges, a runtime folder, its own image store holding the test images, and a copy of
 * Deno's npm cache it can read.
 *
 *   deno run -A scripts/setup_rootless.ts     # as root; .ci/run runs it
 *
 * Idempotent: a second run changes nothing and takes about a second. Needs root, podman,
 * setpriv (util-linux), useradd/usermod and newuidmap/newgidmap (Debian `uidmap`), and the test
 * images in root's store (scripts/build_test_images.ts).
 *
 * @module
 */

/** The user the rootless test runs the registry as. */
export const ROOTLESS_USER = "mcp-rootless";

/** The images the rootless test runs, copied from root's store into the user's. */
export const ROOTLESS_IMAGES: readonly string[] = ["docker.io/mcp/memory:latest"];

/** Subordinate ids given to the user when it has none. */
const SUBORDINATE_IDS = "200000-265535";

/**
 * The user's storage: Podman's native rootless overlay (Fedora's default); Debian's Podman
 * would otherwise pick vfs, which copies the whole image for every container.
 */
const STORAGE_CONF = '# Written by scripts/setup_rootless.ts\n[storage]\ndriver = "overlay"\n';

/** The repository's root folder, the registry's working directory. */
const ROOT = new URL("../", import.meta.url).pathname;

/** The prepared user, and where its things are. */
export interface RootlessUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Its `XDG_RUNTIME_DIR` (`/run/user/<uid>`). */
  runtimeDir: string;
  /** Its `DENO_DIR`, holding a copy of root's npm cache. */
  denoDir: string;
}

/** The user named `name` from the passwd database, or null when there is none. */
export async function findUser(name: string = ROOTLESS_USER): Promise<RootlessUser | null> {
  const out = await new Deno.Command("getent", { args: ["passwd", name], stdout: "piped" })
    .output();
  if (!out.success) return null;
  const fields = new TextDecoder().decode(out.stdout).trim().split(":");
  const uid = Number(fields[2]);
  const home = fields[5] ?? "";
  return {
    name,
    uid,
    gid: Number(fields[3]),
    home,
    runtimeDir: `/run/user/${uid}`,
    denoDir: `${home}/.cache/deno`,
  };
}

/** The whole environment of a process of `user`: its own variables, nothing of root's. */
export function userEnv(
  user: RootlessUser,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
    PATH: "/usr/local/bin:/usr/bin:/bin",
    XDG_RUNTIME_DIR: user.runtimeDir,
    DENO_DIR: user.denoDir,
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * `[command, ...args]` running `argv` as `user` with exactly `env` (setpriv and env both exec,
 * so the process keeps the pid it was spawned with).
 */
export function asUser(user: RootlessUser, env: Record<string, string>, argv: string[]): string[] {
  return [
    "setpriv",
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    "--init-groups",
    "--",
    "env",
    "-i",
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...argv,
  ];
}

/** Runs `argv` (as `user` when given) and returns its stdout; throws with its stderr. */
export async function run(
  argv: string[],
  { user, env = {} }: { user?: RootlessUser; env?: Record<string, string> } = {},
): Promise<string> {
  const full = user ? asUser(user, userEnv(user, env), argv) : argv;
  const out = await new Deno.Command(full[0]!, {
    args: full.slice(1),
    // The user may not enter the checkout (a clone under a private folder): it needs no cwd.
    cwd: user ? "/" : ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  if (!out.success) {
    const who = user ? ` (as ${user.name})` : "";
    throw new Error(`${argv.join(" ")}${who} failed: ${text(out.stderr) || `exit ${out.code}`}`);
  }
  return text(out.stdout);
}

/** podman's variables for the user: the sandbox's containers.conf when CONTAINERS_CONF is set. */
export function podmanEnv(user?: RootlessUser): Record<string, string> {
  const conf = Deno.env.get("CONTAINERS_CONF");
  if (!conf) return {};
  // The user may not read the checkout's file (a clone under a private folder): it gets a copy.
  return { CONTAINERS_CONF: user ? userContainersConf(user) : conf };
}

/** Where the user's copy of `CONTAINERS_CONF` is kept (written by `setupRootless()`). */
function userContainersConf(user: RootlessUser): string {
  return `${user.home}/.config/containers/mcp-registry-test.conf`;
}

async function hasRange(file: string, user: RootlessUser): Promise<boolean> {
  const text = await Deno.readTextFile(file).catch(() => "");
  return text.split("\n").some((line) => {
    const owner = line.split(":")[0];
    return owner === user.name || owner === String(user.uid);
  });
}

/** Writes `text` to `path` (owned by `user`) unless it already holds it; true when written. */
async function writeOwned(user: RootlessUser, path: string, text: string): Promise<boolean> {
  if (await Deno.readTextFile(path).catch(() => null) === text) return false;
  await Deno.writeTextFile(path, text);
  await Deno.chown(path, user.uid, user.gid);
  return true;
}

/** `mkdir -p` whose new folders belong to `user`. */
async function mkdirOwned(user: RootlessUser, path: string, mode = 0o755): Promise<void> {
  const missing: string[] = [];
  for (let dir = path; dir.startsWith(user.home + "/"); dir = dir.slice(0, dir.lastIndexOf("/"))) {
    if (await Deno.stat(dir).then(() => true, () => false)) break;
    missing.unshift(dir);
  }
  await Deno.mkdir(path, { recursive: true, mode });
  for (const dir of missing) await Deno.chown(dir, user.uid, user.gid);
}

async function imageId(image: string, user?: RootlessUser): Promise<string | null> {
  try {
    return await run(["podman", "image", "inspect", "--format", "{{.Id}}", image], {
      user,
      env: podmanEnv(user),
    });
  } catch {
    return null;
  }
}

/** `podman save` as root piped into `podman load` as the user. */
async function copyImage(image: string, user: RootlessUser): Promise<void> {
  const save = new Deno.Command("podman", {
    args: ["save", "--quiet", image],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const load = asUser(user, userEnv(user, podmanEnv(user)), ["podman", "load", "--quiet"]);
  const loader = new Deno.Command(load[0]!, {
    args: load.slice(1),
    cwd: "/",
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await save.stdout.pipeTo(loader.stdin);
  const [saved, loaded] = await Promise.all([save.output(), loader.output()]);
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  if (!saved.success) throw new Error(`podman save ${image} failed: ${text(saved.stderr)}`);
  if (!loaded.success) {
    throw new Error(`podman load of ${image} (as ${user.name}) failed: ${text(loaded.stderr)}`);
  }
}

/**
 * Creates and prepares the user (see the module doc); returns it. `log` hears each change.
 * Throws, saying what failed, when any step fails or the user cannot run rootless Podman.
 */
export async function setupRootless(
  { name = ROOTLESS_USER, log = (_: string) => {} }: {
    /** @default "mcp-rootless" */
    name?: string;
    log?: (message: string) => void;
  } = {},
): Promise<RootlessUser> {
  if (Deno.uid() !== 0) throw new Error("scripts/setup_rootless.ts must run as root");

  let user = await findUser(name);
  if (!user) {
    await run(["useradd", "--create-home", "--user-group", "--shell", "/usr/sbin/nologin", name]);
    user = (await findUser(name))!;
    log(`created user ${name} (uid ${user.uid})`);
  }

  // Subordinate ids (useradd may have given some already, as Debian's and Fedora's do).
  let migrate = false;
  for (const [file, flag] of [["/etc/subuid", "--add-subuids"], ["/etc/subgid", "--add-subgids"]]) {
    if (await hasRange(file!, user)) continue;
    await run(["usermod", flag!, SUBORDINATE_IDS, name]);
    log(`gave ${name} the subordinate ids ${SUBORDINATE_IDS} in ${file}`);
    migrate = true;
  }

  // XDG_RUNTIME_DIR: made by systemd-logind on a login; here by hand (it is gone after a reboot).
  await Deno.mkdir(user.runtimeDir, { recursive: true, mode: 0o700 });
  await Deno.chown(user.runtimeDir, user.uid, user.gid);
  await Deno.chmod(user.runtimeDir, 0o700);

  const confDir = `${user.home}/.config/containers`;
  await mkdirOwned(user, confDir, 0o700);
  const conf = Deno.env.get("CONTAINERS_CONF");
  if (conf) await writeOwned(user, userContainersConf(user), await Deno.readTextFile(conf));
  if (await writeOwned(user, `${confDir}/storage.conf`, STORAGE_CONF)) {
    // A store made with another driver cannot be opened with this one.
    await run(["podman", "system", "reset", "--force"], { user, env: podmanEnv(user) });
    log(`set ${name}'s storage driver to overlay`);
  }
  if (migrate) await run(["podman", "system", "migrate"], { user, env: podmanEnv(user) });
  const rootless = await run(
    ["podman", "info", "--format", "{{.Host.Security.Rootless}} {{.Store.GraphDriverName}}"],
    { user, env: podmanEnv(user) },
  );
  if (rootless !== "true overlay") {
    throw new Error(`podman info as ${name} says "${rootless}", expected "true overlay"`);
  }

  for (const image of ROOTLESS_IMAGES) {
    const wanted = await imageId(image);
    if (!wanted) {
      throw new Error(`${image} is not in root's store: run scripts/build_test_images.ts first`);
    }
    if (await imageId(image, user) === wanted) continue;
    await copyImage(image, user);
    if (await imageId(image, user) !== wanted) {
      throw new Error(`${image} in ${name}'s store does not match root's after podman load`);
    }
    await run(["podman", "image", "prune", "--force"], { user, env: podmanEnv(user) });
    log(`loaded ${image} into ${name}'s store`);
  }

  // Deno's npm cache: root's may be private (/root is 0700), so the user gets a copy.
  await run([Deno.execPath(), "cache", "--frozen", "--quiet", "main.ts"]);
  const info = JSON.parse(await run([Deno.execPath(), "info", "--json"])) as { npmCache: string };
  await mkdirOwned(user, user.denoDir);
  await run(["cp", "--archive", "--update", info.npmCache, `${user.denoDir}/`]);
  await run(["chown", "--recursive", `${user.uid}:${user.gid}`, user.denoDir]);
  await using checkout = await readableCheckout();
  try {
    // With the copy complete this loads everything from it and fetches nothing.
    await run([Deno.execPath(), "cache", "--frozen", "--quiet", `${checkout.path}/main.ts`], {
      user,
    });
  } catch (error) {
    throw new Error(
      `${name} cannot run ${Deno.execPath()} on a copy of the registry in ${checkout.path} (the ` +
        `deno binary must be readable by others): ${(error as Error).message}`,
    );
  }
  return user;
}

/**
 * A copy of what the registry runs (`main.ts`, `deno.json`, `deno.lock`, `src/`) in a folder
 * every user may read, for the rootless user: the checkout itself may sit under a private
 * folder (a clone in `mktemp -d`). Disposing of it removes it.
 */
export async function readableCheckout(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "mcp-registry-rootless-" });
  await Deno.chmod(path, 0o755);
  await run(["cp", "--archive", "main.ts", "deno.json", "deno.lock", "src", `${path}/`]);
  await run(["chmod", "--recursive", "a+rX", path]);
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

if (import.meta.main) {
  const started = performance.now();
  const user = await setupRootless({ log: (m) => console.log(m) });
  const ms = Math.round(performance.now() - started);
  console.log(`rootless user ${user.name} (uid ${user.uid}) ready in ${ms} ms`);
}
