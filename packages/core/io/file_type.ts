/**
 * What kind of file some bytes are, read from their first bytes, so that a
 * file given in the wrong place gets an error that says what it is and what
 * to do, not the parse error of another format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffFileType } from "./file_type.ts";
 * assert.equal(sniffFileType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "png");
 * assert.equal(sniffFileType(new Uint8Array()), "empty");
 * ```
 * @module
 */

/** The kinds of file Pointwise can tell apart. */
export type FileType =
  | "safetensors"
  | "onnx"
  | "pytorch"
  | "pickle"
  | "png"
  | "jpeg"
  | "tiff"
  | "webp"
  | "gzip"
  | "text"
  | "empty"
  | "unknown";

/** A phrase for messages: "a PNG image", "an ONNX model". */
export const FILE_TYPE_NAMES: Readonly<Record<FileType, string>> = {
  safetensors: "a safetensors file",
  onnx: "an ONNX model",
  pytorch: "a PyTorch checkpoint (.pth/.pt)",
  pickle: "a Python pickle",
  png: "a PNG image",
  jpeg: "a JPEG image",
  tiff: "a TIFF image",
  webp: "a WebP image",
  gzip: "a gzip archive",
  text: "a text file",
  empty: "an empty file",
  unknown: "a file of unknown type",
};

const starts = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

function isSafetensors(b: Uint8Array): boolean {
  if (b.length < 10) return false;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = view.getBigUint64(0, true);
  return n > 1n && n <= BigInt(b.length - 8) && b[8] === 0x7b; // '{'
}

/**
 * An ONNX ModelProto as the ONNX writers lay it out: `ir_version` (field 1,
 * a varint) first, and a small version number.
 */
function isOnnx(b: Uint8Array): boolean {
  return b.length > 4 && b[0] === 0x08 && b[1] >= 3 && b[1] <= 20 && (b[2] & 0x07) !== 0x07;
}

function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 512);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) return false;
  }
  return true;
}

/**
 * The file type of `bytes`, from their first bytes.
 *
 * @param bytes the file's first bytes.
 * @returns what they look like, from their signature.
 */
export function sniffFileType(bytes: Uint8Array): FileType {
  const b = bytes;
  if (b.length === 0) return "empty";
  if (starts(b, [0x89, 0x50, 0x4e, 0x47])) return "png";
  if (starts(b, [0xff, 0xd8, 0xff])) return "jpeg";
  if (starts(b, [0x49, 0x49, 0x2a, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (starts(b, [0x49, 0x49, 0x2b, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2b])) return "tiff";
  if (starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b, [0x57, 0x45, 0x42, 0x50], 8)) return "webp";
  if (starts(b, [0x50, 0x4b, 0x03, 0x04])) return "pytorch";
  // Before the pickle test: a safetensors header of 640 to 1535 bytes starts
  // with 0x80 0x02..0x05 (its length, little-endian), as a pickle does.
  if (isSafetensors(b)) return "safetensors";
  if (b[0] === 0x80 && b.length > 1 && b[1] >= 2 && b[1] <= 5) return "pickle";
  if (starts(b, [0x1f, 0x8b])) return "gzip";
  if (isOnnx(b)) return "onnx";
  if (isText(b)) return "text";
  return "unknown";
}
