import { deepEqual, equal, throws } from "node:assert/strict";
import { LineBuffer } from "./_line_buffer.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("`LineBuffer` yields one message a line, across and within chunks", () => {
  const buffer = new LineBuffer(1024);
  const ping = (id: number) => `{"jsonrpc":"2.0","id":${id},"method":"ping"}`;
  buffer.append(bytes(ping(1).slice(0, 10)));
  equal(buffer.readMessage(), null);
  buffer.append(bytes(`${ping(1).slice(10)}\r\n${ping(2)}\n${ping(3).slice(0, 5)}`));
  deepEqual(buffer.readMessage(), { jsonrpc: "2.0", id: 1, method: "ping" });
  deepEqual(buffer.readMessage(), { jsonrpc: "2.0", id: 2, method: "ping" });
  equal(buffer.readMessage(), null);
  buffer.append(bytes(`${ping(3).slice(5)}\n`));
  deepEqual(buffer.readMessage(), { jsonrpc: "2.0", id: 3, method: "ping" });
  equal(buffer.readMessage(), null);
});

Deno.test("`LineBuffer` refuses more than its limit unread, then reads on", () => {
  const buffer = new LineBuffer(100);
  buffer.append(bytes("x".repeat(60)));
  equal(buffer.readMessage(), null);
  throws(() => buffer.append(bytes("x".repeat(60))), /exceeded maximum size of 100 bytes/);
  buffer.append(bytes('{"jsonrpc":"2.0","id":1,"result":{}}\n'));
  deepEqual(buffer.readMessage(), { jsonrpc: "2.0", id: 1, result: {} });
});

Deno.test("`LineBuffer` reads a 32 MiB message that comes in 16 KiB chunks", () => {
  const buffer = new LineBuffer(64 * 1024 * 1024);
  const text = "y".repeat(32 * 1024 * 1024);
  const line = bytes(`{"jsonrpc":"2.0","id":1,"result":{"t":"${text}"}}\n`);
  for (let at = 0; at < line.length; at += 16 * 1024) {
    buffer.append(line.subarray(at, at + 16 * 1024));
    if (at + 16 * 1024 < line.length) equal(buffer.readMessage(), null);
  }
  const message = buffer.readMessage() as unknown as { result: { t: string } };
  equal(message.result.t.length, text.length);
});
