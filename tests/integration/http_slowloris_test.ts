/**
 * Slowloris against the real `serve --http`: connections that dribble their request headers are
 * closed at the header deadline, while other clients are served meanwhile and afterwards.
 */
import { equal, match, ok } from "node:assert/strict";
import { registryEnv, spawnHttpRegistry } from "../_helpers/processes.ts";

/** Reads until the server closes the connection (`closed`) or `ms` pass (`open`). */
async function waitForClose(conn: Deno.Conn, ms: number): Promise<"closed" | "open"> {
  const buffer = new Uint8Array(4096);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"open">((r) => timer = setTimeout(() => r("open"), ms));
  const reading = (async () => {
    try {
      while (await conn.read(buffer) !== null) { /* an answer is fine; the end is what counts */ }
    } catch {
      // A reset is a close too.
    }
    return "closed" as const;
  })();
  const outcome = await Promise.race([reading, timeout]);
  clearTimeout(timer);
  return outcome;
}

/** Sends `text` one byte every `everyMs` until the connection breaks or `stop` is set. */
async function dribble(conn: Deno.Conn, text: string, everyMs: number, stop: { set: boolean }) {
  for (const byte of new TextEncoder().encode(text)) {
    if (stop.set) return;
    try {
      await conn.write(Uint8Array.of(byte));
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function get(url: string, token: string): Promise<Response> {
  return await fetch(url, { headers: { authorization: `Bearer ${token}` } });
}

Deno.test("slowloris: dribbled or unfinished headers are cut off at the deadline, others are served", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcp-registry-slowloris-" });
  const http = await spawnHttpRegistry(
    { ...Deno.env.toObject(), ...registryEnv(dir), MCP_REGISTRY_TOKEN: "slow-test-token" },
    ["--header-timeout", "1"],
  );
  const stop = { set: false };
  const attackers: Deno.Conn[] = [];
  try {
    const { hostname, port } = new URL(http.url);
    const connect = async () => {
      const conn = await Deno.connect({ hostname, port: Number(port) });
      attackers.push(conn);
      return conn;
    };
    // One sends half a header block and waits; one sends a byte every 200 ms, forever.
    const stalled = await connect();
    await stalled.write(new TextEncoder().encode(`GET / HTTP/1.1\r\nHost: ${hostname}:`));
    const dribbler = await connect();
    void dribble(
      dribbler,
      `GET /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Slow: ${"a".repeat(500)}\r\n\r\n`,
      200,
      stop,
    );
    // One connects and never says anything.
    const silent = await connect();
    // A keep-alive client: a full request, then a second one whose headers never end.
    const keptAlive = await connect();
    await keptAlive.write(
      new TextEncoder().encode(
        `GET /nothing HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\nGET / HTTP/1.1\r\nHost: `,
      ),
    );

    // Meanwhile, an honest client is served on another connection.
    const page = await get(`${http.url.replace(/\/mcp$/, "")}/nothing`, "slow-test-token");
    equal(page.status, 404);
    match(await page.text(), /MCP endpoint/);

    const outcomes = await Promise.all(
      [stalled, dribbler, silent, keptAlive].map((c) => waitForClose(c, 15_000)),
    );
    equal(outcomes.join(" "), "closed closed closed closed");

    // And after the attack too: a request that takes its time between requests on one
    // connection (idle, not inside a header block) is not cut off.
    const patient = await connect();
    const request = (path: string) =>
      new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
    await patient.write(request("/first"));
    await new Promise((r) => setTimeout(r, 1_500));
    await patient.write(request("/second"));
    const answered = (t: string) => t.split("HTTP/1.1 401").length - 1;
    const answers = await readUntil(patient, (t) => answered(t) === 2, 5_000);
    equal(answered(answers), 2, answers);
  } finally {
    stop.set = true;
    for (const conn of attackers) {
      try {
        conn.close();
      } catch {
        // Closed by the server.
      }
    }
    const status = await http.stop();
    ok(status.code === 0 || status.signal === "SIGTERM", `stopped: ${JSON.stringify(status)}`);
    await Deno.remove(dir, { recursive: true });
  }
});

/** Reads from `conn` until `enough` holds for the text so far, or `ms` pass. */
async function readUntil(conn: Deno.Conn, enough: (text: string) => boolean, ms: number) {
  const buffer = new Uint8Array(65_536);
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => conn.close(), ms);
  try {
    while (!enough(text)) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
    }
  } catch {
    // Closed at the time limit.
  } finally {
    clearTimeout(timer);
  }
  return text;
}
