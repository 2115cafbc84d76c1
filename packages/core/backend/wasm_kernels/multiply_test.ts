// The channel-broadcast product on wasm (simd/broadcast.c) against the cpu
// backend's Multiply: one float32 multiplication per output either way, so
// equal bit for bit; with 3 channels (its own loop, rows left over past a
// multiple of 4), other counts (a tail past a multiple of 4), either operand
// first, on enough outputs to split over the pool; other shapes keep tfjs's
// kernel.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { multiplyCalls } from "./multiply.ts";

const TAKEN: [number[], number[]][] = [
  [[2, 5, 7, 3], [2, 5, 7, 1]],
  [[2, 5, 7, 1], [2, 5, 7, 3]],
  [[1, 3, 3, 3], [1, 3, 3, 1]], // 9 rows: 8 by 4, 1 left
  [[2, 4, 6, 16], [2, 4, 6, 1]],
  [[3, 7, 5], [3, 7, 1]],
  [[6, 1], [6, 5]],
  [[2, 64, 64, 8], [2, 64, 64, 1]], // 65536 outputs: split over the pool
  [[2, 96, 80, 3], [2, 96, 80, 1]],
];

const LEFT: [number[], number[]][] = [
  [[2, 5, 7, 3], [2, 5, 7, 3]], // one shape: tfjs's own fast path
  [[2, 5, 7, 3], [1, 1, 1, 3]],
  [[2, 5, 7, 3], [2, 5, 1, 3]],
  [[4], [1]],
  [[2, 5, 7, 1], [2, 5, 7, 1]],
];

Deno.test("wasm channel-broadcast Multiply equals the cpu backend's bit for bit", async () => {
  for (const [sa, sb] of [...TAKEN, ...LEFT]) {
    const run = () => tf.mul(tensorFrom(sa, 1), tensorFrom(sb, 2));
    const [ref] = await onBackend("cpu", run);
    const calls = multiplyCalls.rows;
    const [got] = await onBackend("wasm", run);
    const what = `[${sa}] x [${sb}]`;
    assert.deepEqual(got, ref, what);
    const taken = TAKEN.some(([a, b]) => a === sa && b === sb);
    assert.equal(multiplyCalls.rows - calls, taken ? 1 : 0, `${what}: path`);
  }
});

Deno.test("wasm channel-broadcast Multiply leaves ints and the gradient to tfjs's rules", async () => {
  const [ints] = await onBackend(
    "wasm",
    () =>
      tf.mul(
        tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], "int32"),
        tf.tensor2d([2, 3], [2, 1], "int32"),
      ),
  );
  assert.deepEqual(Array.from(ints), [2, 4, 6, 12, 15, 18]);
  // d/dm sum(x * m) = sum over the channels of x, through the same kernel:
  // three terms that the backends' Sum kernels add in different orders, so
  // within a few float32 roundings (2^-23 each), far below a wrong channel.
  const grad = () => {
    const x = tensorFrom([2, 3, 4, 3], 3);
    return tf.grad((m: tf.Tensor) => tf.sum(tf.mul(x, m)))(tensorFrom([2, 3, 4, 1], 4));
  };
  const [want] = await onBackend("cpu", grad);
  const [got] = await onBackend("wasm", grad);
  assert.equal(got.length, 24);
  assert.ok(relErr(got, want) < 1e-6, `relative error ${relErr(got, want)}`);
});
