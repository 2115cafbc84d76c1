/**
 * The HTTP face of the service, web-standard only (`Request` in, `Response`
 * out), so the same handler runs under `deno serve`, `Deno.serve`, edge
 * runtimes and service workers:
 *
 * - `POST /v1/localize`: image bytes (PNG or JPEG) in; JSON out (class,
 *   probabilities, mask area, mask as base64 PNG), or the overlay picture
 *   when the request accepts `image/png`, `image/jpeg` or `image/webp` and
 *   not JSON;
 * - `GET /v1/model`: classes, input normalisation, threshold, model hash;
 * - `GET /healthz`;
 * - `GET /model.onnx` (the demo downloads it) and, through `assets`, the
 *   browser demo.
 *
 * Every failure is a JSON error with its status code; nothing in it names a
 * file or carries a stack trace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { createHandler } from "./http_handler.ts";
 * // The model's bytes, or how to get them: () => fetch(url).then((r) => r.bytes()) on an edge runtime.
 * const handler = createHandler({ model: await tinyOnnx(["benign", "malignant"]) });
 * const info = await (await handler(new Request("http://localhost/v1/model"))).json();
 * assert.deepEqual(info.classes, ["benign", "malignant"]);
 * const r = await handler(new Request("http://localhost/v1/localize", { method: "POST", body: "not an image" }));
 * assert.equal(r.status, 415);
 * assert.equal((await r.json()).error.code, "not_an_image");
 * ```
 * @module
 */
import { type BackendSetting, IMAGE_MEDIA_TYPES, type ImageFormat } from "@pointwise/core/lite";
import { errorResponse, ServiceError, toServiceError } from "./errors.ts";
import type { Limits } from "./limits.ts";
import { LocalizeService } from "./localize_service.ts";
import { readBody } from "./read_body.ts";
import { encodeBase64 } from "@pointwise/core/lite";

/** Static files: a response for a path, or undefined when there is none. */
export type Assets = (pathname: string) => Promise<Response | undefined>;

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** The exported .onnx model, or how to get it (called once, on first use). */
  model: Uint8Array | (() => Promise<Uint8Array>);
  limits?: Partial<Limits>;
  backend?: BackendSetting;
  /** The browser demo's files (served for GET requests no route takes). */
  assets?: Assets;
  /** Where unexpected errors are reported (they never reach the client). */
  log?: (message: string, error: unknown) => void;
}

const ROUTES: Record<string, string[]> = {
  "/v1/localize": ["POST"],
  "/v1/model": ["GET", "HEAD"],
  "/healthz": ["GET", "HEAD"],
  "/model.onnx": ["GET", "HEAD"],
};

/**
 * The overlay picture's format when a picture is asked for (`image/png`,
 * `image/jpeg` or `image/webp`, the first named) and JSON is not.
 */
function wantedPicture(req: Request): ImageFormat | undefined {
  const accept = req.headers.get("accept") ?? "";
  if (/\bapplication\/json\b/.test(accept)) return undefined;
  const m = /\bimage\/(png|jpeg|webp)\b/.exec(accept);
  return m ? m[1] as ImageFormat : undefined;
}

/**
 * A `fetch` handler for the service; the model loads once, on first need.
 *
 * @param o the model (bytes, or how to get them), limits, backend, demo files and error log.
 * @returns a `fetch` handler: every failure is a JSON error with its status.
 */
export function createHandler(o: HandlerOptions): (req: Request) => Promise<Response> {
  let modelBytes: Promise<Uint8Array> | undefined;
  let service: Promise<LocalizeService> | undefined;
  // A failed load is forgotten, so that a later request tries again (a
  // transient fetch failure on an edge runtime must not stick to the isolate).
  const bytes = () =>
    modelBytes ??= Promise.resolve(typeof o.model === "function" ? o.model() : o.model)
      .catch((e) => {
        modelBytes = undefined;
        throw e;
      });
  const loaded = () =>
    service ??= bytes().then((b) =>
      LocalizeService.load(b, { limits: o.limits, backend: o.backend })
    ).catch((e) => {
      service = undefined;
      throw e;
    });
  const log = o.log ?? ((m, e) => console.error(m, e));

  async function route(req: Request, url: URL): Promise<Response> {
    const methods = ROUTES[url.pathname];
    if (methods === undefined) {
      if (req.method === "GET" || req.method === "HEAD") {
        const file = o.assets ? await o.assets(url.pathname) : undefined;
        if (file) return file;
      }
      throw new ServiceError(404, "not_found", `no route ${url.pathname}`);
    }
    if (!methods.includes(req.method)) {
      throw new ServiceError(
        405,
        "method_not_allowed",
        `${url.pathname} takes ${methods.filter((m) => m !== "HEAD").join(", ")}`,
      );
    }
    switch (url.pathname) {
      case "/healthz": {
        // Healthy means the model loads: a broken model file fails here, not later.
        await loaded();
        return Response.json({ status: "ok" });
      }
      case "/v1/model":
        return Response.json((await loaded()).description);
      case "/model.onnx":
        return new Response(await bytes() as BodyInit, {
          headers: { "content-type": "application/octet-stream" },
        });
      default: {
        const s = await loaded();
        return await s.admit(async () => {
          const l = await s.localize(await readBody(req, s.limits.maxBytes));
          const picture = wantedPicture(req);
          if (picture !== undefined) {
            return new Response(await s.overlay(l, picture) as BodyInit, {
              headers: { "content-type": IMAGE_MEDIA_TYPES[picture] },
            });
          }
          const mask = encodeBase64(await s.maskPng(l));
          return Response.json({
            ...l.summary,
            mask: { type: "image/png", encoding: "base64", data: mask },
          });
        });
      }
    }
  }

  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    try {
      return await route(req, url);
    } catch (e) {
      const err = toServiceError(e);
      if (err.status === 500) log(`${req.method} ${url.pathname} failed:`, e);
      const headers: Record<string, string> = {};
      if (err.status === 405) headers.allow = ROUTES[url.pathname].join(", ");
      if (err.status === 503) headers["retry-after"] = "1";
      return errorResponse(err, headers);
    }
  };
}
