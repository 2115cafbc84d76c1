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
 * ```ts
 * import assert from "node:assert/strict";
 * import { load } from "@pointwise/runtime";
 * import { decodeImage, encodePng } from "@pointwise/core/lite";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * // A model's bytes: Deno.readFile("model.onnx") (or a run's best.safetensors) in practice.
 * const model = await load(await tinyOnnx(["benign", "malignant"]), { name: "model.onnx", backend: "wasm" });
 * const png = await encodePng({ width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(128) });
 * const p = await model.predict(await decodeImage(png, "slide.png"));
 * assert.equal(model.runtime.name, "onnxruntime-web"); // TensorFlow.js is never loaded for it
 * assert.ok(["benign", "malignant"].includes(p.className));
 * assert.equal(p.mask.length, 40 * 30);
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
