/**
 * `Identity` for the wasm backend without a copy: the output shares the
 * input's buffer, whose reference count the backend keeps (as tfjs's own
 * `Reshape` on wasm and `Identity` on the cpu backend do). tfjs's wasm kernel
 * copied every tensor that a custom gradient saves, 574 copies a training
 * step. No kernel here writes into an input's buffer, so sharing is safe.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(wrapWasmKernel(tf.getKernel("Identity", "wasm")!, identity));
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { KernelArgs } from "./wrap_kernel.ts";

/** The input itself, one more reference on its buffer; strings fall back. */
export function identity(args: KernelArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === "string") return undefined;
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
