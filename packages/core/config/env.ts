/**
 * The runtime settings of Pointwise, one object for every host (in the
 * spirit of transformers.js's `env`): where tensors run, for TensorFlow.js
 * and onnxruntime alike (`backend`, `threads`; `backend/select.ts` resolves
 * them), and where the WebAssembly files are fetched from (`wasmPaths`).
 *
 * By default every WebAssembly file is fetched from its npm package, which
 * Deno and edge runtimes resolve. A browser bundle cannot resolve packages:
 * it serves the files itself and says where, as the browser demo does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { env } from "./env.ts";
 * assert.equal(env.backend, "auto");
 * assert.equal(env.wasmPaths.decoders, undefined); // imagescript's own files
 * ```
 * @module
 */

/** A backend that Pointwise can run on. */
export type BackendName = "webgpu" | "wasm" | "cpu";
/** A backend request: a name, or `auto`. */
export type BackendSetting = BackendName | "auto";

/** Every accepted value of {@link BackendSetting}, for validation. */
export const BACKEND_SETTINGS: readonly BackendSetting[] = ["auto", "webgpu", "wasm", "cpu"];

/**
 * Where WebAssembly files lie, as absolute URL prefixes ending in `/`; an
 * unset prefix means the file's own npm package.
 */
export interface WasmPaths {
  /** The image decoders: imagescript's `png.wasm` and `jpeg.wasm`. */
  decoders?: string;
  /**
   * onnxruntime-web's `ort-wasm-simd-threaded.mjs` and `.wasm` (its
   * `env.wasm.wasmPaths`), read once, when the first session starts.
   */
  onnxruntime?: string;
}

/** Runtime settings shared by everything that runs tensors or decodes images. */
export const env: {
  /** The backend request [auto]. */
  backend: BackendSetting;
  /**
   * Threads of the WASM backends, TensorFlow.js's and onnxruntime's; 0 picks
   * them (see `defaultThreads()`). tfjs reads it once, when its wasm backend
   * is first created.
   */
  threads: number;
  /** Where WebAssembly files are fetched from. */
  wasmPaths: WasmPaths;
} = { backend: "auto", threads: 0, wasmPaths: {} };
