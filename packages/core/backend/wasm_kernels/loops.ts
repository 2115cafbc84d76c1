/**
 * The interface of the training kernels' loops, which the WASM-SIMD module
 * (`simd_loops.ts`) and the JavaScript twins (`training_loops.ts`) both
 * implement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * import type { TrainingLoops } from "./loops.ts";
 * import { loopsFor } from "./training_loops.ts";
 * await initBackend("wasm");
 * const loops: TrainingLoops = loopsFor(tf.backend());
 * const dx = tf.zeros([1, 1, 3, 1]); // col2im adds into it
 * loops.col2im(tf.ones([4]), dx, { batch: 1, inH: 1, inW: 3, channels: 1, outH: 1, outW: 2,
 *   kh: 1, kw: 2, sh: 1, sw: 1, top: 0, left: 0 });
 * assert.deepEqual(Array.from(await dx.data()), [1, 2, 1]);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { Col2ImGeometry } from "./col2im.ts";

/** The loops, on tensors of the wasm backend. Outputs are allocated by the caller. */
export interface TrainingLoops {
  /** dst = src^T for a rows x cols matrix at float offsets of two tensors. */
  transpose(
    src: tf.TensorInfo,
    srcOff: number,
    rows: number,
    cols: number,
    dst: tf.TensorInfo,
    dstOff: number,
  ): void;
  /** `im2colTransposed` (im2col.ts). */
  im2colTransposed(xT: tf.TensorInfo, cols: tf.TensorInfo, g: Col2ImGeometry): void;
  /** `col2im` (col2im.ts); dx must start at zero. */
  col2im(cols: tf.TensorInfo, dx: tf.TensorInfo, g: Col2ImGeometry): void;
  /** `maxPoolGradLoop` (max_pool_loop.ts); dx must start at zero. */
  maxPoolGrad(x: tf.TensorInfo, dy: tf.TensorInfo, dx: tf.TensorInfo, g: Col2ImGeometry): void;
  /** `batchNormForwardLoop` (batch_norm_loops.ts). */
  batchNormForward(
    x: tf.TensorInfo,
    gamma: tf.TensorInfo,
    beta: tf.TensorInfo,
    eps: number,
    y: tf.TensorInfo,
    mean: tf.TensorInfo,
    variance: tf.TensorInfo,
    invStd: tf.TensorInfo,
  ): void;
  /** `batchNormBackwardLoop` (batch_norm_loops.ts). */
  batchNormBackward(
    dy: tf.TensorInfo,
    x: tf.TensorInfo,
    mean: tf.TensorInfo,
    invStd: tf.TensorInfo,
    gamma: tf.TensorInfo,
    dx: tf.TensorInfo,
    dGamma: tf.TensorInfo,
    dBeta: tf.TensorInfo,
  ): void;
}
