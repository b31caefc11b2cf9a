import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { LaunchError, type LaunchSpec } from "./launch_spec.ts";
import {
  applyMountPolicy,
  type MountPolicy,
  neverMounted,
  ownVolumeName,
  refusedRoot,
} from "./mount_policy.ts";

const rules = {
  home: "/home/u",
  protectedPaths: ["/home/u/.local/share/mcp-registry", "/srv/app"],
};

Deno.test("`neverMounted()` refuses the system, the home's dot-files, shared folders whole and the registry's folders", () => {
  const refused: [string, RegExp][] = [
    ["/", /\/ belongs to the system/],
    ["/etc", /\/etc belongs/],
    ["/etc/ssl", /\/etc belongs/],
    ["/var", /\/var\/cache belongs/], // holds system folders
    ["/var/spool/cron", /\/var\/spool belongs/],
    ["/var/log", /\/var\/log belongs/],
    ["/var/lib/containers/storage", /\/var\/lib belongs/],
    ["/run/user/1000/podman", /\/run belongs/],
    ["/root", /\/root belongs/],
    ["/usr", /\/usr belongs/],
    ["/home", /\/home is shared/],
    ["/tmp", /\/tmp is shared/],
    ["/tmp/.X11-unix", /\/tmp\/\.X11-unix holds sockets/],
    ["/tmp/ssh-XXXXabcd/agent.123", /\/tmp\/ssh-XXXXabcd holds sockets/],
    ["/tmp/tmux-1000", /holds sockets/],
    ["/home/u", /your home folder/],
    ["/home/u/.ssh", /\/home\/u\/\.ssh is a dot-file/],
    ["/home/u/.netrc", /\.netrc is a dot-file/],
    ["/home/u/.git-credentials", /dot-file/],
    ["/home/u/.npmrc", /dot-file/],
    ["/home/u/.bash_profile", /dot-file/],
    ["/home/u/.cache/deno", /\.cache is a dot-file/],
    ["/home/u/.config/containers", /dot-file/],
    ["/home/other/.ssh/id_ed25519", /\/home\/other\/\.ssh is a dot-file/],
    ["/var/home/other/.aws", /dot-file/],
    ["/home/u/.local", /dot-file/],
    ["/srv/app/data", /\/srv\/app holds the registry's own/],
    ["/srv", /\/srv\/app holds the registry's own/],
  ];
  for (const [path, why] of refused) {
    const answer = neverMounted(path, rules);
    ok(answer !== null, `${path} must be refused`);
    match(answer, why, path);
  }
  for (
    const path of [
      "/home/u/projects",
      "/home/u/projects/.git",
      "/tmp/work",
      "/etcetera",
      "/var/home/u/x",
      "/srv/other",
    ]
  ) {
    equal(neverMounted(path, rules), null, path);
  }
});

Deno.test("`refusedRoot()` lets a person approve their home or a project, never the system or a shared folder whole", () => {
  equal(refusedRoot("/home/u", rules), null);
  equal(refusedRoot("/home/u/projects", rules), null);
  equal(refusedRoot("/srv", rules), null, "a root may hold the registry's folders");
  equal(refusedRoot("/tmp/work", rules), null);
  match(refusedRoot("/", rules)!, /system/);
  match(refusedRoot("/var", rules)!, /system/);
  match(refusedRoot("/etc", rules)!, /system/);
  match(refusedRoot("/tmp", rules)!, /shared by every user/);
  match(refusedRoot("/home", rules)!, /shared by every user/);
  match(refusedRoot("/home/u/.ssh", rules)!, /dot-file/);
  match(refusedRoot("/srv/app/x", rules)!, /registry's own/);
  match(refusedRoot("relative", rules)!, /not an absolute path/);
});

Deno.test("`ownVolumeName()` cannot be steered into another server's name", () => {
  equal(ownVolumeName("memory", "claude-memory"), "mcp-registry-memory_claude-memory");
  // Ids hold no "_": "a" with "b_c" and "a-b" with "c" stay apart, and so do the caches.
  ok(ownVolumeName("a", "b-c") !== ownVolumeName("a-b", "c"));
  ok(ownVolumeName("npm", "cache") !== "mcp-registry-npm-cache");
});

function spec(volumes: string[]): LaunchSpec {
  return { image: "x", command: [], env: {}, volumes, user: null, disableNetwork: true };
}

Deno.test("`applyMountPolicy()` mounts real paths inside an approved root and names volumes for the server", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mount-policy-" }));
  try {
    await Deno.mkdir(`${dir}/approved/notes`, { recursive: true });
    await Deno.mkdir(`${dir}/elsewhere`);
    await Deno.symlink(`${dir}/elsewhere`, `${dir}/approved/escape`);
    await Deno.symlink(`${dir}/approved/notes`, `${dir}/link-in`);
    const policy: MountPolicy = { roots: [`${dir}/approved`], home: "/home/u", protectedPaths: [] };
    const s = spec([`${dir}/link-in:/notes:ro`, "claude-memory:/app/dist"]);
    await applyMountPolicy(s, { serverId: "memory", policy });
    deepEqual(s.volumes, [
      `${dir}/approved/notes:/notes:ro`,
      "mcp-registry-memory_claude-memory:/app/dist",
    ]);

    // A symlink inside the root that leads out of it is judged by where it leads.
    await rejects(
      () => applyMountPolicy(spec([`${dir}/approved/escape:/x`]), { serverId: "fs", policy }),
      (e: Error) =>
        e instanceof LaunchError && e.message.includes(`it leads to ${dir}/elsewhere`) &&
        e.message.includes(`mcp-registry config allow-path ${dir}/elsewhere`),
    );
    await rejects(
      () => applyMountPolicy(spec([`${dir}/elsewhere:/x`]), { serverId: "fs", policy }),
      /outside the folders a person approved for containers/,
    );
    await rejects(
      () => applyMountPolicy(spec([`${dir}/approved/missing:/x`]), { serverId: "fs", policy }),
      /does not exist/,
    );
    // Relative sources never reach podman, whatever produced them.
    await rejects(
      () => applyMountPolicy(spec(["./:/x"]), { serverId: "fs", policy }),
      /is not absolute/,
    );
    // No root approved: nothing from the host.
    await rejects(
      () =>
        applyMountPolicy(spec([`${dir}/approved/notes:/x`]), {
          serverId: "fs",
          policy: { ...policy, roots: [] },
        }),
      /none is approved yet.*mcp-registry config allow-path/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`applyMountPolicy()` refuses a socket even inside an approved root", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mount-policy-" }));
  const listener = Deno.listen({ transport: "unix", path: `${dir}/agent.sock` });
  try {
    const policy: MountPolicy = { roots: [dir], home: "/home/u", protectedPaths: [] };
    await rejects(
      () => applyMountPolicy(spec([`${dir}/agent.sock:/ssh-agent`]), { serverId: "x", policy }),
      /not a plain file or folder/,
    );
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`applyMountPolicy()` keeps an adopted older volume and says so", async () => {
  const logged: string[] = [];
  const s = spec(["claude-memory:/app/dist", "other:/o"]);
  await applyMountPolicy(s, {
    serverId: "memory",
    policy: { roots: [], protectedPaths: [] },
    legacy: (_id, name) => Promise.resolve(name === "claude-memory" ? name : null),
    log: (message) => logged.push(message),
  });
  deepEqual(s.volumes, ["claude-memory:/app/dist", "mcp-registry-memory_other:/o"]);
  equal(logged.length, 1);
});
