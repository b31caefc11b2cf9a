import { equal, match, ok } from "node:assert/strict";
import { tempDir } from "../../../tests/_helpers/doctor.ts";
import { checkDirectory } from "./folders.ts";

const ROOT = Deno.uid() === 0;

Deno.test("checkDirectory() passes on a writable folder and on one that can be created", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const here = await checkDirectory(dir, { label: "cache dir", setting: "MCP_REGISTRY_CACHE_DIR" });
  equal(here.status, "ok", here.detail);
  const later = await checkDirectory(`${dir}/a/b`, {
    label: "cache dir",
    setting: "MCP_REGISTRY_CACHE_DIR",
  });
  equal(later.status, "ok", later.detail);
  match(later.detail, /will be created/);
  ok(!(await Deno.stat(`${dir}/a`).then(() => true, () => false)), "the check creates nothing");
});

Deno.test("checkDirectory() fails when a file is in the way", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/file`, "");
  const result = await checkDirectory(`${dir}/file/cache`, {
    label: "cache dir",
    setting: "MCP_REGISTRY_CACHE_DIR",
  });
  equal(result.status, "failed");
  match(result.detail, /is not a folder/);
  match(result.fix!, /MCP_REGISTRY_CACHE_DIR/);
});

Deno.test({
  name: "checkDirectory() fails on a folder nobody may create files in (/sys)",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const result = await checkDirectory("/sys", {
      label: "data dir",
      setting: "MCP_REGISTRY_DATA_DIR",
    });
    equal(result.status, "failed");
    match(result.detail, /not writable/);
  },
});

Deno.test({
  name: "checkDirectory() fails on a folder the user cannot write",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using tmp = await tempDir();
    const dir = tmp.path;
    // chmod stops everyone but root; the immutable attribute stops root too.
    const locked = ROOT
      ? (await new Deno.Command("chattr", { args: ["+i", dir] }).output().catch(() => null))
        ?.success
      : (await Deno.chmod(dir, 0o500), true);
    try {
      const result = await checkDirectory(`${locked ? dir : "/sys"}/cache`, {
        label: "cache dir",
        setting: "MCP_REGISTRY_CACHE_DIR",
      });
      equal(result.status, "failed", result.detail);
      match(result.detail, /permission denied|not permitted|not writable/i);
    } finally {
      if (ROOT && locked) await new Deno.Command("chattr", { args: ["-i", dir] }).output();
    }
  },
});

Deno.test({
  name: "checkDirectory() warns when the data folder is readable by others",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using tmp = await tempDir();
    const dir = tmp.path;
    await Deno.chmod(dir, 0o755);
    const open = await checkDirectory(dir, {
      label: "data dir",
      setting: "MCP_REGISTRY_DATA_DIR",
      private: true,
    });
    equal(open.status, "warning");
    match(open.detail, /mode 0755/);
    equal(open.fix, `chmod 700 ${dir}`);
    await Deno.chmod(dir, 0o700);
    const closed = await checkDirectory(dir, {
      label: "data dir",
      setting: "MCP_REGISTRY_DATA_DIR",
      private: true,
    });
    equal(closed.status, "ok", closed.detail);
  },
});
