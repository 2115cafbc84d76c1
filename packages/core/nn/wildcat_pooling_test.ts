import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { Rng } from "../util/rng.ts";
import { classWisePooling } from "./class_wise_pooling.ts";
import { roundHalfEven, topK, wildcatPooling } from "./wildcat_pooling.ts";

Deno.test("topK follows the reference's get_k with Python rounding", () => {
  assert.equal(topK(0.09, 15 * 15), 20); // 20.25
  assert.equal(topK(0.09, 8 * 8), 6); // 5.76
  assert.equal(topK(0.09, 25 * 17), 38); // 38.25
  assert.equal(topK(0.09, 13 * 9), 11); // 10.53
  assert.equal(topK(0.5, 5), 2); // 2.5 rounds to even
  assert.equal(topK(0.5, 7), 4); // 3.5 rounds to even
  assert.equal(topK(3, 10), 3);
  assert.equal(topK(30, 10), 10);
  assert.equal(topK(1, 10), 10);
  assert.equal(topK(0.09, 4), 1, "at least one cell (the reference would divide by zero)");
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(-1.5), -2);
  assert.equal(roundHalfEven(1.49), 1);
  assert.throws(() => topK(0, 4));
});

Deno.test("class-wise pooling averages the modalities of each class (channel c*M+m)", async () => {
  await initBackend("cpu");
  // One cell, C=2, M=3: class 0 = mean(1,2,3), class 1 = mean(10,20,60).
  const x = tf.tensor4d([1, 2, 3, 10, 20, 60], [1, 1, 1, 6]);
  assert.deepEqual(Array.from(await classWisePooling(x, 2, 3).data()), [2, 30]);
  assert.throws(() => classWisePooling(x, 4, 2), /expected 8 channels, got 6/);
});

Deno.test("WILDCAT pooling is the mean of the top-k cells, with gradient 1/k on them only", async () => {
  await initBackend("cpu");
  // 2x3 map, one class: values 5, 1, 4, 9, 0, 2. kmax 0.5 -> k = 3: (9+5+4)/3 = 6.
  const maps = tf.tensor4d([5, 1, 4, 9, 0, 2], [1, 2, 3, 1]);
  const s = wildcatPooling(maps, { kmax: 0.5, dropout: 0 }, { training: false });
  assert.deepEqual(s.shape, [1, 1]);
  assert.ok(Math.abs((await s.data())[0] - 6) < 1e-6);
  const g = await tf.grad((m: tf.Tensor) =>
    tf.sum(wildcatPooling(m as tf.Tensor4D, { kmax: 0.5, dropout: 0 }, { training: false }))
  )(maps).data();
  assert.deepEqual(
    Array.from(g).map((v) => +v.toFixed(6)),
    [1 / 3, 0, 1 / 3, 1 / 3, 0, 0].map((v) => +v.toFixed(6)),
  );
});

Deno.test("WILDCAT pooling handles several classes and a map where k is every cell", async () => {
  await initBackend("cpu");
  // 1x2 map, two classes interleaved in the last axis: class 0 (3, 1), class 1 (-2, 4).
  const maps = tf.tensor4d([3, -2, 1, 4], [1, 1, 2, 2]);
  assert.deepEqual(
    Array.from(await wildcatPooling(maps, { kmax: 1, dropout: 0 }, { training: false }).data()),
    [2, 1],
  );
  assert.deepEqual(
    Array.from(await wildcatPooling(maps, { kmax: 1 / 2, dropout: 0 }, { training: false }).data()),
    [3, 4],
  );
  // A 1x1 map (the classifier pass on a tiny input).
  const one = tf.tensor4d([7, -1], [1, 1, 1, 2]);
  assert.deepEqual(
    Array.from(await wildcatPooling(one, { kmax: 0.09, dropout: 0 }, { training: false }).data()),
    [7, -1],
  );
});

Deno.test("WILDCAT dropout zeroes selected cells and rescales survivors, in train mode only", async () => {
  await initBackend("cpu");
  const maps = tf.tensor4d(Array.from({ length: 100 }, (_, i) => i), [1, 10, 10, 1]);
  const o = { kmax: 10, dropout: 0.5 };
  // Eval mode ignores dropout: mean of 90..99.
  assert.ok(Math.abs((await wildcatPooling(maps, o, { training: false }).data())[0] - 94.5) < 1e-4);
  assert.throws(() => wildcatPooling(maps, o, { training: true }), /needs an rng/);
  // Each selected value is kept x2 or dropped; the score is their sum / k.
  const rng = new Rng(4);
  const seen = new Set<number>();
  let sum = 0;
  const n = 400;
  for (let i = 0; i < n; i++) {
    const v = (await wildcatPooling(maps, o, { training: true, rng }).data())[0];
    sum += v;
    seen.add(v);
  }
  assert.ok(seen.size > 10, "dropout masks vary");
  // Expectation equals the no-dropout score.
  assert.ok(Math.abs(sum / n - 94.5) < 5, `mean ${sum / n}`);
});
