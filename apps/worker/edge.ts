/**
 * The service as a module with `export default { fetch }`, the shape that
 * `deno serve` and edge runtimes start. The model is
 * fetched once per isolate from `POINTWISE_MODEL_URL`: an environment binding
 * on edge runtimes (the second argument of `fetch`), or the environment
 * variable under `deno serve` (a `file:` URL works there). The demo page is
 * served too wherever its files can be fetched.
 *
 * @example
 * ```sh
 * POINTWISE_MODEL_URL=file://$PWD/model.onnx deno serve --allow-read --allow-env apps/worker/edge.ts
 * ```
 * @module
 */
import { createHandler } from "./http_handler.ts";
import { demoAssets } from "./static_assets.ts";

type Bindings = { POINTWISE_MODEL_URL?: string } | undefined;

function modelUrl(bindings: Bindings): string {
  const fromBinding = typeof bindings?.POINTWISE_MODEL_URL === "string"
    ? bindings.POINTWISE_MODEL_URL
    : undefined;
  // Feature-detected: only Deno has `Deno.env`; edge runtimes pass bindings instead.
  const deno = (globalThis as { Deno?: { env: { get(k: string): string | undefined } } }).Deno;
  const url = fromBinding ?? deno?.env.get("POINTWISE_MODEL_URL");
  if (!url) throw new Error("POINTWISE_MODEL_URL is not set: give the URL of the .onnx model");
  return url;
}

let handler: ((req: Request) => Promise<Response>) | undefined;

/** The module's service: a `fetch` handler, as edge runtimes and `deno serve` expect. */
const service: { fetch(req: Request, bindings?: unknown): Promise<Response> } = {
  fetch(req: Request, bindings?: unknown): Promise<Response> {
    handler ??= createHandler({
      model: async () => {
        const url = modelUrl(bindings as Bindings);
        const r = await fetch(url);
        if (!r.ok) throw new Error(`cannot fetch the model (${r.status})`);
        return new Uint8Array(await r.arrayBuffer());
      },
      assets: demoAssets(),
    });
    return handler(req);
  },
};

export default service;
