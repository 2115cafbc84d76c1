/**
 * Runs registered kernels of one backend from inside another kernel, and
 * frees the intermediate tensors when done. Kernels compose at this level
 * (TensorInfo in, TensorInfo out) because the engine's op-level API must not
 * be re-entered from a kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * import { type KernelBackendLike, KernelScope } from "./kernel_scope.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as KernelBackendLike;
 * const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
 * const scope = new KernelScope(backend);
 * let out: tf.TensorInfo;
 * try {
 *   const temp = scope.run("Transpose", { x }, { perm: [0, 2, 1, 3] });
 *   out = scope.keep(scope.run("Neg", { x: temp })); // temp is freed with the scope
 * } finally {
 *   scope.dispose();
 * }
 * assert.deepEqual(Array.from(backend.typedArrayFromHeap(out)), [-1, -3, -2, -4]);
 * backend.disposeData(out.dataId);
 * ```
 * @module
 */
import { tf } from "../tf.ts";

/** The part of a tfjs backend that kernels built from other kernels need. */
export interface KernelBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): boolean;
}

/** Runs kernels of a backend and owns their outputs until `keep` or `dispose`. */
export class KernelScope {
  #temps: tf.TensorInfo[] = [];

  constructor(readonly backend: KernelBackendLike, readonly backendName = "wasm") {}

  /** Runs kernel `name` with the given inputs and attributes. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const kernel = tf.getKernel(name, this.backendName);
    if (kernel === undefined) {
      throw new Error(`kernel ${name} is not registered for backend ${this.backendName}`);
    }
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend as never });
    if (Array.isArray(out)) throw new Error(`kernel ${name} returned several outputs`);
    this.#temps.push(out);
    return out;
  }

  /** Allocates an output tensor owned by this scope. */
  alloc(shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
    const out = this.backend.makeOutput(shape, dtype);
    this.#temps.push(out);
    return out;
  }

  /** Takes `t` out of the scope so that `dispose` leaves it alive. */
  keep(t: tf.TensorInfo): tf.TensorInfo {
    const i = this.#temps.indexOf(t);
    if (i >= 0) this.#temps.splice(i, 1);
    return t;
  }

  /** Frees every tensor this scope still owns. */
  dispose(): void {
    for (const t of this.#temps) this.backend.disposeData(t.dataId);
    this.#temps = [];
  }
}
