/**
 * Messages between an application and the localization Web Worker.
 *
 * - `{ id, model }`: load the exported .onnx model (once, first);
 * - `{ id, image }`: localize PNG or JPEG bytes (`raw: true` adds the map
 *   and the decoded pixels);
 * - answers: `{ id, result }` or `{ id, error }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { WorkerRequest, WorkerResponse } from "./protocol.ts";
 * const request: WorkerRequest = { id: 1, image: new Uint8Array(), raw: true };
 * const refused: WorkerResponse = { id: 1, error: { code: "empty_body", message: "the request has no image" } };
 * assert.equal(refused.id, request.id);
 * ```
 * @module
 */
import type { BackendSetting } from "@pointwise/core/lite";
import type { Limits } from "./limits.ts";
import type { LocalizeSummary, ModelDescription } from "./localize_service.ts";

/** Loads the model. */
export interface LoadRequest {
  id: number;
  model: Uint8Array;
  limits?: Partial<Limits>;
  backend?: BackendSetting;
}

/** Localizes one image. */
export interface ImageRequest {
  id: number;
  image: Uint8Array;
  /**
   * Also answer the map and the decoded pixels ({@link WorkerResult.map},
   * {@link WorkerResult.rgba}), for a page that draws them itself.
   */
  raw?: boolean;
}

/** What the worker accepts. */
export type WorkerRequest = LoadRequest | ImageRequest;

/** A localization, with the pictures as PNG bytes. */
export interface WorkerResult extends LocalizeSummary {
  /** The binary mask, black and white PNG. */
  maskPng: Uint8Array;
  /** R+ as a heat map over the image, mask outlined, PNG. */
  overlayPng: Uint8Array;
  /** With `raw`: the map at image resolution, row-major, in [0, 1] (R+ for min-max). */
  map?: Float32Array;
  /** With `raw`: the image as the model saw it, RGBA (alpha 255), row-major. */
  rgba?: Uint8ClampedArray;
}

/** What the worker answers. */
export type WorkerResponse =
  | { id: number; result: WorkerResult | ModelDescription }
  | { id: number; error: { code: string; message: string } };
