/**
 * Reads a request body within limits: a declared `content-length` over the
 * byte limit is refused before reading, a streamed body is cut off as soon
 * as it passes it, a body that has not arrived whole by the deadline is
 * answered 408, and every byte held counts against a budget shared by all
 * requests (a {@link BodyBudget}), so that many clients sending at once
 * cannot take more memory than the budget. Slow clients hold few bytes, so
 * they keep no one else waiting.
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

/** Bytes of bodies held at once, over all requests. */
export class BodyBudget {
  #held = 0;

  /** @param limit the most bytes held at once. */
  constructor(readonly limit: number) {}

  /** Bytes held now. */
  get held(): number {
    return this.#held;
  }

  /** Takes `n` bytes; throws a 503 `busy` error when that would pass the limit. */
  take(n: number): void {
    if (this.#held + n > this.limit) {
      throw new ServiceError(
        503,
        "busy",
        "the service is receiving too much at once; retry shortly",
      );
    }
    this.#held += n;
  }

  /** Gives `n` bytes back. */
  give(n: number): void {
    this.#held = Math.max(0, this.#held - n);
  }
}

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Time the whole body has to arrive, in milliseconds [no deadline]. */
  timeoutMs?: number;
  /**
   * The shared budget the body's bytes count against; the caller gives them
   * back (`budget.give(body.length)`) once it is done with the body. On an
   * error, the bytes taken are given back here.
   */
  budget?: BodyBudget;
}

/** The body's bytes, at most `limit` of them. */
export async function readBody(
  req: Request,
  limit: number,
  o: ReadBodyOptions = {},
): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  if (req.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = o.timeoutMs === undefined ? undefined : new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new ServiceError(
          408,
          "body_timeout",
          `the body did not arrive within ${o.timeoutMs! / 1000} s`,
        ),
      );
    }, o.timeoutMs);
  });
  deadline?.catch(() => {});
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await (deadline ? Promise.race([reader.read(), deadline]) : reader.read());
      } catch (e) {
        if (e instanceof ServiceError) throw e;
        throw new ServiceError(400, "bad_body", "the body could not be read to its end");
      }
      if (step.done) break;
      const chunk = step.value;
      if (size + chunk.length > limit) throw tooLarge(limit);
      o.budget?.take(chunk.length);
      size += chunk.length;
      chunks.push(chunk);
    }
  } catch (e) {
    o.budget?.give(size);
    reader.cancel().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
