/**
 * What one prediction becomes outside the process, written once for every
 * front end (the CLI's `predict`, the HTTP API, the Web Worker and the
 * browser demo): a JSON-friendly summary, the pictures (the binary mask
 * as a black and white PNG, the map as a heat map over the image with the
 * mask outlined, as PNG, JPEG or WebP) and the continuous map itself (a
 * 16-bit grayscale PNG or a float32 `.npy`, both read back by `eval --maps`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makePrediction } from "./prediction.ts";
 * import { maskPng, summarizePrediction } from "./prediction_files.ts";
 * const p = makePrediction({ width: 2, height: 1, mask: Float32Array.of(0.9, 0.1),
 *   logits: [0.1, 1.2], classes: ["a", "b"], threshold: 0.5 });
 * const summary = summarizePrediction(p, ["a", "b"]);
 * assert.equal(summary.maskPixels, 1);
 * assert.equal(summary.class, "b");
 * assert.deepEqual((await maskPng(p)).subarray(1, 4), new TextEncoder().encode("PNG"));
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import { encodeImage, encodeMaskPng, type ImageFormat } from "../data/encode.ts";
import { heatmapOverlay } from "../viz/overlay.ts";
import type { Prediction } from "./prediction.ts";
import { encodeHeatmapPng16 } from "../io/heatmap_png.ts";
import { encodeNpy } from "../io/npy.ts";

/** The JSON-friendly part of a prediction. */
export interface PredictionSummary {
  class: string;
  classIndex: number;
  /** The classifier's probabilities (on X+ for min-max), by class name. */
  probabilities: Record<string, number>;
  /** The localizer head's own probabilities, by class name (empty when the runtime has none). */
  localizerProbabilities: Record<string, number>;
  width: number;
  height: number;
  threshold: number;
  /** Fraction of the image in the mask. */
  maskArea: number;
  /** Pixels in the mask. */
  maskPixels: number;
}

/**
 * The summary of a prediction.
 *
 * @param p the prediction.
 * @param classes the model's class names, in label order.
 * @returns the class, probabilities, size, threshold and mask area.
 */
export function summarizePrediction(p: Prediction, classes: readonly string[]): PredictionSummary {
  const byClass = (probs: number[]) => Object.fromEntries(classes.map((c, k) => [c, probs[k]]));
  return {
    class: p.className,
    classIndex: p.classIndex,
    probabilities: byClass(p.probabilities),
    localizerProbabilities: p.localizerProbabilities.length > 0
      ? byClass(p.localizerProbabilities)
      : {},
    width: p.width,
    height: p.height,
    threshold: p.threshold,
    maskArea: p.maskArea,
    maskPixels: Math.round(p.maskArea * p.width * p.height),
  };
}

/**
 * The binary mask as a black and white PNG.
 *
 * @param p the prediction.
 * @returns the PNG bytes.
 */
export function maskPng(p: Prediction): Promise<Uint8Array> {
  return encodeMaskPng({ width: p.width, height: p.height, data: p.binary });
}

/**
 * The map as a heat map over the image, the mask outlined, as PNG.
 *
 * @param image the image the prediction is of.
 * @param p the prediction.
 * @returns the PNG bytes.
 */
export function overlayPng(image: RgbImage, p: Prediction): Promise<Uint8Array> {
  return overlayPicture(image, p, "png");
}

/**
 * The overlay in `format`. It is a photograph: on a 775x522 GlaS image, JPEG
 * and WebP (quality 90) are 28% and 18% of the PNG.
 *
 * @param image the image the prediction is of.
 * @param p the prediction.
 * @param format PNG, JPEG or WebP.
 * @returns the picture's bytes.
 */
export function overlayPicture(
  image: RgbImage,
  p: Prediction,
  format: ImageFormat,
): Promise<Uint8Array> {
  return encodeImage(heatmapOverlay(image, p.mask, p.binary), format);
}

/** The pictures of one prediction, encoded. */
export interface PredictionPictures {
  mask: Uint8Array;
  overlay: Uint8Array;
}

/**
 * Both pictures of a prediction: the mask as PNG, the overlay in `format` [png].
 *
 * @param image the image the prediction is of.
 * @param p the prediction.
 * @param format the overlay's format.
 * @returns the mask and overlay bytes.
 */
export async function predictionPictures(
  image: RgbImage,
  p: Prediction,
  format: ImageFormat = "png",
): Promise<PredictionPictures> {
  const [mask, overlay] = await Promise.all([maskPng(p), overlayPicture(image, p, format)]);
  return { mask, overlay };
}

/** Formats of the continuous map: a 16-bit grayscale PNG or a float32 `.npy`. */
export const HEATMAP_FORMATS = ["png16", "npy"] as const;
/** A format of the continuous map. */
export type HeatmapFormat = typeof HEATMAP_FORMATS[number];

/**
 * The map itself, values in [0, 1]: as a 16-bit grayscale PNG (value
 * round(v * 65535), to 1/65535, far finer than PxAP's 0.01 steps) or as a
 * float32 `.npy` of shape (height, width), exact, as wsolevaluation reads maps.
 */
export function heatmapFile(p: Prediction, format: HeatmapFormat): Uint8Array {
  return format === "npy"
    ? encodeNpy(p.mask, [p.height, p.width])
    : encodeHeatmapPng16(p.mask, p.width, p.height);
}
