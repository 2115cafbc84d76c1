/**
 * The browser demo's files, fetched from where they lie (`file:` URLs under
 * Deno, any URL elsewhere) and served with the headers that let the page use
 * threaded WebAssembly (cross-origin isolation). Only a fixed list is served.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoAssets } from "./static_assets.ts";
 * const assets = demoAssets();
 * const page = await assets("/");
 * assert.match(page!.headers.get("content-type")!, /text\/html/);
 * assert.equal(page!.headers.get("cross-origin-embedder-policy"), "require-corp"); // threads
 * await page!.body?.cancel();
 * assert.equal(await assets("/../deno.json"), undefined); // only the listed files
 * ```
 * @module
 */
import type { Assets } from "./http_handler.ts";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
};

/**
 * The WebAssembly files the demo's worker fetches (its `env.wasmPaths`), by
 * the folder they are served under and the package specifier they come from.
 */
const VENDOR: Record<string, readonly string[]> = {
  ort: [
    "onnxruntime-web/ort-wasm-simd-threaded.mjs",
    "onnxruntime-web/ort-wasm-simd-threaded.wasm",
  ],
  imagescript: ["imagescript/wasm/any/png.wasm", "imagescript/wasm/any/jpeg.wasm"],
};

/** Where each vendored file lies, for the files the host can resolve. */
function vendorFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [folder, specifiers] of Object.entries(VENDOR)) {
    for (const specifier of specifiers) {
      try {
        const url = import.meta.resolve(specifier);
        files.set(`/vendor/${folder}/${url.slice(url.lastIndexOf("/") + 1)}`, url);
      } catch {
        // A host that cannot resolve packages serves the page without them.
      }
    }
  }
  return files;
}

/**
 * Serves the demo page from `public/` (its worker is the committed bundle of
 * `demo_worker.ts`) and the WebAssembly files it fetches under `/vendor/`.
 *
 * @param publicBase the URL of the page's folder.
 * @param vendor served path to URL of each WebAssembly file [resolved from the packages].
 * @returns the assets, for `createHandler`'s `assets` option.
 */
export function demoAssets(
  publicBase: string = new URL("./public/", import.meta.url).href,
  vendor: Map<string, string> = vendorFiles(),
): Assets {
  const files = new Map<string, string>([
    ["/", new URL("index.html", publicBase).href],
    ["/index.html", new URL("index.html", publicBase).href],
    ["/demo.js", new URL("demo.js", publicBase).href],
    ["/demo_worker.js", new URL("demo_worker.js", publicBase).href],
    ...vendor,
  ]);
  return async (pathname) => {
    const url = files.get(pathname);
    if (url === undefined) return undefined;
    // A host that cannot fetch these URLs (an edge runtime without the files) serves no demo.
    const r = await fetch(url).catch(() => undefined);
    if (!r?.ok) return undefined;
    const ext = url.slice(url.lastIndexOf(".") + 1);
    return new Response(r.body, {
      headers: {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
        "cache-control": "no-cache",
      },
    });
  };
}
