/**
 * One loaded model and what every front end (HTTP handler, Web Worker) does
 * with an image: check its header against the limits, decode it, run the
 * model and describe the result. The model is loaded once; runs are queued
 * so that concurrent requests never share an onnxruntime session mid-run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "@pointwise/core/lite";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { LocalizeService } from "./localize_service.ts";
 * const service = await LocalizeService.load(await tinyOnnx(["benign", "malignant"]));
 * const png = await encodePng({ width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(90) });
 * const { summary } = await service.localize(png);
 * assert.ok(["benign", "malignant"].includes(summary.class));
 * assert.equal(summary.width, 40);
 * await service.dispose();
 * ```
 * @module
 */
import {
  type BackendSetting,
  decodeImage,
  DecoderUnavailableError,
  type ImageFormat,
  type Localizer,
  maskPng,
  type Normalization,
  overlayPicture,
  overlayPng,
  type Prediction,
  type PredictionSummary,
  readImageHeader,
  type RgbImage,
  summarizePrediction,
  UnsupportedImageError,
  withThreshold,
} from "@pointwise/core/lite";
import { loadOnnx } from "@pointwise/runtime/onnx";
import type { RuntimeSetting } from "@pointwise/runtime";
import { ServiceError } from "./errors.ts";
import { type Limits, resolveLimits } from "./limits.ts";
import { Gate } from "./gate.ts";

/** What `GET /v1/model` answers. */
export interface ModelDescription {
  classes: readonly string[];
  normalization: Normalization;
  threshold: number;
  /** `sha256:` and the hex digest of the model file. */
  hash: string;
  bytes: number;
  /** onnxruntime execution provider. */
  provider: string;
  /** `onnxruntime-web` or `onnxruntime-node`. */
  runtime: string;
  /** Threads of onnxruntime's wasm provider (1 off a cross-origin-isolated page). */
  threads: number;
}

/** The JSON-friendly part of a localization. */
export type LocalizeSummary = PredictionSummary;

/** A localization: the summary, and the prediction and image for pictures. */
export interface Localization {
  summary: LocalizeSummary;
  prediction: Prediction;
  image: RgbImage;
}

/** Options of {@link LocalizeService.load}. */
export interface ServiceOptions {
  limits?: Partial<Limits>;
  backend?: BackendSetting;
  /** The model file, named in load errors [model.onnx]. */
  name?: string;
  /** Which onnxruntime (see `@pointwise/runtime`'s `resolveOrtProvider`) [auto]. */
  runtime?: RuntimeSetting;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return "sha256:" + Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The host running out of memory, as opposed to a decoder's RangeError on a
 * damaged file ("Offset is outside the bounds of the DataView"), which is the
 * client's.
 */
function allocationFailed(e: unknown): boolean {
  return e instanceof RangeError &&
    /allocation failed|out of memory|Array buffer allocation/i.test(e.message);
}

/** What to tell a client whose body is not an image; a form upload gets told how to send one. */
function notAnImage(bytes: Uint8Array): string {
  const head = new TextDecoder().decode(bytes.subarray(0, 512));
  if (/^--\S*\r?\n/.test(head) && /content-disposition:\s*form-data/i.test(head)) {
    return "the body is multipart form data, not an image: send the image's bytes " +
      "as the body (curl --data-binary @image.png)";
  }
  return "the body is not a PNG, JPEG, TIFF or WebP image";
}

/** A loaded model behind the service's checks. */
export class LocalizeService {
  #queue: Promise<unknown> = Promise.resolve();
  #gate: Gate;

  private constructor(
    readonly localizer: Localizer,
    readonly description: ModelDescription,
    readonly limits: Limits,
  ) {
    this.#gate = new Gate(limits.maxConcurrent, limits.maxQueued);
  }

  /**
   * Runs one request's work (decode, run, encode) within the limits on
   * requests at once; throws a 503 `busy` error past them. Bodies are read
   * before, outside these places, so that a slow client holds none.
   *
   * @param work the request's work.
   * @returns what the work returns.
   * @throws {ServiceError} 503 `busy` when too many requests wait.
   */
  admit<T>(work: () => Promise<T>): Promise<T> {
    return this.#gate.run(work);
  }

  /** Throws the 503 `busy` error when no request could run or wait now. */
  checkCapacity(): void {
    this.#gate.check();
  }

