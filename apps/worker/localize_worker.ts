/**
 * Web Worker entry: load the model with `{ id, model }`, then send
 * `{ id, image }` messages; each is answered with `{ id, result }` or
 * `{ id, error }` (see `protocol.ts`). `client.ts` wraps it in promises.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * const worker = new Worker(import.meta.resolve("@pointwise/worker/worker"), { type: "module" });
 * const answer = (m: unknown) =>
 *   new Promise<{ id: number; result?: { classes: string[] }; error?: unknown }>((resolve) => {
 *     worker.onmessage = (e) => resolve(e.data);
 *     worker.postMessage(m);
 *   });
 * assert.deepEqual(await answer({ id: 1, image: new Uint8Array(8) }), {
 *   id: 1,
 *   error: { code: "not_loaded", message: "send { id, model } before images" },
 * });
 * const loaded = await answer({ id: 2, model: await tinyOnnx(["benign", "malignant"]) });
 * assert.deepEqual(loaded.result?.classes, ["benign", "malignant"]);
 * worker.terminate();
 * ```
 * @module
 */
import type { RgbImage } from "@pointwise/core/lite";
import { ServiceError, toServiceError } from "./errors.ts";
import { LocalizeService } from "./localize_service.ts";
import type { WorkerRequest, WorkerResponse, WorkerResult } from "./protocol.ts";

interface Scope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as Scope;
let service: Promise<LocalizeService> | undefined;

async function handle(m: WorkerRequest): Promise<[WorkerResponse, Transferable[]]> {
  if (m === null || typeof m !== "object" || typeof m.id !== "number") {
    throw new ServiceError(400, "bad_message", "messages are { id, model } or { id, image }");
  }
  if ("model" in m && m.model instanceof Uint8Array) {
    if (service) throw new ServiceError(409, "already_loaded", "the model is already loaded");
    // A failed load is forgotten, so that the caller may send a model again.
    service = LocalizeService.load(m.model, { limits: m.limits, backend: m.backend });
    service.catch(() => (service = undefined));
    return [{ id: m.id, result: (await service).description }, []];
  }
  if (!("image" in m) || !(m.image instanceof Uint8Array)) {
    throw new ServiceError(400, "bad_message", "messages are { id, model } or { id, image }");
  }
  if (!service) throw new ServiceError(409, "not_loaded", "send { id, model } before images");
  const s = await service;
  return await s.admit(async () => {
    const l = await s.localize(m.image);
    const result: WorkerResult = {
      ...l.summary,
      maskPng: await s.maskPng(l),
      overlayPng: await s.overlayPng(l),
    };
    if (m.raw === true) {
      result.map = l.prediction.mask;
      result.rgba = toRgba(l.image);
    }
    const transfer = [result.maskPng, result.overlayPng, result.map, result.rgba]
      .flatMap((a) => a === undefined ? [] : [a.buffer as ArrayBuffer]);
    return [{ id: m.id, result }, transfer];
  });
}

/** RGB to RGBA, as canvases take it. */
function toRgba(image: RgbImage): Uint8ClampedArray {
  const n = image.width * image.height;
  const rgba = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    rgba[4 * i] = image.data[3 * i];
    rgba[4 * i + 1] = image.data[3 * i + 1];
    rgba[4 * i + 2] = image.data[3 * i + 2];
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

function fail(id: unknown, err: unknown): void {
  const { code, message } = toServiceError(err);
  scope.postMessage({ id: typeof id === "number" ? id : -1, error: { code, message } });
}

scope.onmessage = (e) => {
  const m = e.data;
  handle(m)
    .then(([response, transfer]) => scope.postMessage(response, transfer))
    // Also when the answer itself cannot be sent: the caller must not wait forever.
    .catch((err) => fail(m?.id, err));
};
