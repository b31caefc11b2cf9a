import { deepEqual, equal } from "node:assert/strict";
import { withoutControls, withoutControlsDeep } from "./text.ts";

Deno.test("`withoutControls()` removes escape sequences whole, keeps tabs and newlines", () => {
  equal(withoutControls("a\u001b]0;pwned\u0007b"), "ab");
  equal(withoutControls("a\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\"), "alink");
  equal(withoutControls("\u001b[2Jclear \u001b[1;31mred\u001b[0m"), "clear red");
  equal(withoutControls("reset\u001bc \u001b(B done"), "reset  done");
  equal(withoutControls("unterminated \u001b]0;title"), "unterminated ");
  equal(withoutControls("lone \u001b"), "lone ");
  equal(withoutControls("tab\tnew\nline"), "tab\tnew\nline");
});

Deno.test("`withoutControls()` removes C0 (but tab, newline), DEL and C1 controls", () => {
  equal(withoutControls("a\rb\u0000c\u0008d\u007fe\u009b2Jf\u0085g"), "abcde2Jfg");
  equal(withoutControls("naïve café — 日本 🙂"), "naïve café — 日本 🙂");
});

Deno.test("`withoutControlsDeep()` cleans every string and key, and keeps what is clean", () => {
  const clean = { a: ["x", 1, null, { b: true }] };
  equal(withoutControlsDeep(clean), clean);
  deepEqual(withoutControlsDeep({ "k\u001b[2J": ["\u0007v", 2], n: { m: "\u001b]0;t\u0007" } }), {
    k: ["v", 2],
    n: { m: "" },
  });
});
