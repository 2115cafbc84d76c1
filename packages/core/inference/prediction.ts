/**
 * The result of `predict()`, shared by every runtime (TensorFlow.js and
 * onnxruntime), and the one function that builds it from a runtime's raw
 * outputs, so that both derive classes and masks identically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makePrediction } from "./prediction.ts";
 * const p = makePrediction({ width: 2, height: 1, mask: Float32Array.of(0.9, 0.1),
 *   logits: [0.1, 1.2], classes: ["a", "b"], threshold: 0.5 });
 * assert.equal(p.className, "b");
 * assert.deepEqual(Array.from(p.binary), [1, 0]);
 * assert.equal(p.maskArea, 0.5);
 * ```
 * @module
 */
import { softmax } from "../util/softmax.ts";

export { softmax } from "../util/softmax.ts";

/** What `predict()` returns for one image. */
export interface Prediction {
  width: number;
  height: number;
  classIndex: number;
  className: string;
  /** Logits of the classifier on X+, in class order. */
  logits: number[];
  /** Softmax of `logits`. */
  probabilities: number[];
  /** Softmax of the localizer's own head, when the runtime gives it. */
  localizerProbabilities: number[];
  /** The map at image resolution, row-major, in [0, 1]: R+ for min-max, a baseline's normalised map. */
  mask: Float32Array;
  /** mask >= threshold, row-major, 0/1. */
  binary: Uint8Array;
  /** Fraction of pixels in the binary mask. */
  maskArea: number;
  threshold: number;
}

/** Raw outputs of a runtime for one image. */
export interface RawPrediction {
  width: number;
  height: number;
  mask: Float32Array;
  /** Logits of the classifier on X+. */
  logits: ArrayLike<number>;
  /** Logits of the localizer's head, when the runtime gives them. */
  localizerLogits?: ArrayLike<number>;
  classes: readonly string[];
  threshold: number;
}

/**
 * Thresholds the mask and picks the class (the first of equal maxima).
 *
 * @param r the runtime's map and logits, the classes and the threshold.
 * @returns the prediction.
 * @throws {Error} when the map's size is not the image's.
 */
export function makePrediction(r: RawPrediction): Prediction {
  if (r.mask.length !== r.width * r.height) {
    throw new Error(`mask has ${r.mask.length} values for a ${r.width}x${r.height} image`);
  }
  const binary = new Uint8Array(r.mask.length);
  let area = 0;
  for (let i = 0; i < r.mask.length; i++) {
    binary[i] = r.mask[i] >= r.threshold ? 1 : 0;
    area += binary[i];
  }
  const probabilities = softmax(r.logits);
  let classIndex = 0;
  for (let c = 1; c < probabilities.length; c++) {
    if (probabilities[c] > probabilities[classIndex]) classIndex = c;
  }
  return {
    width: r.width,
    height: r.height,
    classIndex,
    className: r.classes[classIndex],
    logits: Array.from(r.logits),
    probabilities,
    localizerProbabilities: r.localizerLogits ? softmax(r.localizerLogits) : [],
    mask: r.mask,
    binary,
    maskArea: r.mask.length > 0 ? area / r.mask.length : 0,
    threshold: r.threshold,
  };
}

/**
 * The same prediction with its mask cut at another threshold (a request's
 * own, where the model is shared): the map, class and probabilities stay.
 */
export function withThreshold(p: Prediction, threshold: number): Prediction {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`a mask threshold is in [0, 1], got ${threshold}`);
  }
  if (threshold === p.threshold) return p;
  const binary = new Uint8Array(p.mask.length);
  let area = 0;
  for (let i = 0; i < p.mask.length; i++) {
    binary[i] = p.mask[i] >= threshold ? 1 : 0;
    area += binary[i];
  }
  return {
    ...p,
    binary,
    maskArea: p.mask.length > 0 ? area / p.mask.length : 0,
    threshold,
  };
}
