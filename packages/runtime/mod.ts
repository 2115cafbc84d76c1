/**
 * Pointwise inference without TensorFlow.js: exported ONNX models run in
 * onnxruntime-web (WASM-SIMD with threads where the host allows them, WebGPU
 * where a real GPU adapter exists), in Deno, browsers, web workers and edge
 * runtimes. The result type is the core's `Prediction`.
 *
 * @example
 * ```ts ignore
 * import { loadOnnx } from "@pointwise/runtime";
 * import { decodeImage } from "@pointwise/core/lite";
 * const localizer = await loadOnnx(await Deno.readFile("model.onnx"), "model.onnx");
 * const p = await localizer.predict(await decodeImage(bytes, "slide.png"));
 * ```
 * @module
 */
export { loadOnnx, type LoadOnnxOptions, OnnxLocalizer } from "./onnx_localizer.ts";
export { type OnnxModelInfo, readModelInfo } from "./model_info.ts";
export { createSession, type OrtSession } from "./ort_session.ts";
