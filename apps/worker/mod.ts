/**
 * Localization as a service: an HTTP handler for `deno serve` and edge
 * runtimes, a Web Worker entry with a promise client, and the browser demo.
 * Web-standard APIs only; the model's bytes are passed in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHandler } from "@pointwise/worker";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * // Deno.serve(createHandler({ model: await Deno.readFile("model.onnx") })) serves it; here, on a free port:
 * const server = Deno.serve({ port: 0, onListen() {} }, createHandler({ model: await tinyOnnx() }));
 * const r = await fetch(`http://localhost:${server.addr.port}/healthz`);
 * assert.deepEqual(await r.json(), { status: "ok" });
 * await server.shutdown();
 * ```
 * @module
 */
export { type Assets, createHandler, type HandlerOptions } from "./http_handler.ts";
export type { ModelSource } from "./lazy_model.ts";
export {
  type Localization,
  LocalizeService,
  type LocalizeSummary,
  type ModelDescription,
  type ServiceOptions,
} from "./localize_service.ts";
export { DEFAULT_LIMITS, type Limits, resolveLimits } from "./limits.ts";
export { type ErrorBody, ServiceError } from "./errors.ts";
export { FILE_FIELD } from "./read_image.ts";
export { jsonLines, type RequestLogEntry, type RequestLogger } from "./request_log.ts";
export { LocalizerClient, WorkerError } from "./client.ts";
export type {
  ImageRequest,
  LoadRequest,
  WorkerRequest,
  WorkerResponse,
  WorkerResult,
} from "./protocol.ts";
