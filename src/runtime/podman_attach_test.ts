/**
 * The attach stream's framing against a real unix socket that answers as podman would (or as
 * something hostile would): podman itself is tested in tests/integration/podman_service_test.ts.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { AttachError, attachStdio } from "./podman_attach.ts";

const UPGRADED = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n" +
  "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";

function frame(stream: number, payload: string | Uint8Array, size?: number): Uint8Array {
  const body = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const out = new Uint8Array(8 + body.length);
  out[0] = stream;
  new DataView(out.buffer).setUint32(4, size ?? body.length);
  out.set(body, 8);
  return out;
}

/**
 * A socket that reads the request head, records it and what follows (stdin), and sends
 * `answer` pieces one write each; it closes after them unless `hold`.
 */
async function fakePodman(
  answer: (string | Uint8Array)[],
  options: { hold?: boolean } = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "attach-test-" });
  const path = `${dir}/podman.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  let received = "";
  const served = (async () => {
    const conn = await listener.accept();
    const reading = (async () => {
      const buf = new Uint8Array(65536);
      for (;;) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) break;
        received += new TextDecoder().decode(buf.subarray(0, n));
      }
    })();
    for (const piece of answer) {
      await conn.write(typeof piece === "string" ? new TextEncoder().encode(piece) : piece);
      await new Promise((r) => setTimeout(r, 5));
    }
    if (!options.hold) conn.close();
    await reading;
    if (options.hold) conn.close();
  })();
  return {
    path,
    received: () => received,
    async [Symbol.asyncDispose]() {
      await served.catch(() => {});
      listener.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

Deno.test("attach: sends the libpod attach request, splits stdout from stderr, passes stdin", async () => {
  await using podman = await fakePodman([
    UPGRADED,
    // A frame cut over two writes, then two in one.
    frame(1, '{"a":1}\n').subarray(0, 5),
    frame(1, '{"a":1}\n').subarray(5),
    new Uint8Array([...frame(2, "warning\n"), ...frame(1, "second\n")]),
  ], { hold: true });
  const stdio = await attachStdio(podman.path, "mcp-registry-x-1a2b3c");
  await stdio.write(new TextEncoder().encode("hello\n"));
  await stdio.endInput();
  const [out, err] = await Promise.all([readAll(stdio.stdout), readAll(stdio.stderr)]);
  equal(out, '{"a":1}\nsecond\n');
  equal(err, "warning\n");
  match(
    podman.received(),
    /^POST \/v4\.0\.0\/libpod\/containers\/mcp-registry-x-1a2b3c\/attach\?stream=true&stdin=true&stdout=true&stderr=true HTTP\/1\.1\r\n/,
  );
  ok(podman.received().endsWith("\r\n\r\nhello\n"), "stdin follows the request head");
});

Deno.test("attach: a frame that claims 4 GiB is streamed as it comes, never gathered", async () => {
  const piece = "x".repeat(1000);
  await using podman = await fakePodman([
    UPGRADED,
    frame(1, piece, 0xffff_ffff),
    piece,
    piece,
  ]);
  const stdio = await attachStdio(podman.path, "c");
  const out = await readAll(stdio.stdout);
  equal(out.length, 3000, "every byte passed on; the stream ended with the connection");
});

Deno.test("attach: a header that is not podman's drops the connection (hostile framing)", async () => {
  const bad = frame(7, "zzzz");
  await using podman = await fakePodman([UPGRADED, frame(1, "ok\n"), bad, frame(1, "late\n")], {
    hold: true,
  });
  const stdio = await attachStdio(podman.path, "c");
  equal(await readAll(stdio.stdout), "ok\n", "nothing after the bad header is read");
  await rejects(stdio.write(new Uint8Array([1])), AttachError);
});

Deno.test("attach: podman's refusal is an error naming its status and message", async () => {
  const body = JSON.stringify({ cause: "no such container", message: "no container named c" });
  await using podman = await fakePodman([
    `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  ]);
  const error = await attachStdio(podman.path, "c").catch((e) => e);
  ok(error instanceof AttachError);
  equal(error.status, 404);
  match(error.message, /refused to attach \(404\): no container named c/);
});

Deno.test("attach: an answer with no end of its head is refused, not buffered forever", async () => {
  await using podman = await fakePodman(["HTTP/1.1 101 UPGRADED\r\n", "X: " + "y".repeat(20_000)], {
    hold: true,
  });
  const error = await attachStdio(podman.path, "c").catch((e) => e);
  ok(error instanceof AttachError);
  match(error.message, /no end/);
});

Deno.test("attach: abort() ends both streams at once", async () => {
  await using podman = await fakePodman([UPGRADED], { hold: true });
  const stdio = await attachStdio(podman.path, "c");
  stdio.abort();
  deepEqual(await Promise.all([readAll(stdio.stdout), readAll(stdio.stderr)]), ["", ""]);
});
