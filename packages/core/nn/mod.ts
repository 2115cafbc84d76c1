/**
 * TensorFlow.js as Pointwise runs it (`@pointwise/core/tf`): the `tf`
 * namespace, `initBackend()` (the backend chosen by `env.backend`, with the
 * project's WASM-SIMD training kernels registered on wasm and its WGSL
 * kernels on webgpu), the tensor-level building blocks (parameters,
 * stop-gradient, WILDCAT pooling), the backend probes, and the wasm
 * kernels' settings (Winograd or the direct path, threads of the kernel pool).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend, tf } from "@pointwise/core/tf";
 * const choice = await initBackend("cpu"); // the reference backend; "auto" picks WebGPU or WASM
 * assert.equal(choice.name, "cpu");
 * assert.equal(tf.tidy(() => tf.square(tf.scalar(3)).dataSync()[0]), 9);
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
export {
  setWinogradMode,
  winogradChunkBytes,
  type WinogradMode,
  winogradTile,
} from "../backend/wasm_kernels/winograd.ts";
export { setKernelThreads } from "../backend/wasm_kernels/simd_loops.ts";
export { filterCache } from "../backend/wasm_kernels/winograd_filter_cache.ts";
export { ParamStore } from "./module.ts";
export { stopGradient } from "./stop_gradient.ts";
export { topK, wildcatPooling } from "./wildcat_pooling.ts";
