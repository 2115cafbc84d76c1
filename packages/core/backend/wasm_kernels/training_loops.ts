/**
 * The loops of the training kernels behind one interface: the WASM-SIMD ones
 * (`simd_loops.ts`) where they are loaded for the backend, their JavaScript
 * twins otherwise. Kernels call `loopsFor(backend)` and never choose.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * import { loopsFor } from "./training_loops.ts";
 * await initBackend("wasm");
 * const src = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
 * const dst = tf.zeros([3, 2]);
 * // WASM-SIMD or JavaScript, whichever is loaded: the same values.
 * loopsFor(tf.backend()).transpose(src, 0, 2, 3, dst, 0);
 * assert.deepEqual(Array.from(await dst.data()), [1, 4, 2, 5, 3, 6]);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { batchNormBackwardLoop, batchNormForwardLoop } from "./batch_norm_loops.ts";
import { col2im, type Col2ImGeometry } from "./col2im.ts";
import { im2colTransposed } from "./im2col.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";
import { transposeMatrix } from "./matrix_transpose.ts";
import { maxPoolGradLoop } from "./max_pool_loop.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import type { TrainingLoops } from "./loops.ts";

export type { TrainingLoops } from "./loops.ts";

/** The JavaScript loops, on views of the heap taken at each call. */
class JsLoops implements TrainingLoops {
  constructor(readonly backend: KernelBackendLike) {}

  // Views are taken when called, after every allocation: growing the heap
  // detaches old ones.
  #v(t: tf.TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  transpose(
    src: tf.TensorInfo,
    srcOff: number,
    rows: number,
    cols: number,
    dst: tf.TensorInfo,
    dstOff: number,
  ): void {
    transposeMatrix(this.#v(src), srcOff, rows, cols, this.#v(dst), dstOff);
  }

  im2colTransposed(xT: tf.TensorInfo, cols: tf.TensorInfo, g: Col2ImGeometry): void {
    im2colTransposed(this.#v(xT), this.#v(cols), g);
  }

  col2im(cols: tf.TensorInfo, dx: tf.TensorInfo, g: Col2ImGeometry): void {
    col2im(this.#v(cols), this.#v(dx), g);
  }

  maxPoolGrad(x: tf.TensorInfo, dy: tf.TensorInfo, dx: tf.TensorInfo, g: Col2ImGeometry): void {
    maxPoolGradLoop(this.#v(x), this.#v(dy), this.#v(dx), g);
  }

  batchNormForward(
    x: tf.TensorInfo,
    gamma: tf.TensorInfo,
    beta: tf.TensorInfo,
    eps: number,
    y: tf.TensorInfo,
    mean: tf.TensorInfo,
    variance: tf.TensorInfo,
    invStd: tf.TensorInfo,
  ): void {
    const c = x.shape[x.shape.length - 1];
    const v = (t: tf.TensorInfo) => this.#v(t);
    batchNormForwardLoop(v(x), v(gamma), v(beta), eps, c, v(y), v(mean), v(variance), v(invStd));
  }

  batchNormBackward(
    dy: tf.TensorInfo,
    x: tf.TensorInfo,
    mean: tf.TensorInfo,
    invStd: tf.TensorInfo,
    gamma: tf.TensorInfo,
    dx: tf.TensorInfo,
    dGamma: tf.TensorInfo,
    dBeta: tf.TensorInfo,
  ): void {
    const c = x.shape[x.shape.length - 1];
    const v = (t: tf.TensorInfo) => this.#v(t);
    batchNormBackwardLoop(v(dy), v(x), v(mean), v(invStd), v(gamma), c, v(dx), v(dGamma), v(dBeta));
  }
}

/** The WASM-SIMD loops bound to `backend`, or the JavaScript ones. */
export function loopsFor(backend: unknown): TrainingLoops {
  return simdLoopsFor(backend) ?? new JsLoops(backend as KernelBackendLike);
}
