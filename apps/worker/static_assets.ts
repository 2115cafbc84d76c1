/**
 * The browser demo's files, fetched from where they lie (`file:` URLs under
 * Deno, any URL elsewhere) and served with the headers that let the page use
 * threaded WebAssembly (cross-origin isolation). Only a fixed list is served,
 * and `/colormap.js`, the core's colour map as a module for the page.
 *
 * @example
 * ```ts ignore
 * const assets = demoAssets();
 * await assets("/"); // index.html
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

/** The onnxruntime-web files the demo's worker loads. */
const ORT_FILES = ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

/** Where the onnxruntime-web distribution lies, when the host can resolve it. */
function ortBase(): string | undefined {
  try {
    return new URL(".", import.meta.resolve("onnxruntime-web")).href;
  } catch {
    return undefined;
  }
}

/** Serves the demo page from `public/` and onnxruntime-web's files under `/vendor/ort/`. */
export function demoAssets(
  publicBase: string = new URL("./public/", import.meta.url).href,
  ortDist: string | undefined = ortBase(),
): Assets {
  const files = new Map<string, string>([
    ["/", new URL("index.html", publicBase).href],
    ["/index.html", new URL("index.html", publicBase).href],
    ["/demo.js", new URL("demo.js", publicBase).href],
    ["/demo_worker.js", new URL("demo_worker.js", publicBase).href],
    ["/favicon.ico", new URL("favicon.ico", publicBase).href],
  ]);
  if (ortDist) {
    for (const f of ORT_FILES) {
      files.set(`/vendor/ort/${f}`, new URL(f, ortDist).href);
    }
  }
  return async (pathname) => {
    if (pathname === "/colormap.js") {
      return new Response(colormapModule(), {
        headers: { "content-type": TYPES.js, ...HEADERS },
      });
    }
    const url = files.get(pathname);
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
