/**
 * One SGD step for one parameter as a single wasm kernel, PyTorch's update
 * (dampening 0): d = g + wd p; buf' = momentum buf + d; with Nesterov
 * d = d + momentum buf', else d = buf'; p' = p - lr d. Built from ops it took
 * six kernel calls per parameter and step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * import { SGD_UPDATE } from "./sgd_update.ts";
 * await initBackend("wasm"); // registers the kernel
 * const [param, buffer] = tf.engine().runKernel(
 *   SGD_UPDATE,
 *   { param: tf.tensor1d([1]), grad: tf.tensor1d([0.5]), buffer: tf.tensor1d([0]) },
 *   { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 },
 * ) as tf.Tensor[];
 * // buf' = 0.9 * 0 + 0.5; p' = 1 - 0.1 * 0.5
 * assert.deepEqual(Array.from(await buffer.data()), [0.5]);
 * assert.deepEqual(Array.from(await param.data()), [Math.fround(0.95)]);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";

/** Name of the kernel. */
export const SGD_UPDATE = "PointwiseSgdUpdate";

/** Its attributes. */
export interface SgdUpdateAttrs {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

function sgdUpdate(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo[] {
  const { param, grad, buffer } = args.inputs as Record<string, tf.TensorInfo>;
  const { lr, momentum, nesterov, weightDecay } = args.attrs as unknown as SgdUpdateAttrs;
  const backend = args.backend as KernelBackendLike;
  const outs = [
    backend.makeOutput(param.shape, "float32"),
    backend.makeOutput(param.shape, "float32"),
  ];
  const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const [p2, b2] = outs.map(heap);
  const [p, g, b] = [param, grad, buffer].map(heap);
  for (let i = 0; i < p.length; i++) {
    const d = g[i] + weightDecay * p[i];
    const buf = momentum * b[i] + d;
    b2[i] = buf;
    p2[i] = p[i] - lr * (nesterov ? d + momentum * buf : buf);
  }
  return outs;
}

/** Kernel registration on wasm. */
export const sgdUpdateConfig: tf.KernelConfig = {
  kernelName: SGD_UPDATE,
  backendName: "wasm",
  kernelFunc: sgdUpdate as unknown as tf.KernelFunc,
};
