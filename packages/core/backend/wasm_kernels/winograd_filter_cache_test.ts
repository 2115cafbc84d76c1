// The kept Winograd filter transforms: a kept transform is the one the call
// would compute (the same loop wrote it), so results are equal bit for bit
// with and without the cache; nothing stale is ever read (new weights are new
// data), nothing is kept while gradients are recorded, and freed filters free
// their transforms.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";
import { tensorFrom } from "../../_testing/mod.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import { filterCache, keptFilterBytes } from "./winograd_filter_cache.ts";

// A 6x5 map with 32 output channels (4 F(4x4) tiles).
const X = [1, 6, 5, 16];
const W = [3, 3, 16, 32];

async function conv(x: tf.Tensor4D, w: tf.Tensor4D): Promise<Float32Array> {
  const y = tf.conv2d(x, w, 1, "same");
  const v = Float32Array.from(await y.data());
  y.dispose();
  return v;
}

async function uncached(x: tf.Tensor4D, w: tf.Tensor4D): Promise<Float32Array> {
  const limit = filterCache.limitBytes;
  filterCache.limitBytes = 0;
  try {
    return await conv(x, w);
  } finally {
    filterCache.limitBytes = limit;
  }
}

Deno.test("kept Winograd filters: equal results, freed with the filter", async () => {
  await initBackend("wasm");
  const simd = simdLoopsFor(tf.backend())!;
  assert.ok(simd, "SIMD loops loaded");
  const x = tensorFrom(X, 1) as tf.Tensor4D;
  const w = tensorFrom(W, 2) as tf.Tensor4D;
  const before = { ...filterCache }, bytes0 = keptFilterBytes(simd);
  const ref = await uncached(x, w);
  const first = await conv(x, w);
  assert.equal(filterCache.kept, before.kept + 1, "the transform is kept");
  assert.ok(keptFilterBytes(simd) > bytes0);
  const second = await conv(x, w);
  assert.equal(filterCache.hits, before.hits + 1, "the second call reads it");
  assert.deepEqual(first, ref);
  assert.deepEqual(second, ref);
  w.dispose();
  assert.equal(keptFilterBytes(simd), bytes0, "disposing the filter frees its transform");
  x.dispose();
});

Deno.test("kept Winograd filters: new weights are never served an old transform", async () => {
  await initBackend("wasm");
  const x = tensorFrom(X, 3) as tf.Tensor4D;
  const init = tensorFrom(W, 4);
  const v = tf.variable(init);
  const a = await conv(x, v as tf.Tensor4D);
  await conv(x, v as tf.Tensor4D); // kept
  const next = tf.mul(v, -0.5) as tf.Tensor4D;
  v.assign(next);
  const b = await conv(x, v as tf.Tensor4D);
  assert.deepEqual(b, await uncached(x, v as tf.Tensor4D));
  assert.ok(Math.abs(b[0] + 0.5 * a[0]) < 1e-4 * (1 + Math.abs(a[0])), "the new weights count");
  tf.dispose([v, init, next, x]);
});

Deno.test("kept Winograd filters: nothing kept while gradients are recorded", async () => {
  await initBackend("wasm");
  const simd = simdLoopsFor(tf.backend())!;
  const x = tensorFrom(X, 5) as tf.Tensor4D;
  const w = tensorFrom(W, 6) as tf.Tensor4D;
  const kept = filterCache.kept, bytes = keptFilterBytes(simd);
  const g = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, "same")))(w);
  g.dispose();
  assert.equal(filterCache.kept, kept);
  assert.equal(keptFilterBytes(simd), bytes);
  tf.dispose([x, w]);
});

Deno.test("kept Winograd filters: least recently used dropped beyond the limit", async () => {
  await initBackend("wasm");
  const simd = simdLoopsFor(tf.backend())!;
  const x = tensorFrom(X, 7) as tf.Tensor4D;
  const ws = [8, 9, 10].map((s) => tensorFrom(W, s) as tf.Tensor4D);
  const limit = filterCache.limitBytes, bytes0 = keptFilterBytes(simd);
  assert.equal(bytes0, 0, "the tests before freed what they kept");
  await conv(x, ws[0]);
  const one = keptFilterBytes(simd) - bytes0;
  filterCache.limitBytes = bytes0 + 2 * one;
  try {
    const refs = [];
    for (const w of ws) refs.push(await conv(x, w));
    assert.equal(keptFilterBytes(simd), bytes0 + 2 * one, "two kept, the oldest dropped");
    const hits = filterCache.hits;
    assert.deepEqual(await conv(x, ws[2]), refs[2]);
    assert.equal(filterCache.hits, hits + 1, "the newest is kept");
    assert.deepEqual(await conv(x, ws[0]), refs[0]);
    assert.equal(filterCache.hits, hits + 1, "the oldest was dropped, transformed again");
  } finally {
    filterCache.limitBytes = limit;
    tf.dispose([x, ...ws]);
  }
});
