/**
 * TensorFlow.js as Pointwise runs it (`@pointwise/core/tf`): the `tf`
 * namespace, `initBackend()` (the backend chosen by `env.backend`, with the
 * project's WASM-SIMD training kernels registered on wasm and its WGSL
 * kernels on webgpu), the tensor-level building blocks (parameters,
 * stop-gradient, WILDCAT pooling) and the backend probes.
 *
 * @example
 * ```ts ignore
 * import { initBackend, tf } from "@pointwise/core/tf";
 * await initBackend("wasm");
 * tf.tidy(() => tf.square(tf.scalar(3)).print());
 * ```
 * @module
 */
export { tf } from "../backend/tf.ts";
export { initBackend } from "../backend/backend.ts";
export { wasmThreadsInUse } from "../backend/wasm_threads.ts";
export { registerWasmTrainingKernels, wasmTrainingKernels } from "../backend/wasm_kernels/mod.ts";
export {
  registerWebGpuKernels,
  unregisterWebGpuKernels,
  webGpuKernels,
} from "../backend/webgpu_kernels/mod.ts";
export { ParamStore } from "./module.ts";
export { stopGradient } from "./stop_gradient.ts";
export { topK, wildcatPooling } from "./wildcat_pooling.ts";
