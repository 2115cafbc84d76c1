/**
 * `deno task bundle:demo`: bundles the browser demo's Web Worker
 * (`apps/worker/demo_worker.ts`, which runs the service's own worker entry)
 * into `apps/worker/public/demo_worker.js`, the file the page loads. The
 * bundle is committed, so that the demo needs no build step to be served;
 * `tests/demo_bundle_test.ts` rebuilds it and fails when it is stale.
 *
 * `apps/worker/demo_bundle.json` is the import map of the bundle: it points
 * `onnxruntime-web` at its wasm-only build (whose `ort-wasm-simd-threaded`
 * files the demo server serves; the package's default browser build is the
 * WebGPU one, with a 28 MB wasm file). TensorFlow.js stays out: the
 * service imports `@pointwise/runtime/onnx`, never the checkpoint loader.
 *
 * @example
 * ```sh
 * deno task bundle:demo
 * ```
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";

/** The committed bundle. */
export const DEMO_BUNDLE: string = fromFileUrl(
  new URL("../apps/worker/public/demo_worker.js", import.meta.url),
);

/**
 * Bundles the demo's worker into `out`.
 *
 * @param out the file to write.
 * @throws {Error} with `deno bundle`'s output when it fails.
 */
export async function bundleDemo(out: string): Promise<void> {
  const at = (path: string) => fromFileUrl(new URL(path, import.meta.url));
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--minify",
      "--import-map",
      at("../apps/worker/demo_bundle.json"),
      "--output",
      out,
      at("../apps/worker/demo_worker.ts"),
    ],
    cwd: at(".."),
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (code !== 0) {
    throw new Error(`deno bundle failed (${code}):\n${new TextDecoder().decode(stderr)}`);
  }
}

if (import.meta.main) {
  await bundleDemo(DEMO_BUNDLE);
  const { size } = await Deno.stat(DEMO_BUNDLE);
  console.log(`wrote ${DEMO_BUNDLE} (${(size / 1024).toFixed(0)} KiB)`);
}
