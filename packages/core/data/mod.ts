/**
 * Images and datasets: decoding and encoding, image headers, split files,
 * data specifications (a folder or a built-in dataset) and their loading,
 * the synthetic blobs and cluttered MNIST digits, normalisation, the
 * reference's inference padding, and training augmentation. No tensor
 * library is loaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticDataset } from "@pointwise/core/data";
 * const ds = syntheticDataset({ count: 2, size: 64, classes: 2, seed: 1 });
 * assert.equal(ds.samples.length, 2);
 * assert.deepEqual(ds.classes, ["stripes", "dots"]);
 * ```
 * @module
 */
export {
  type BinaryMask,
  decodeImage,
  decodeMask,
  type DecodeOptions,
  DEFAULT_MAX_PIXELS,
  ImageTooLargeError,
  type RgbImage,
} from "./image.ts";
export {
  decodeRgba,
  DecoderUnavailableError,
  type InputImageFormat,
  type RgbaPixels,
  sniffFormat,
  UnsupportedImageError,
} from "./codecs.ts";
export {
  encodeImage,
  encodeJpeg,
  encodeMaskPng,
  type EncodeOptions,
  encodePng,
  EncoderUnavailableError,
  encodeWebp,
  IMAGE_EXTENSIONS,
  IMAGE_FORMATS,
  IMAGE_MEDIA_TYPES,
  type ImageFormat,
} from "./encode.ts";
export { type ImageHeader, readImageHeader } from "./image_header.ts";
export { parseSplitCsv, type SplitRow } from "./csv.ts";
export {
  classesFromLabels,
  type Dataset,
  loadSplit,
  type LoadSplitOptions,
  outsidePathProblem,
  type ReadFile,
  type Sample,
  SplitFileError,
} from "./dataset.ts";
export {
  ClassMismatchError,
  type DataSpec,
  describeDataSpec,
  loadData,
  type LoadDataOptions,
  SPLIT_SEEDS,
} from "./data_spec.ts";
export {
  SYNTHETIC_CLASSES,
  syntheticDataset,
  type SyntheticOptions,
  syntheticSample,
} from "./synthetic.ts";
export {
  clutteredDigits,
  type ClutteredDigitsOptions,
  DIGIT_SIDE,
  DIGIT_SPLITS,
  type DigitSource,
} from "./cluttered_digits.ts";
export { loadMnist } from "./mnist_source.ts";
export {
  NORMALIZATION,
  type Normalization,
  normalizationProblem,
  normalizeChw,
  normalizeInto,
} from "./normalize.ts";
export { cropBack, type PaddedInput, padForInference, padImage } from "./padding.ts";
export { augment, type AugmentOptions } from "./augment.ts";
export {
  resample,
  restoreMapSize,
  scaleDataset,
  scaledSize,
  scaleImage,
  scaleMask,
} from "./rescale.ts";
export { colorJitter, type JitterOptions } from "./color_jitter.ts";
