/**
 * Replaces a kernel of tfjs's wasm backend by one of ours that falls back to
 * it: `ours` returns undefined for inputs it does not take. The original's
 * set-up (it binds the backend's wasm functions) is kept. Wrapping twice
 * never wraps a wrapper.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(wrapWasmKernel(tf.getKernel("GatherV2", "wasm")!, gatherV2));
 * ```
 * @module
 */
import type { tf } from "../tf.ts";

/** Arguments of a kernel function. */
export type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
};

const OURS = Symbol("pointwise kernel");

/** `direct` wrapped by `ours`; `direct` itself if it is already a wrapper. */
export function wrapWasmKernel(
  direct: tf.KernelConfig,
  ours: (args: KernelArgs) => tf.TensorInfo | undefined,
): tf.KernelConfig {
  if ((direct as { [OURS]?: true })[OURS]) return direct;
  const kernelFunc = (args: KernelArgs) =>
    ours(args) ?? direct.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  return {
    kernelName: direct.kernelName,
    backendName: direct.backendName,
    setupFunc: direct.setupFunc,
    kernelFunc: kernelFunc as tf.KernelFunc,
    [OURS]: true,
  } as tf.KernelConfig;
}
