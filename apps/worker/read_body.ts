/**
 * Reads a request body with a byte limit: a declared `content-length` over
 * the limit is refused before reading, and a streamed body is cut off as
 * soon as it passes the limit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBody } from "./read_body.ts";
 * const body = await readBody(new Request("http://x/", { method: "POST", body: "abc" }), 10);
 * assert.equal(body.length, 3);
 * await assert.rejects(
 *   readBody(new Request("http://x/", { method: "POST", body: "a long body" }), 4),
 *   /over the limit of 4 bytes/,
 * );
 * ```
 * @module
 */
import { ServiceError } from "./errors.ts";

const tooLarge = (limit: number) =>
  new ServiceError(413, "too_large", `the body is over the limit of ${limit} bytes`);

/** The body's bytes, at most `limit` of them. */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  if (req.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
