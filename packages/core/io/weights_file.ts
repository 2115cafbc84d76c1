/**
 * Weight files by their content, not their name: PyTorch's `.pth`/`.pt`
 * (a zip archive, or the legacy pickle) or safetensors (an 8-byte header
 * length, then a JSON object). Both give the same {@link SafetensorsFile}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeWeightsFile, weightsFormat } from "./weights_file.ts";
 * const bytes = await Deno.readFile(new URL("../../../tests/fixtures/pth/tensors.pth", import.meta.url));
 * assert.equal(weightsFormat(bytes), "pytorch");
 * assert.ok(decodeWeightsFile(bytes, "tensors.pth").tensors.has("conv.weight"));
 * ```
 * @module
 */
import { decodePytorch, isPytorch } from "./pytorch.ts";
import { decodeSafetensors, type SafetensorsFile } from "./safetensors.ts";
import { sniffFileType } from "./file_type.ts";
import { WeightsFormatError } from "./model_errors.ts";

/**
 * The format of a weight file from its first bytes, or null.
 *
 * @param bytes the file's first bytes.
 */
export function weightsFormat(bytes: Uint8Array): "pytorch" | "safetensors" | null {
  if (isPytorch(bytes)) return "pytorch";
  // safetensors: a little-endian u64 header length, then "{".
  if (bytes.length >= 9 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0) {
    return "safetensors";
  }
  return null;
}

/**
 * Reads a safetensors or PyTorch weight file; `name` (the file) goes into every error.
 *
 * @param bytes a safetensors or PyTorch file.
 * @param name the file, named in every error.
 * @returns its tensors.
 * @throws {WeightsFormatError} for another kind of file (an ONNX model, an image), saying which.
 */
export function decodeWeightsFile(bytes: Uint8Array, name: string): SafetensorsFile {
  const format = weightsFormat(bytes);
  if (format === "pytorch") return decodePytorch(bytes, name);
  if (format === "safetensors") return decodeSafetensors(bytes, name);
  throw new WeightsFormatError(name, sniffFileType(bytes));
}
