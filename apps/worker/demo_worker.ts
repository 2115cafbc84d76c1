/**
 * The browser demo's Web Worker: the service's own Web Worker entry
 * (`localize_worker.ts`: the protocol of `protocol.ts`, `LocalizeService`,
 * onnxruntime-web and the core's decoders), bundled for the browser by
 * `deno task bundle:demo` into `public/demo_worker.js`. A bundle cannot
 * resolve npm packages, so the WebAssembly files are fetched from where the
 * demo server serves them, beside the bundle under `vendor/`.
 *
 * @example
 * ```js ignore
 * // ignore: runs in a browser page, with the bundle served beside it.
 * const worker = new Worker(new URL("demo_worker.js", import.meta.url), { type: "module" });
 * worker.postMessage({ id: 1, model: modelBytes });
 * ```
 * @module
 */
import { env } from "@pointwise/core/lite";
import "./localize_worker.ts";

const vendor = new URL("./vendor/", import.meta.url);
env.wasmPaths.decoders = new URL("imagescript/", vendor).href;
env.wasmPaths.onnxruntime = new URL("ort/", vendor).href;
// The bundle carries onnxruntime-web's wasm build only (see demo_bundle.json).
env.backend = "wasm";
