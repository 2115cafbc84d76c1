/**
 * The HTTP face of the service, web-standard only (`Request` in, `Response`
 * out), so the same handler runs under `deno serve`, `Deno.serve`, edge
 * runtimes and service workers:
 *
 * - `POST /v1/localize`: an image (PNG, JPEG, TIFF or WebP) as the raw body
 *   or as the `file` part of a multipart form; JSON out (class, both heads'
 *   probabilities, mask area, mask as base64 PNG, and with `?heatmap=1` the
 *   continuous map as a base64 16-bit PNG), or the overlay picture when the
 *   request accepts `image/png`, `image/jpeg` or `image/webp` and not JSON;
 *   `?threshold=T` cuts this request's mask at T;
 * - `GET /v1/model`: classes, input normalisation, threshold, model hash;
 * - `GET /healthz`;
 * - `GET /model.onnx` (the demo downloads it) and, through `assets`, the
 *   browser demo.
 *
 * Every failure is a JSON error with its status code; nothing in it names a
 * file or carries a stack trace. Every request is logged as one JSON line
 * (method, path, status, bytes, ms; `request_log.ts`).
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
import { IMAGE_MEDIA_TYPES, type ImageFormat } from "@pointwise/core/lite";
import { errorResponse, ServiceError, toServiceError } from "./errors.ts";
import { type Limits, resolveLimits } from "./limits.ts";
import { LazyModel, type ModelSource } from "./lazy_model.ts";
import type { LocalizeService } from "./localize_service.ts";
import { readImage } from "./read_image.ts";
import { jsonLines, logWhenSent, type RequestLogger } from "./request_log.ts";
import { BodyBudget } from "./read_body.ts";
import { encodeBase64, heatmapFile } from "@pointwise/core/lite";

/** Static files: a response for a path, or undefined when there is none. */
export type Assets = (pathname: string) => Promise<Response | undefined>;

/** Options of {@link createHandler}: the model, and how the service runs. */
export interface HandlerOptions extends ModelSource {
  limits?: Partial<Limits>;
  /** The browser demo's files (served for GET requests no route takes). */
  assets?: Assets;
  /** Where unexpected errors are reported (they never reach the client). */
  log?: (message: string, error: unknown) => void;
  /** Where the one line per request goes [JSON lines on stdout]; `false`: nowhere. */
  requestLog?: RequestLogger | false;
}

/** What `POST /v1/localize` takes in its query string. */
interface LocalizeQuery {
  threshold?: number;
  heatmap: boolean;
}

const QUERY_PARAMETERS = ["threshold", "heatmap"];

/** Reads and checks the query string of a localize request. */
function localizeQuery(url: URL): LocalizeQuery {
  for (const key of url.searchParams.keys()) {
    if (!QUERY_PARAMETERS.includes(key)) {
      throw new ServiceError(
        400,
        "unknown_parameter",
        `unknown query parameter '${key}' (known: ${QUERY_PARAMETERS.join(", ")})`,
      );
    }
  }
  const t = url.searchParams.get("threshold");
  let threshold: number | undefined;
  if (t !== null) {
    threshold = Number(t);
    if (t.trim() === "" || !(threshold >= 0 && threshold <= 1)) {
      throw new ServiceError(
        400,
        "bad_threshold",
        `threshold must be a number in [0, 1], got '${t}'`,
      );
    }
  }
  const h = url.searchParams.get("heatmap");
  if (h !== null && !["0", "1", "true", "false"].includes(h)) {
    throw new ServiceError(400, "bad_heatmap", `heatmap must be 1 or 0, got '${h}'`);
  }
  return { threshold, heatmap: h === "1" || h === "true" };
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

/** The answer to an image: the picture the client asked for, or the JSON with the mask. */
async function localize(
  s: LocalizeService,
  req: Request,
  body: Uint8Array,
  query: { threshold?: number; heatmap: boolean },
): Promise<Response> {
  const l = await s.localize(body, { threshold: query.threshold });
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
    ...(query.heatmap
      ? {
        heatmap: {
          type: "image/png",
          encoding: "base64",
          bitDepth: 16,
          scale: 65535,
          data: encodeBase64(heatmapFile(l.prediction, "png16")),
        },
      }
      : {}),
  });
}

