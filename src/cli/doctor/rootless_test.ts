import { equal, match, ok } from "node:assert/strict";
import { tempDir } from "../../../tests/_helpers/doctor.ts";
import { checkRuntimeDir, checkSubIds } from "./rootless.ts";

const ROOT = Deno.uid() === 0;

Deno.test("checkSubIds() passes with 65536 ids for the user's name or uid in each file", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/subuid`, "other:100000:65536\nalice:165536:65536\n");
  await Deno.writeTextFile(`${dir}/subgid`, "1000:165536:65536\n");
  const result = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/subuid`,
    subgidFile: `${dir}/subgid`,
  });
  equal(result.status, "ok", result.detail);
});

Deno.test("checkSubIds() fails without a range for the user and gives the usermod command", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/subuid`, "other:100000:65536\n");
  await Deno.writeTextFile(`${dir}/subgid`, "alice:100000:65536\n");
  const result = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/subuid`,
    subgidFile: `${dir}/subgid`,
  });
  equal(result.status, "failed");
  match(result.detail, /no range for alice in .*subuid/);
  ok(!result.detail.includes("subgid"));
  match(
    result.fix!,
    /sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice/,
  );
});

Deno.test("checkSubIds() fails on a missing file and warns on a small range", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  await Deno.writeTextFile(`${dir}/subgid`, "alice:100000:1000\n");
  const missing = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/absent`,
    subgidFile: `${dir}/subgid`,
  });
  equal(missing.status, "failed");
  match(missing.detail, /cannot read .*absent/);
  await Deno.writeTextFile(`${dir}/subuid`, "alice:100000:65536\n");
  const small = await checkSubIds({
    user: "alice",
    uid: 1000,
    subuidFile: `${dir}/subuid`,
    subgidFile: `${dir}/subgid`,
  });
  equal(small.status, "warning");
  match(small.detail, /only 1000 ids/);
});

Deno.test("checkRuntimeDir() warns when XDG_RUNTIME_DIR is unset and fails when unusable", async () => {
  await using tmp = await tempDir();
  const dir = tmp.path;
  const unset = await checkRuntimeDir({ env: {}, uid: 1000 });
  equal(unset.status, "warning");
  match(unset.fix!, /export XDG_RUNTIME_DIR=\/run\/user\/\$\(id -u\)/);
  const absent = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: `${dir}/absent` }, uid: 1000 });
  equal(absent.status, "failed");
  match(absent.detail, /does not exist/);
  await Deno.writeTextFile(`${dir}/file`, "");
  const file = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: `${dir}/file` }, uid: 1000 });
  equal(file.status, "failed");
  match(file.detail, /is not a folder/);
  const good = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: dir }, uid: 1000 });
  equal(good.status, "ok", good.detail);
});

Deno.test({
  name: "checkRuntimeDir() fails on a folder the user cannot write",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using tmp = await tempDir();
    // Root writes anywhere a mode allows nobody to: /sys refuses even root.
    const dir = ROOT ? "/sys" : tmp.path;
    if (!ROOT) await Deno.chmod(dir, 0o500);
    const result = await checkRuntimeDir({ env: { XDG_RUNTIME_DIR: dir }, uid: 1000 });
    equal(result.status, "failed");
    match(result.detail, /not writable/);
  },
});
