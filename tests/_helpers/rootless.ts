/**
 * The ordinary user of scripts/setup_rootless.ts, for tests that run the registry as that user
 * with rootless Podman, and its podman for tests to check on the registry.
 *
 * @module
 */
import {
  findUser,
  podmanEnv,
  ROOTLESS_IMAGES,
  ROOTLESS_USER,
  type RootlessUser,
  run,
} from "../../scripts/setup_rootless.ts";
import { HAS_PODMAN } from "./podman.ts";

export {
  asUser,
  podmanEnv,
  readableCheckout,
  type RootlessUser,
  userEnv,
} from "../../scripts/setup_rootless.ts";

/** Runs the user's podman and returns stdout (throws with podman's error). */
export function userPodman(user: RootlessUser, ...args: string[]): Promise<string> {
  return run(["podman", ...args], { user, env: podmanEnv(user) });
}

/** What is missing for the rootless test, or the prepared user. */
async function check(): Promise<RootlessUser | string> {
  if (Deno.uid() !== 0) return "the tests do not run as root, so they cannot run as another user";
  const user = await findUser(ROOTLESS_USER);
  if (!user) return `there is no user ${ROOTLESS_USER}`;
  const runtime = await Deno.stat(user.runtimeDir).catch(() => null);
  if (runtime?.uid !== user.uid) return `${user.runtimeDir} is missing or not ${user.name}'s`;
  if (!await Deno.stat(`${user.denoDir}/npm`).then(() => true, () => false)) {
    return `${user.name} has no copy of Deno's npm cache in ${user.denoDir}`;
  }
  for (const image of ROOTLESS_IMAGES) {
    try {
      await userPodman(user, "image", "exists", image);
    } catch {
      return `${image} is not in ${user.name}'s podman store`;
    }
  }
  return user;
}

/**
 * The prepared user, or null when the rootless test cannot run here. In CI, and whenever the
 * tests run as root (and so could set it up), anything missing is a failure, not a skip; a
 * developer's tests as an ordinary user skip it loudly.
 */
export const ROOTLESS: RootlessUser | null = await (async () => {
  if (!HAS_PODMAN) return null; // podman.ts said why (and failed in CI)
  const found = await check();
  if (typeof found !== "string") return found;
  const fix = "As root: deno run -A scripts/setup_rootless.ts (.ci/run does this)";
  if (Deno.uid() === 0 || Deno.env.get("CI")) {
    throw new Error(`The rootless test cannot run: ${found}. ${fix}`);
  }
  console.error(
    `\n!!! SKIPPING the rootless podman test: ${found}.\n` +
      `!!! ${fix}, then run the tests as root.\n`,
  );
  return null;
})();
