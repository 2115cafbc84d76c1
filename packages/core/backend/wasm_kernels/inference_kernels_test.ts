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

// relu(bn(x) + residual) in one pass: the same float32 roundings in the same
// order as the separate ops on the same backend, so equal bit for bit; and the
// separate ops where the loops are not loaded (its fallback). Against the cpu
// backend, the bound of the batch-norm test above.
Deno.test("wasm PointwiseBatchNormInfer equals FusedBatchNorm, Add and Relu", async () => {
  const { BATCH_NORM_INFER } = await import("./batch_norm_infer.ts");
  const { loadSimdLoops, simdLoopsFor, unloadSimdLoops } = await import("./simd_loops.ts");
  const { initBackend } = await import("../backend.ts");
  for (const shape of [[2, 5, 3, 8], [1, 4, 4, 12], [1, 3, 2, 7]]) {
    for (const withResidual of [true, false]) {
      const c = shape[3];
      const inputs = () => ({
        x: tensorFrom(shape, 1),
        mean: tensorFrom([c], 2),
        variance: tf.add(tf.square(tensorFrom([c], 3)), 0.1),
        offset: tensorFrom([c], 4),
        scale: tensorFrom([c], 5),
        residual: tensorFrom(shape, 6),
      });
      const separate = () => {
        const t = inputs();
        const y = tf.batchNorm(t.x, t.mean, t.variance, t.offset, t.scale, 1e-5);
        return tf.relu(withResidual ? tf.add(y, t.residual) : y);
      };
      const fused = () => {
        const { residual, ...rest } = inputs();
        return tf.engine().runKernel(
          BATCH_NORM_INFER,
          withResidual ? { ...rest, residual } : rest,
          { varianceEpsilon: 1e-5, relu: true },
        ) as tf.Tensor;
      };
      const [ref] = await onBackend("wasm", separate);
      const [got] = await onBackend("wasm", fused);
      const what = `${shape} residual ${withResidual}`;
      assert.deepEqual(got, ref, what);
      assert.ok(got.some((v) => v === 0) && got.some((v) => v > 0), `${what}: ReLU cuts`);
      const [cpu] = await onBackend("cpu", separate);
      assert.ok(relErr(got, cpu) < 1e-6, `${what} against cpu: ${relErr(got, cpu)}`);
      await initBackend("wasm");
      unloadSimdLoops();
      try {
        assert.equal(simdLoopsFor(tf.backend()), undefined);
        const [plain, plainRef] = tf.tidy(() => [fused(), separate()]);
        assert.deepEqual(
          Float32Array.from(await plain.data()),
          Float32Array.from(await plainRef.data()),
          `${what}, loops not loaded`,
        );
        tf.dispose([plain, plainRef]);
      } finally {
        assert.equal(await loadSimdLoops(tf.backend()), undefined);
      }
    }
  }
});
