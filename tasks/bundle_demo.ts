/**
 * `deno task bundle:demo`: bundles the browser demo's Web Worker
 * (`apps/worker/demo_worker.ts`, which runs the service's own worker entry)
 * into `apps/worker/public/worker/`, the folder the page loads it from. The
 * bundle is committed, so that the demo needs no build step to be served;
 * `tests/demo_bundle_test.ts` rebuilds it and fails when it is stale.
 *
 * The bundle is split: `demo_worker.js` holds what every image needs, and
 * what only some need (the TIFF and WebP decoders, the JPEG and WebP
 * encoders, onnxruntime's loader) sits in chunks the browser fetches on first
 * use. Its import map is the root `deno.json`'s, with `onnxruntime-web`
 * pointed at its wasm-only build (whose `ort-wasm-simd-threaded` files the
 * demo server serves; the package's default browser build is the WebGPU one,
 * with a 28 MB wasm file). TensorFlow.js stays out: the service imports
 * `@pointwise/runtime/onnx`, never the checkpoint loader.
 *
 * @example
 * ```sh
 * deno task bundle:demo
 * ```
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The committed bundle's folder. */
export const DEMO_BUNDLE_DIR: string = at("../apps/worker/public/worker");

/**
 * Bundles the demo's worker into `outDir`, which is emptied first.
 *
 * @param outDir the folder to write.
 * @throws {Error} with `deno bundle`'s output when it fails.
 */
export async function bundleDemo(outDir: string): Promise<void> {
  const { imports } = JSON.parse(await Deno.readTextFile(at("../deno.json")));
  const ort = imports["onnxruntime-web"];
  if (typeof ort !== "string") throw new Error("deno.json imports no onnxruntime-web");
  imports["onnxruntime-web"] = imports["onnxruntime-web/webgpu"] = `${ort}/wasm`;
  const map = await Deno.makeTempFile({ prefix: "pointwise-demo-imports-", suffix: ".json" });
  try {
    await Deno.writeTextFile(map, JSON.stringify({ imports }));
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--minify",
        "--code-splitting",
        "--import-map",
        map,
        "--outdir",
        outDir,
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
  } finally {
    await Deno.remove(map);
  }
}

/**
 * The files of a bundle folder and their sizes, by name.
 *
 * @param dir the folder.
 * @returns each file's bytes, names sorted.
 */
export async function bundleFiles(dir: string): Promise<Map<string, Uint8Array>> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
  names.sort();
  return new Map(
    await Promise.all(names.map(async (n) => [n, await Deno.readFile(join(dir, n))] as const)),
  );
}

if (import.meta.main) {
  await bundleDemo(DEMO_BUNDLE_DIR);
  const files = await bundleFiles(DEMO_BUNDLE_DIR);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const total = [...files.values()].reduce((a, b) => a + b.length, 0);
  console.log(
    `wrote ${DEMO_BUNDLE_DIR}: demo_worker.js ${kib(files.get("demo_worker.js")!.length)}, ` +
      `${files.size - 1} chunks loaded on demand, ${kib(total)} in all`,
  );
}
