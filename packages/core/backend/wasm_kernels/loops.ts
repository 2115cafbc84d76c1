/**
 * The interface of the training kernels' loops, which the WASM-SIMD module
 * (`simd_loops.ts`) and the JavaScript twins (`training_loops.ts`) both
 * implement.
 *
 * @example
 * ```ts ignore
 * const loops: TrainingLoops = loopsFor(backend);
 * loops.transpose(src, 0, rows, cols, dst, 0);
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
