/**
 * What the tests of `mcp-registry doctor`'s checks share: a disposable folder, a port nobody
 * listens on, an HTTP server on loopback.
 */

/** A temporary folder, removed (after its mode is restored) when disposed. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "mcp-registry-doctor-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.chmod(path, 0o700).catch(() => {});
      await Deno.remove(path, { recursive: true });
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was bound, then closed). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** An HTTP server on 127.0.0.1, on a free port. */
export function serveLocal(
  handler: (request: Request) => Response | Promise<Response>,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
}
