/**
 * Whether podman can run here, and a few podman commands for tests to check on the registry.
 *
 * @module
 */

async function run(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const out = await new Deno.Command("podman", { args, stdout: "piped", stderr: "piped" })
      .output();
    return { ok: out.success, out: new TextDecoder().decode(out.stdout).trim() };
  } catch {
    return { ok: false, out: "" };
  }
}

const podmanWorks = (await run(["image", "exists", "docker.io/mcp/memory:latest"])).ok;

/**
 * True when podman runs and the test images are built. In CI a missing podman is a failure,
 * not a skip; on a developer's machine the tests skip and say so loudly.
 */
export const HAS_PODMAN: boolean = (() => {
  if (podmanWorks) return true;
  if (Deno.env.get("CI")) {
    throw new Error(
      "CI needs podman and the test images: .ci/run installs podman and runs " +
        "scripts/build_test_images.ts (is CONTAINERS_CONF=tests/podman/containers.conf set?)",
    );
  }
  console.error(
    "\n!!! SKIPPING the podman tests: podman or the test images are missing on this machine.\n" +
      "!!! Install podman, then: deno run -A scripts/build_test_images.ts\n",
  );
  return false;
})();

/** Names of the containers carrying our label, running or not. */
export async function ourContainers(): Promise<string[]> {
  const { out } = await run([
    "ps",
    "--all",
    "--filter",
    "label=io.mcp-registry.managed=true",
    "--format",
    "{{.Names}}",
  ]);
  return out ? out.split("\n") : [];
}

/** Runs podman and returns stdout (throws on failure). */
export async function podman(...args: string[]): Promise<string> {
  const { ok, out } = await run(args);
  if (!ok) throw new Error(`podman ${args.join(" ")} failed`);
  return out;
}