  /**
   * Loads an exported Pointwise ONNX model from its bytes.
   *
   * @param model the .onnx file's bytes.
   * @param o the limits, the backend and the runtime.
   * @returns the service, its model loaded.
   * @throws {ModelFormatError} for a file of another kind (a checkpoint, an image).
   * @throws {Error} naming the model when onnxruntime cannot load it.
   */
  static async load(model: Uint8Array, o: ServiceOptions = {}): Promise<LocalizeService> {
    const limits = resolveLimits(o.limits);
    // The service runs exported models only: a checkpoint would load TensorFlow.js.
    const localizer = await loadOnnx(model, o.name ?? "model.onnx", {
      backend: o.backend,
      runtime: o.runtime,
    });
    const description: ModelDescription = {
      classes: localizer.classes,
      normalization: localizer.normalization,
      threshold: localizer.threshold,
      hash: await sha256(model),
      bytes: model.length,
      provider: localizer.runtime.provider,
      runtime: localizer.runtime.name,
      threads: localizer.choice.threads,
    };
    return new LocalizeService(localizer, description, limits);
  }

  /**
   * Checks the header, decodes and localizes; errors are {@link ServiceError}s.
   * `o.threshold` cuts this image's mask instead of the model's threshold.
   *
   * @param bytes an image file's bytes.
   * @param o this request's mask threshold.
   * @returns the summary, the prediction and the decoded image.
   * @throws {ServiceError} with a 4xx status for an image the service refuses.
   */
  async localize(bytes: Uint8Array, o: { threshold?: number } = {}): Promise<Localization> {
    if (bytes.length === 0) throw new ServiceError(400, "empty_body", "the request has no image");
    if (bytes.length > this.limits.maxBytes) {
      throw new ServiceError(413, "too_large", `the image is over ${this.limits.maxBytes} bytes`);
    }
    let header;
    try {
      header = readImageHeader(bytes);
    } catch (e) {
      throw e instanceof UnsupportedImageError
        ? new ServiceError(415, "not_an_image", notAnImage(bytes))
        : new ServiceError(400, "bad_image", (e as Error).message);
    }
    const pixels = header.width * header.height;
    if (pixels > this.limits.maxPixels) {
      throw new ServiceError(
        413,
        "too_many_pixels",
        `the image is ${header.width}x${header.height}, over the limit of ${this.limits.maxPixels} pixels`,
      );
    }
    let image: RgbImage;
    try {
      image = await decodeImage(bytes, "image", { maxPixels: this.limits.maxPixels });
    } catch (e) {
      // The host failing (decoder not loadable, memory) is ours to log, not the client's fault.
      const cause = (e as Error).cause;
      if (cause instanceof DecoderUnavailableError || allocationFailed(cause)) throw e;
      throw new ServiceError(
        400,
        "bad_image",
        `the ${header.format} data cannot be decoded: it is truncated or corrupt`,
      );
    }
    if (image.width !== header.width || image.height !== header.height) {
      throw new ServiceError(400, "bad_image", "the image's size disagrees with its header");
    }
    const raw = await this.#run(() => this.localizer.predict(image));
    const prediction = o.threshold === undefined ? raw : withThreshold(raw, o.threshold);
    return {
      summary: summarizePrediction(prediction, this.description.classes),
      prediction,
      image,
    };
  }

  /**
   * The binary mask as a black and white PNG.
   *
   * @param l a localization.
   * @returns the PNG bytes.
   */
  maskPng(l: Localization): Promise<Uint8Array> {
    return maskPng(l.prediction);
  }

  /**
   * R+ as a heat map over the image, the mask outlined, as PNG.
   *
   * @param l a localization.
   * @returns the PNG bytes.
   */
  overlayPng(l: Localization): Promise<Uint8Array> {
    return overlayPng(l.image, l.prediction);
  }

  /**
   * The overlay in `format` (JPEG and WebP at quality 90).
   *
   * @param l a localization.
   * @param format the picture's format.
   * @returns the picture's bytes.
   */
  overlay(l: Localization, format: ImageFormat): Promise<Uint8Array> {
    return overlayPicture(l.image, l.prediction, format);
  }

  /** Releases the model. */
  async dispose(): Promise<void> {
    await this.#queue.catch(() => {});
    await this.localizer.dispose();
  }

  #run<T>(f: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(f, f);
    this.#queue = next.catch(() => {});
    return next;
  }
}
