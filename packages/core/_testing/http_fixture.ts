// Local HTTP servers for download tests: one that serves files, one that cuts the
// connection half-way through a body. Both listen on 127.0.0.1 only.

/** A server answering GET `path` with `files[path]` (404 otherwise). */
export function serveFiles(
  files: Record<string, Uint8Array>,
): { base: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const body = files[new URL(req.url).pathname];
    if (body === undefined) return new Response("not found", { status: 404 });
    return new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { "content-length": String(body.length) },
    });
  });
  return { base: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/**
 * A raw TCP server that announces `body.length` bytes, sends the first `sent`
 * of them, and closes the connection.
 */
export function serveCutShort(body: Uint8Array, sent: number): { base: string; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of listener) {
      try {
        const buf = new Uint8Array(4096);
        await conn.read(buf); // the request; its content does not matter
        const head =
          `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
        await conn.write(new TextEncoder().encode(head));
        await conn.write(body.subarray(0, sent));
      } catch {
        // The client may give up first.
      } finally {
        conn.close();
      }
    }
  })().catch(() => {});
  return { base: `http://127.0.0.1:${listener.addr.port}`, close: () => listener.close() };
}
