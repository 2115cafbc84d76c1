import assert from "node:assert/strict";
import { Gate } from "./gate.ts";
import { ServiceError } from "./errors.ts";

Deno.test("the gate runs at most `concurrency` at once, queues `queue` more, refuses the rest", async () => {
  const gate = new Gate(2, 1);
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const task = () =>
    gate.run(async () => {
      most = Math.max(most, ++running);
      await new Promise<void>((r) => releases.push(r));
      running--;
      return "done";
    });
  const a = task(), b = task(), c = task();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(gate.load, { active: 2, waiting: 1 });
  await assert.rejects(task(), (e) => e instanceof ServiceError && e.status === 503);
  while (releases.length > 0 || gate.load.active > 0) {
    releases.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.deepEqual(await Promise.all([a, b, c]), ["done", "done", "done"]);
  assert.equal(most, 2);
  assert.deepEqual(gate.load, { active: 0, waiting: 0 });
});

Deno.test("a failing task frees its place", async () => {
  const gate = new Gate(1, 0);
  await assert.rejects(gate.run(() => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await gate.run(() => Promise.resolve(1)), 1);
});
