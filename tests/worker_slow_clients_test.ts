// Slow clients over real loopback sockets: bodies that trickle in hold no
// model place (a normal request is answered while they are still sending),
// and get 408 once their deadline passes. Tiny images are answered too, in
// the same runtime that used to fail on them.
import assert from "node:assert/strict";
import { createHandler } from "@pointwise/worker";
import { syntheticPngs, tinyOnnx } from "./_helpers.ts";
import { patternPng } from "./corpus/bytes.ts";

const enc = new TextEncoder();
const model = await tinyOnnx();
const [png] = await syntheticPngs([48]);

/** A raw HTTP/1.1 upload that declares `length` bytes and sends `first` of them. */
async function startUpload(port: number, length: number, first: Uint8Array) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    enc.encode(
      `POST /v1/localize HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${length}\r\n\r\n`,
    ),
  );
  await conn.write(first);
  let reply = "";
  const answered = (async () => {
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) return reply;
      reply += new TextDecoder().decode(buf.subarray(0, n));
      if (/\r\n\r\n[\s\S]*\}/.test(reply)) return reply;
    }
  })();
  let open = true;
  // One more byte every 100 ms until told to stop: a client that never finishes.
  const trickle = (async () => {
    for (let i = 0; open && i < length - first.length - 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (open) await conn.write(Uint8Array.of(0)).catch(() => (open = false));
    }
  })();
  return {
    answered,
    async close() {
      open = false;
      await trickle;
      try {
        conn.close();
      } catch { /* closed by the server */ }
    },
  };
}

Deno.test("two trickling uploads hold no model place; they get 408 at their deadline", async () => {
  const handler = createHandler({
    model,
    limits: { maxConcurrent: 2, maxQueued: 4, bodyTimeoutMs: 1500 },
    log: () => {},
  });
  assert.equal((await handler(new Request("http://x/healthz"))).status, 200);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const slow = await Promise.all(
    [0, 1].map(() => startUpload(server.addr.port, 100_000, png.subarray(0, 8))),
  );
  try {
    // Before, the two uploads held both places until they finished: this
    // request waited on them, here forever (the timer only turns a hang
    // into a failure).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("a normal request waited on slow uploads")),
        30_000,
      );
    });
    const r = await Promise.race([
      fetch(`http://127.0.0.1:${server.addr.port}/v1/localize`, {
        method: "POST",
        body: png as BodyInit,
      }),
      hang,
    ]);
    clearTimeout(timer);
    assert.equal(r.status, 200);
    assert.ok(["stripes", "dots"].includes((await r.json()).class));
    // The slow uploads are still sending; past their deadline they are answered 408.
    for (const s of slow) {
      const reply = await s.answered;
      assert.match(reply, /^HTTP\/1\.1 408/);
      assert.match(reply, /"code":"body_timeout"/);
    }
  } finally {
    await Promise.all(slow.map((s) => s.close()));
    await server.shutdown();
  }
});

Deno.test("tiny images, down to 1x1, are answered 200 (onnxruntime's reflect pad could not)", async () => {
  const handler = createHandler({ model, log: (_m, e) => assert.fail(`logged ${e}`) });
  for (const [w, h] of [[1, 1], [3, 2], [8, 8], [11, 40]]) {
    const r = await handler(
      new Request("http://x/v1/localize", {
        method: "POST",
        body: await patternPng(w, h) as BodyInit,
      }),
    );
    assert.equal(r.status, 200, `${w}x${h}`);
    const body = await r.json();
    assert.deepEqual([body.width, body.height], [w, h]);
  }
});
