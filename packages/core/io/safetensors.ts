/**
 * The safetensors container: an 8-byte little-endian header length, a JSON
 * header mapping names to `{dtype, shape, data_offsets}` (plus an optional
 * `__metadata__` string map), then the raw little-endian tensor bytes.
 * Reading converts F64, F32, F16 and BF16 tensors to float32; integer and
 * boolean tensors (such as BatchNorm's `num_batches_tracked`) are checked
 * and listed but not converted. Malformed headers, out-of-range or
 * overlapping offsets, unknown dtypes and shapes that disagree with byte
 * counts are rejected; every error names the file and the tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors(new Map([["w", { shape: [2], data: Float32Array.of(1, 2) }]]), { a: "b" });
 * const back = decodeSafetensors(bytes, "w.safetensors");
 * assert.deepEqual(back.tensors.get("w"), { shape: [2], data: Float32Array.of(1, 2) });
 * assert.equal(back.metadata.a, "b");
 * ```
 * @module
 */
import type { NamedArray } from "../util/named_array.ts";

const FLOAT_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };
const OTHER_BYTES: Record<string, number> = {
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
const MAX_HEADER = 100 * 1024 * 1024;

/** A tensor of a non-float dtype, described but not converted. */
export interface OtherTensor {
  dtype: string;
  shape: number[];
}

/** Decoded file contents. */
export interface SafetensorsFile {
  /** Floating-point tensors, as float32. */
  tensors: Map<string, NamedArray>;
  /** Integer and boolean tensors. */
  others: Map<string, OtherTensor>;
  metadata: Record<string, string>;
}

/**
 * Writes float32 tensors and string metadata as safetensors bytes.
 *
 * @param tensors float32 tensors by name.
 * @param metadata strings stored in the header.
 * @returns the file's bytes.
 */
export function encodeSafetensors(
  tensors: Map<string, NamedArray>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) {
      throw new Error(
        `tensor ${name}: shape [${t.shape}] holds ${n} values, data has ${t.data.length}`,
      );
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += " ".repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (littleEndian()) out.set(bytes, pos);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + 4 * i, t.data[i], true);
    pos += bytes.length;
  }
  return out;
}

/**
 * Reads safetensors bytes; `name` (the file) goes into every error.
 *
 * @param bytes the file's bytes.
 * @param name the file, named in every error.
 * @returns the floating-point tensors (as float32), the others' descriptions and the metadata.
 * @throws {Error} naming the file when its header or data is malformed.
 */
export function decodeSafetensors(bytes: Uint8Array, name: string): SafetensorsFile {
  const { header, dataStart } = readHeader(bytes, name);
  const dataLen = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const spans: Span[] = [];
  const tensors = new Map<string, NamedArray>();
  const others = new Map<string, OtherTensor>();
  for (const [key, entry] of Object.entries(header)) {
    if (key === "__metadata__") {
      metadata = readMetadata(entry, name);
      continue;
    }
    const { dtype, shape, begin, end } = checkEntry(entry, `${name}: tensor ${key}`, dataLen);
    spans.push({ name: key, begin, end });
    if (dtype in FLOAT_BYTES) {
      const count = shape.reduce((a, b) => a * b, 1);
      tensors.set(key, { shape, data: toFloat32(bytes, dataStart + begin, count, dtype) });
    } else others.set(key, { dtype, shape });
  }
  refuseOverlaps(spans, name);
  return { tensors, others, metadata };
}

/** The header's JSON object and where the data starts. */
function readHeader(
  bytes: Uint8Array,
  name: string,
): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) {
    throw new Error(`${name}: too short to be a safetensors file (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    throw new Error(
      `${name}: header length ${headerLen} runs past the end of the file (${bytes.length} bytes)`,
    );
  }
  const hl = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + hl)),
    );
  } catch (e) {
    throw new Error(`${name}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new Error(`${name}: the header is not a JSON object`);
  }
  return { header: header as Record<string, unknown>, dataStart: 8 + hl };
}

/** `__metadata__`: an object of strings. */
function readMetadata(entry: unknown, name: string): Record<string, string> {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new Error(`${name}: __metadata__ is not an object`);
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (typeof v !== "string") throw new Error(`${name}: metadata '${k}' is not a string`);
    metadata[k] = v;
  }
  return metadata;
}

/** A tensor's bytes in the data section. */
interface Span {
  name: string;
  begin: number;
  end: number;
}

/** A tensor entry, checked: a known dtype, a shape, offsets within the data that fit the shape. */
function checkEntry(
  entry: unknown,
  where: string,
  dataLen: number,
): { dtype: string; shape: number[]; begin: number; end: number } {
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (e === null || typeof e !== "object" || Array.isArray(e)) {
    throw new Error(`${where}: entry is not an object`);
  }
  const dtype = e.dtype as string;
  const size = FLOAT_BYTES[dtype] ?? OTHER_BYTES[dtype];
  if (size === undefined) throw new Error(`${where}: unknown dtype ${JSON.stringify(e.dtype)}`);
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where}: invalid shape ${JSON.stringify(e.shape)}`);
  }
  const off = e.data_offsets;
  if (
    !Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o) && o >= 0)
  ) {
    throw new Error(`${where}: invalid data_offsets ${JSON.stringify(off)}`);
  }
  const [begin, end] = off as number[];
  if (begin > end || end > dataLen) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] run past the data (${dataLen} bytes)`,
    );
  }
  const shape = e.shape as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (count * size !== end - begin) {
    throw new Error(
      `${where}: shape [${shape}] of ${e.dtype} needs ${count * size} bytes, offsets give ${
        end - begin
      }`,
    );
  }
  return { dtype, shape, begin, end };
}

/** Refuses tensors whose bytes overlap. */
function refuseOverlaps(spans: Span[], name: string): void {
  spans.sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].begin < spans[i - 1].end) {
      throw new Error(`${name}: tensors ${spans[i - 1].name} and ${spans[i].name} overlap`);
    }
  }
}

function toFloat32(bytes: Uint8Array, start: number, count: number, dtype: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * FLOAT_BYTES[dtype]);
  const out = new Float32Array(count);
  if (dtype === "F64") {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
  } else if (dtype === "F32") {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (dtype === "BF16") {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) u[i] = view.getUint16(2 * i, true) << 16;
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  }
  return out;
}

/** IEEE 754 half precision bits to a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
