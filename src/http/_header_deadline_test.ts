import { equal } from "node:assert/strict";
import { RequestFraming } from "./_header_deadline.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `parts` one by one and notes `awaitingHead` after each. */
function trace(...parts: string[]): boolean[] {
  const framing = new RequestFraming();
  return parts.map((part) => {
    framing.feed(bytes(part));
    return framing.awaitingHead;
  });
}

Deno.test("`RequestFraming` waits for the first header block from the start, byte by byte", () => {
  const framing = new RequestFraming();
  equal(framing.awaitingHead, true);
  for (const byte of bytes("GET / HTTP/1.1\r\nHost: a\r\n")) {
    framing.feed(Uint8Array.of(byte));
    equal(framing.awaitingHead, true);
  }
  framing.feed(bytes("\r"));
  equal(framing.awaitingHead, true);
  framing.feed(bytes("\n"));
  equal(framing.awaitingHead, false);
});

Deno.test("`RequestFraming` skips a Content-Length body, then watches the next header block", () => {
  equal(
    trace("POST /mcp HTTP/1.1\r\nContent-Length: 10\r\n\r\n", '{"a":', "\r\n\r\n\r\n", "G").join(),
    "false,false,false,true",
  );
  // Blank lines between requests are not the start of one.
  equal(trace("GET / HTTP/1.1\r\n\r\n", "\r\n\r\n").join(), "false,false");
  equal(trace("GET / HTTP/1.1\n\nGET / HTTP/1.1\nHost: x\n").join(), "true");
});

Deno.test("`RequestFraming` follows chunked bodies and their trailers", () => {
  equal(
    trace(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "4;ext=1\r\nab\r\n",
      "\r\n",
      "0\r\nX-Trailer: 1\r\n",
      "\r\n",
      "GET",
    ).join(),
    "false,false,false,false,false,true",
  );
});

Deno.test("`RequestFraming` stops watching what it does not follow, and flags huge heads", () => {
  equal(
    trace("GET / HTTP/1.1\r\nConnection: Upgrade\r\n\r\n", "GET / HTTP/1.1\r\n").join(),
    "false,false",
  );
  equal(trace("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "GET ").join(), "false,false");
  const framing = new RequestFraming();
  framing.feed(bytes(`GET / HTTP/1.1\r\nX: ${"a".repeat(1024 * 1024)}`));
  equal(framing.oversized, true);
});
