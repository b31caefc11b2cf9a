import { deepEqual, equal } from "node:assert/strict";
import { RingBuffer } from "./upstream.ts";

Deno.test("RingBuffer keeps the last lines, bounded in count and length", () => {
  const ring = new RingBuffer(3, 10);
  ring.push("one\ntwo\nthr");
  ring.push("ee\nfour\nfive is a very long line\nsi");
  deepEqual(ring.tail(), ["four", "five is a ", "si"]);
  deepEqual(ring.tail(1), ["si"]);
});

Deno.test("RingBuffer masks secrets, even when split across chunks", () => {
  const ring = new RingBuffer(10, 500, ["hunter2-secret", "abc"]);
  ring.push("token=hunter2-");
  ring.push("secret ok\nshort abc stays\n");
  equal(ring.tail().join("\n"), "token=******** ok\nshort abc stays");
});
