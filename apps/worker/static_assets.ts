/**
 * The browser demo's files, fetched from where they lie (`file:` URLs under
 * Deno, any URL elsewhere) and served with the headers that let the page use
 * threaded WebAssembly (cross-origin isolation). Only a fixed list is served,
 * and `/colormap.js`, the core's colour map as a module for the page.
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
import { colormapModule } from "./colormap_asset.ts";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
  ico: "image/x-icon",
};

const HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cache-control": "no-cache",
};

/**
 * The package files the demo's worker fetches at run time, served under
 * `/vendor/` by package path (its `env.assetBase`): onnxruntime-web's wasm
 * build, the decoders (PNG, JPEG, WebP) and the PNG encoder of its pictures.
 */
export const DEMO_VENDOR_FILES: readonly string[] = [
  "onnxruntime-web/ort-wasm-simd-threaded.mjs",
  "onnxruntime-web/ort-wasm-simd-threaded.wasm",
  "imagescript/wasm/any/png.wasm",
  "imagescript/wasm/any/jpeg.wasm",
  "@jsquash/webp/codec/dec/webp_dec.wasm",
  "@jsquash/oxipng/codec/pkg/squoosh_oxipng_bg.wasm",
];

/** Where each vendored file lies, for the files the host can resolve. */
function vendorFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const specifier of DEMO_VENDOR_FILES) {
    try {
      files.set(`/vendor/${specifier}`, import.meta.resolve(specifier));
    } catch {
      // A host that cannot resolve packages serves the page without them.
    }
  }
  return files;
}

/**
 * Serves the demo page from `public/` (its worker, `/worker/demo_worker.js`
 * and its chunks, is the committed bundle of `demo_worker.ts`) and the
 * package files the worker fetches under `/vendor/`.
 *
 * @param publicBase the URL of the page's folder.
 * @param vendor served path to URL of each package file [resolved from the packages].
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
    ["/favicon.ico", new URL("favicon.ico", publicBase).href],
    ...vendor,
  ]);
  return async (pathname) => {
    if (pathname === "/colormap.js") {
      return new Response(colormapModule(), {
        headers: { "content-type": TYPES.js, ...HEADERS },
      });
    }
    // The worker's bundle: an entry and its chunks, by name only (no folders).
    const chunk = /^\/worker\/([\w.-]+\.js)$/.exec(pathname)?.[1];
    const url = chunk ? new URL(`worker/${chunk}`, publicBase).href : files.get(pathname);
    if (url === undefined) return undefined;
    // A host that cannot fetch these URLs (an edge runtime without the files) serves no demo.
    const r = await fetch(url).catch(() => undefined);
    if (!r?.ok) return undefined;
    const ext = url.slice(url.lastIndexOf(".") + 1);
    return new Response(r.body, {
      headers: { "content-type": TYPES[ext] ?? "application/octet-stream", ...HEADERS },
    });
  };
}
