// Our inference-time FusedBatchNorm and GatherV2 on wasm against the cpu
// backend. Gathers copy values, so they must match exactly. Batch norm is
// computed as a x + b with a = scale / sqrt(variance + eps) and
// b = offset - mean a: a few float32 roundings, bounded here by 1e-6
// relative L2 (a wrong channel or coefficient is off by order 1).
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";

Deno.test("wasm FusedBatchNorm (inference) matches cpu", async () => {
  for (
    const [shape, withAffine] of [[[2, 5, 3, 8], true], [[1, 4, 4, 7], true], [[3, 10], false], [
      [2, 3, 3, 1],
      true,
    ]] as [number[], boolean][]
  ) {
    const c = shape[shape.length - 1];
    const run = () =>
      tf.batchNorm(
        tensorFrom(shape, 1),
        tensorFrom([c], 2),
        tf.add(tf.square(tensorFrom([c], 3)), 0.1),
        withAffine ? tensorFrom([c], 4) : undefined,
        withAffine ? tensorFrom([c], 5) : undefined,
        1e-3,
      );
    const [ref] = await onBackend("cpu", run);
    const [got] = await onBackend("wasm", run);
    const err = relErr(got, ref);
    assert.ok(err < 1e-6, `${shape} affine ${withAffine}: relative L2 ${err}`);
  }
});

Deno.test("wasm GatherV2 matches cpu exactly on every axis and index shape", async () => {
  const cases: [number[], number, number[], number[]][] = [
    [[1, 9, 7, 3], 1, [4], [0, 2, 2, 8]],
    [[1, 9, 7, 3], 2, [6], [6, 0, 1, 1, 3, 5]],
    [[2, 5, 20], 1, [2, 2], [4, 0, 1, 3]],
    [[6, 17], 0, [3], [5, 5, 0]],
    [[4, 3, 2], 2, [1], [1]],
  ];
  for (const [shape, axis, idxShape, idx] of cases) {
    for (const dtype of ["float32", "int32"] as const) {
      const run = () => {
        const x = dtype === "float32"
          ? tensorFrom(shape, 7)
          : tf.cast(tf.mul(tensorFrom(shape, 7), 100), "int32");
        return tf.cast(tf.gather(x, tf.tensor(idx, idxShape, "int32"), axis), "float32");
      };
      const [ref] = await onBackend("cpu", run);
      const [got] = await onBackend("wasm", run);
      assert.deepEqual(got, ref, `${shape} axis ${axis} ${dtype}`);
    }
  }
  await onBackend("wasm", () => tf.zeros([1]));
  assert.throws(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], "int32"), 0), /index value 3/);
});
