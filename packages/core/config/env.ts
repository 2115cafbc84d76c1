/**
 * The runtime settings of Pointwise, one object for every host (in the
 * spirit of transformers.js's `env`): where tensors run, for TensorFlow.js
 * and onnxruntime alike (`backend`, `threads`; `backend/select.ts` resolves
 * them), and where the files that packages fetch at run time come from
 * (`assetBase`: the decoders' and encoders' WebAssembly, onnxruntime's, the
 * figure font).
 *
 * By default each such file is resolved from its npm package, which Deno and
 * edge runtimes can do. A browser bundle cannot: its server serves the files
 * under one prefix, by their package paths, and the bundle sets `assetBase`
 * to it (as the browser demo does; `@pointwise/worker/assets` serves them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assetUrl, env } from "./env.ts";
 * assert.equal(env.backend, "auto");
 * // Unset, a file is found in its package; set, under the prefix, by its package path.
 * assert.match(assetUrl("imagescript/wasm/any/png.wasm"), /^file:.*png\.wasm$/);
 * env.assetBase = "https://example.com/vendor/";
 * assert.equal(assetUrl("imagescript/wasm/any/png.wasm"), "https://example.com/vendor/imagescript/wasm/any/png.wasm");
 * env.assetBase = undefined;
 * ```
 * @module
 */

/** A backend that Pointwise can run on. */
export type BackendName = "webgpu" | "wasm" | "cpu";
/** A backend request: a name, or `auto`. */
export type BackendSetting = BackendName | "auto";

/** Every accepted value of {@link BackendSetting}, for validation. */
export const BACKEND_SETTINGS: readonly BackendSetting[] = ["auto", "webgpu", "wasm", "cpu"];

/** Runtime settings shared by everything that runs tensors or fetches package files. */
export const env: {
  /** The backend request [auto]. */
  backend: BackendSetting;
  /**
   * Threads of the WASM backends, TensorFlow.js's and onnxruntime's; 0 picks
   * them (see `defaultThreads()`). tfjs reads it once, when its wasm backend
   * is first created.
   */
  threads: number;
  /**
   * An absolute URL prefix, ending in `/`, under which the packages' run-time
   * files are served by package path (`<assetBase>imagescript/wasm/any/png.wasm`);
   * unset, each file is resolved from its package. Each file is fetched once,
   * when first needed, from where this says at that moment.
   */
  assetBase?: string;
} = { backend: "auto", threads: 0 };

/**
 * Where a package's file is fetched from: under `env.assetBase`, or resolved
 * from the package.
 *
 * @param specifier the file's package path, as `imagescript/wasm/any/png.wasm`.
 * @returns the file's URL.
 * @throws {TypeError} when `env.assetBase` is unset and the host cannot resolve packages.
 */
export function assetUrl(specifier: string): string {
  if (env.assetBase !== undefined) return new URL(specifier, env.assetBase).href;
  return import.meta.resolve(specifier);
}
