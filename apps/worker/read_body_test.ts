import assert from "node:assert/strict";
import { readBody } from "./read_body.ts";
import { ServiceError } from "./errors.ts";

const post = (body: BodyInit | null, headers: HeadersInit = {}) =>
  new Request("http://x/", { method: "POST", body, headers });

Deno.test("bodies up to the limit are read whole, chunk by chunk", async () => {
  const parts = [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5, 6])];
  const stream = new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
  assert.deepEqual(await readBody(post(stream), 6), new Uint8Array([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(await readBody(post(null), 6), new Uint8Array());
});

Deno.test("a body over the limit is refused, declared or streamed", async () => {
  const isTooLarge = (e: unknown) => e instanceof ServiceError && e.status === 413;
  await assert.rejects(readBody(post("x", { "content-length": "7" }), 6), isTooLarge);
  await assert.rejects(readBody(post("1234567"), 6), isTooLarge);
});
