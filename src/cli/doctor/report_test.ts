import { equal, match } from "node:assert/strict";
import { formatReport } from "./report.ts";

Deno.test("formatReport() prints the fix under each problem and a summary", () => {
  const text = formatReport([
    { check: "podman", status: "ok", detail: "podman 5.4.0 (rootless)" },
    { check: "XDG_RUNTIME_DIR", status: "warning", detail: "not set", fix: "export X=1" },
    { check: "git", status: "failed", detail: '"git" not found', fix: "sudo dnf install git" },
  ]);
  const lines = text.split("\n");
  match(lines[0]!, /^ok {7}podman {11}podman 5\.4\.0/);
  equal(lines[1], "warning  XDG_RUNTIME_DIR  not set");
  match(lines[2]!, /^ +fix: export X=1$/);
  equal(lines[3], `FAILED   git${" ".repeat(14)}"git" not found`);
  match(lines[4]!, /^ +fix: sudo dnf install git$/);
  match(lines.at(-1)!, /1 of 3 checks FAILED \(1 warning\)/);
  match(
    formatReport([{ check: "deno", status: "ok", detail: "Deno 2.9.6" }]),
    /All 1 checks passed\.$/,
  );
});
