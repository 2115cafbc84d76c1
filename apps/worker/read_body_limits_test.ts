import assert from "node:assert/strict";
import { BodyBudget, readBody } from "./read_body.ts";
import { ServiceError } from "./errors.ts";

/** A request whose body sends `first` and then waits until `finish()` (or forever). */
function held(first: Uint8Array) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(first);
    },
  });
  const req = new Request("http://x/", { method: "POST", body });
  return { req, finish: () => controller.close() };
}

const status = (n: number) => (e: unknown) => e instanceof ServiceError && e.status === n;

Deno.test("a body that does not arrive by the deadline gets 408, and its bytes are given back", async () => {
  const budget = new BodyBudget(100);
  const { req } = held(new Uint8Array(10));
  await assert.rejects(readBody(req, 50, { timeoutMs: 50, budget }), status(408));
  assert.equal(budget.held, 0);
});

Deno.test("bodies held at once count against one budget: past it, 503", async () => {
  const budget = new BodyBudget(1500);
  const a = held(new Uint8Array(800));
  const reading = readBody(a.req, 1000, { budget });
  while (budget.held < 800) await new Promise((r) => setTimeout(r, 1));
  const b = held(new Uint8Array(800));
  await assert.rejects(readBody(b.req, 1000, { budget }), status(503));
  assert.equal(budget.held, 800, "the refused body gave its bytes back");
  a.finish();
  const body = await reading;
  assert.equal(body.length, 800);
  budget.give(body.length);
  assert.equal(budget.held, 0);
});

Deno.test("a client that goes away mid-body is a 400, not an internal error", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array(5));
      c.error(new Error("connection reset"));
    },
  });
  const req = new Request("http://x/", { method: "POST", body });
  await assert.rejects(readBody(req, 50), status(400));
});
