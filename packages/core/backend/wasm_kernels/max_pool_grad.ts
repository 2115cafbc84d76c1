/**
 * `MaxPoolGrad` for the wasm backend, whose own kernel drops the gradient of
 * windows whose maximum is <= 0. Each output's gradient goes to the first
 * maximum of its window in scan order, as in the cpu backend and PyTorch.
 * Padded positions never win (they act as -infinity).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * // A window whose maximum is negative, where the stock wasm kernel gave no gradient.
 * const grad = async () => {
 *   const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
 *   return Array.from(await tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, "valid")))(x).data());
 * };
 * await initBackend("wasm"); // registers the kernel
 * assert.deepEqual(await grad(), [0, 1, 0, 0]);
 * await initBackend("cpu");
 * assert.deepEqual(await grad(), [0, 1, 0, 0]);
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";
import { geometryOf } from "./col2im.ts";
import { loopsFor } from "./training_loops.ts";

/** Routes dy to the argmax of every pooling window of `input`. */
export function maxPoolGrad(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const backend = args.backend as KernelBackendLike;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const out = backend.makeOutput(input.shape, "float32");
  (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
  loopsFor(backend).maxPoolGrad(input, dy, out, geometryOf(info));
  return out;
}

/** Kernel registration for `MaxPoolGrad` on wasm. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: "wasm",
  kernelFunc: maxPoolGrad as tf.KernelFunc,
};
