/**
 * NumPy's `.npy` format for 2-D float maps, as `np.save` writes and
 * `np.load` reads them: the magic "\x93NUMPY", a version (1.0, 2.0 or 3.0),
 * a header length, a Python-literal header `{'descr': '<f4',
 * 'fortran_order': False, 'shape': (H, W), }` padded to 64 bytes, then the
 * raw values. Only little-endian float32 (`<f4`) and float64 (`<f8`) in C
 * order are read; any other dtype or Fortran order is refused with the file
 * and the reason named.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeNpy, encodeNpy } from "./npy.ts";
 * const bytes = encodeNpy(new Float32Array([0, 0.5, 1, 0.25]), [2, 2]);
 * assert.deepEqual(decodeNpy(bytes, "map.npy"), {
 *   dtype: "<f4",
 *   shape: [2, 2],
 *   data: new Float32Array([0, 0.5, 1, 0.25]),
 * });
 * ```
 * @module
 */

/** A decoded array. */
export interface NpyArray {
  dtype: "<f4" | "<f8";
  shape: number[];
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * True when `bytes` start with the `.npy` magic.
 *
 * @param bytes the file's first bytes.
 * @returns whether they start with numpy's magic string.
 */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Reads a float32 or float64 `.npy` array; `name` (the file) goes into every error.
 *
 * @param bytes a `.npy` file.
 * @param name the file, named in every error.
 * @returns the dtype, shape and values.
 */
export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  const fail = (why: string): never => {
    throw new Error(`${name}: ${why}`);
  };
  if (!isNpy(bytes)) fail("not a .npy file (no \\x93NUMPY magic)");
  if (bytes.length < 10) fail("the .npy header is truncated");
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) fail(`unknown .npy version ${major}.${bytes[7]}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail("the .npy header is truncated");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  if (descr !== "<f4" && descr !== "<f8") {
    fail(
      `dtype '${descr}' is not read: a map must be little-endian float32 ('<f4') or float64 ` +
        "('<f8'); convert it with .astype(np.float32)",
    );
  }
  if (fortran === "True") {
    fail("Fortran-ordered arrays are not read: save np.ascontiguousarray(map)");
  }
  const shape = shapeText!.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const size = descr === "<f4" ? 4 : 8;
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== count * size) {
    fail(
      `shape (${shape.join(", ")}) of ${descr} needs ${count * size} bytes of data, the file has ${
        bytes.length - dataStart
      }`,
    );
  }
  const data = descr === "<f4" ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    data[i] = size === 4
      ? view.getFloat32(dataStart + 4 * i, true)
      : view.getFloat64(dataStart + 8 * i, true);
  }
  return { dtype: descr as "<f4" | "<f8", shape, data };
}

/**
 * Writes a float32 or float64 array of `shape` as version 1.0 `.npy` bytes (C order).
 *
 * @param data the values, C order.
 * @param shape their shape.
 * @returns the `.npy` bytes (version 1.0).
 */
export function encodeNpy(data: Float32Array | Float64Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || count !== data.length) {
    throw new Error(`shape [${shape}] does not hold ${data.length} values`);
  }
  const descr = data instanceof Float32Array ? "<f4" : "<f8";
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // numpy pads with spaces and ends with "\n" so that the data starts 64-byte aligned.
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const size = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(10 + header.length + count * size);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const at = 10 + header.length;
  for (let i = 0; i < count; i++) {
    if (size === 4) view.setFloat32(at + 4 * i, data[i], true);
    else view.setFloat64(at + 8 * i, data[i], true);
  }
  return out;
}
