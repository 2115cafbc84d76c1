/**
 * Errors of reading a model file, shared by every loader, so that front ends
 * can say what to do (export to ONNX, import a PyTorch file) without
 * matching message text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelFormatError } from "./model_errors.ts";
 * assert.equal(
 *   new ModelFormatError("a.png", "png", ["onnx"]).message,
 *   "a.png: a PNG image, not an ONNX model",
 * );
 * ```
 * @module
 */
import { FILE_TYPE_NAMES, type FileType } from "./file_type.ts";

/** The model formats Pointwise runs. */
export type ModelFormat = "checkpoint" | "onnx";

/** A file that is not a model of an accepted format; says what it is instead. */
export class ModelFormatError extends Error {
  override name = "ModelFormatError";

  /**
   * @param file the file given as a model.
   * @param found what its first bytes say it is.
   * @param accepted the formats that were acceptable.
   */
  constructor(
    readonly file: string,
    readonly found: FileType,
    readonly accepted: readonly ModelFormat[],
  ) {
    const want = accepted.map((f) => f === "onnx" ? "an ONNX model" : "a Pointwise checkpoint")
      .join(" or ");
    const what = found !== "safetensors"
      ? FILE_TYPE_NAMES[found]
      : accepted.includes("checkpoint")
      ? "a safetensors file without Pointwise's metadata"
      : "a checkpoint, which runs only in TensorFlow.js";
    super(`${file}: ${what}, not ${want}`);
  }
}

/**
 * A file given as weights (safetensors or a PyTorch .pth/.pt) that is
 * another kind of file; says what it is.
 */
export class WeightsFormatError extends Error {
  override name = "WeightsFormatError";

  /**
   * @param file the file given as weights.
   * @param found what its first bytes say it is.
   */
  constructor(readonly file: string, readonly found: FileType) {
    super(
      `${file}: ${FILE_TYPE_NAMES[found]}, not a weight file (safetensors or PyTorch .pth/.pt)`,
    );
  }
}

/** An ONNX file that was not exported by Pointwise (its metadata names no classes). */
export class NotAPointwiseModelError extends Error {
  override name = "NotAPointwiseModelError";

  /** @param file the model file. */
  constructor(readonly file: string) {
    super(`${file}: not a Pointwise model (its metadata names no classes)`);
  }
}