/** What the routes share: the model, the limits, the bodies' memory budget, the demo's files. */
interface Routes {
  model: LazyModel;
  limits: Limits;
  budget: BodyBudget;
  assets?: Assets;
}

/** What the request log records beyond the request itself. */
interface RequestFacts {
  requestBytes: number;
  error?: string;
}

/** The response of the route the request names; throws a ServiceError for the client. */
async function route(r: Routes, req: Request, url: URL, facts: RequestFacts): Promise<Response> {
  const methods = ROUTES[url.pathname];
  if (methods === undefined) {
    if (req.method === "GET" || req.method === "HEAD") {
      const file = r.assets ? await r.assets(url.pathname) : undefined;
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
      await r.model.service();
      return Response.json({ status: "ok" });
    }
    case "/v1/model":
      return Response.json((await r.model.service()).description);
    case "/model.onnx":
      return new Response(await r.model.bytes() as BodyInit, {
        headers: { "content-type": "application/octet-stream" },
      });
    default:
      return await localizeRoute(r, req, url, facts);
  }
}

/** `POST /v1/localize`. */
async function localizeRoute(
  r: Routes,
  req: Request,
  url: URL,
  facts: RequestFacts,
): Promise<Response> {
  const query = localizeQuery(url);
  const s = await r.model.service();
  // Refused before reading when nothing could run or wait; the body is read
  // outside the places, with a deadline, so that a slow client keeps no one
  // waiting.
  s.checkCapacity();
  const image = await readImage(req, r.limits.maxBytes, (n) => facts.requestBytes = n, {
    timeoutMs: r.limits.bodyTimeoutMs,
    budget: r.budget,
  });
  try {
    return await s.admit(() => localize(s, req, image.bytes, query));
  } finally {
    r.budget.give(image.bodyBytes);
  }
}

/** The JSON error answering a failure, with the headers its status calls for. */
function failure(err: ServiceError, url: URL): Response {
  const headers: Record<string, string> = {};
  if (err.status === 405) headers.allow = ROUTES[url.pathname].join(", ");
  if (err.status === 503) headers["retry-after"] = "1";
  // The client may still be sending: the connection is not worth keeping.
  if (err.status === 408 || err.status === 413) headers.connection = "close";
  return errorResponse(err, headers);
}

/**
 * A `fetch` handler for the service; the model loads once, on first need.
 *
 * @param o the model (bytes, or how to get them), limits, backend, demo files and error log.
 * @returns a `fetch` handler: every failure is a JSON error with its status.
 */
export function createHandler(o: HandlerOptions): (req: Request) => Promise<Response> {
  // Checked now, so that bad limits fail at start-up, not on the first request.
  const limits = resolveLimits(o.limits);
  const routes: Routes = {
    model: new LazyModel(o, limits),
    limits,
    budget: new BodyBudget(limits.maxBufferedBytes),
    assets: o.assets,
  };
  const log = o.log ?? ((m, e) => console.error(m, e));
  const requestLog = o.requestLog === false ? undefined : o.requestLog ?? jsonLines;

  async function answer(req: Request, url: URL, facts: RequestFacts): Promise<Response> {
    try {
      return await route(routes, req, url, facts);
    } catch (e) {
      const err = toServiceError(e);
      facts.error = err.code;
      if (err.status === 500) log(`${req.method} ${url.pathname} failed:`, e);
      return failure(err, url);
    }
  }

  return async (req: Request): Promise<Response> => {
    const start = performance.now();
    const url = new URL(req.url);
    const facts: RequestFacts = { requestBytes: 0 };
    let res = await answer(req, url, facts);
    if (requestLog === undefined) return res;
    if (req.method === "HEAD" && res.body !== null) {
      // The server sends no body for HEAD: nothing is counted as sent.
      await res.body.cancel();
      res = new Response(null, { status: res.status, headers: res.headers });
    }
    return logWhenSent(
      res,
      { method: req.method, path: url.pathname, start, ...facts },
      requestLog,
    );
  };
}
