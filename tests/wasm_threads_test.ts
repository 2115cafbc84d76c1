// tfjs's threaded WASM-SIMD build in Deno: it starts with the threads asked
// for, leaves the host's Worker alone, and trains to exactly the same
// numbers as the single-threaded build (its pool splits outputs, not sums).
import assert from "node:assert/strict";
import { runScript } from "./_helpers.ts";

async function run(threads: number) {
  const r = await runScript("tests/wasm_threads_check.ts", [String(threads)], ["--allow-env"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

Deno.test("two wasm threads train to exactly the single-threaded numbers", async () => {
  const one = await run(1);
  const two = await run(2);
  assert.equal(one.threads, 1);
  assert.match(one.reason, /WASM-SIMD, 1 thread, relaxed-SIMD multiply-add$/);
  assert.equal(two.threads, 2);
  assert.match(two.reason, /WASM-SIMD, 2 threads, relaxed-SIMD multiply-add$/);
  assert.ok(one.losses.every(Number.isFinite));
  assert.deepEqual(two.losses, one.losses);
  assert.deepEqual(two.weights, one.weights);
});
