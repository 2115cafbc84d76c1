/**
 * The browser demo's Web Worker: the service's own Web Worker entry
 * (`localize_worker.ts`: the protocol of `protocol.ts`, `LocalizeService`,
 * onnxruntime-web and the core's decoders), bundled for the browser by
 * `deno task bundle:demo` into `public/worker/`. A bundle cannot
 * resolve npm packages, so the files that packages fetch at run time
 * (WebAssembly modules) come from where the demo server serves them, beside
 * the bundle under `vendor/` (`env.assetBase`).
 *
 * @example
 * ```js ignore
 * // ignore: runs in a browser page, with the bundle served under worker/.
 * const worker = new Worker(new URL("worker/demo_worker.js", import.meta.url), { type: "module" });
 * worker.postMessage({ id: 1, model: modelBytes });
 * ```
 * @module
 */
import { env } from "@pointwise/core/lite";
import "./localize_worker.ts";

// The bundle is served at /worker/, the package files at /vendor/.
env.assetBase = new URL("../vendor/", import.meta.url).href;
// The bundle carries onnxruntime-web's wasm build only (tasks/bundle_demo.ts).
env.backend = "wasm";
