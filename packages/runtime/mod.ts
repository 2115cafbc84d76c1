/**
 * Pointwise inference: `load()` takes a model file's bytes and returns the
 * core's `Localizer`, choosing the runtime by the file's format: exported
 * ONNX models run without TensorFlow.js in onnxruntime-node (native CPU,
 * where the host can load it: Deno with `--allow-ffi`) or onnxruntime-web
 * (WASM-SIMD with threads where the host allows them, WebGPU where a real GPU
 * adapter exists; Deno, browsers, web workers and edge runtimes);
 * checkpoints run in TensorFlow.js, loaded only then.
 *
 * @example
 * ```ts ignore
 * import { load } from "@pointwise/runtime";
 * import { decodeImage } from "@pointwise/core/lite";
 * const model = await load(await Deno.readFile("model.onnx"), { name: "model.onnx" });
 * const p = await model.predict(await decodeImage(bytes, "slide.png"));
 * await model.dispose();
 * ```
 * @module
 */
export { load, type LoadOptions, UnsupportedOptionError } from "./load.ts";
export { loadOnnx, type LoadOnnxOptions, OnnxLocalizer } from "./onnx_localizer.ts";
export { type OnnxModelInfo, readModelInfo } from "./model_info.ts";
export {
  checkRuntime,
  type OrtChoice,
  resolveOrtProvider,
  RUNTIME_SETTINGS,
  type RuntimeSetting,
  RuntimeUnavailableError,
} from "./provider.ts";
export { nativeBlocker } from "./native.ts";
export { createSession, type OrtSession } from "./ort_session.ts";
