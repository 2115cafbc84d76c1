// Byte-level builders for the bad-input corpus: PNG chunks with their CRCs,
// JPEG segment surgery, safetensors files with any header, and ONNX models
// with any signature. Deterministic: the same call gives the same bytes.
import onnxProto from "onnx-proto";
import { encodePng } from "@pointwise/core/lite";

const enc = new TextEncoder();

/** Bytes of a string. */
export const utf8 = (s: string): Uint8Array => enc.encode(s);

/** Concatenation. */
export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG uses it. */
export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const v of b) c = CRC_TABLE[(c ^ v) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
}

/** A PNG chunk with its length and CRC. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = cat(utf8(type), data);
  return cat(u32(data.length), body, u32(crc32(body)));
}

/** The PNG signature. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** An IHDR chunk. */
export function ihdr(w: number, h: number, depth = 8, colorType = 2, interlace = 0): Uint8Array {
  return chunk("IHDR", cat(u32(w), u32(h), Uint8Array.of(depth, colorType, 0, 0, interlace)));
}

/** zlib (deflate) of `raw`. */
export async function deflate(raw: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([raw as BlobPart]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** A PNG with a hand-made IHDR and the given (already filtered) scanlines. */
export async function rawPng(
  w: number,
  h: number,
  scanlines: Uint8Array,
  o: { depth?: number; colorType?: number; extra?: Uint8Array[] } = {},
): Promise<Uint8Array> {
  return cat(
    PNG_SIGNATURE,
    ihdr(w, h, o.depth ?? 8, o.colorType ?? 2),
    ...(o.extra ?? []),
    chunk("IDAT", await deflate(scanlines)),
    chunk("IEND", new Uint8Array()),
  );
}

/** A valid RGB PNG of a smooth pattern. */
export function patternPng(w: number, h: number): Promise<Uint8Array> {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 3 * (y * w + x);
      data[i] = (x * 255) / Math.max(1, w - 1);
      data[i + 1] = (y * 255) / Math.max(1, h - 1);
      data[i + 2] = ((x + y) * 7) & 255;
    }
  }
  return encodePng({ width: w, height: h, data });
}

/** A copy with the width and height of the first JPEG frame header (SOFn) replaced. */
export function jpegWithSize(jpeg: Uint8Array, w: number, h: number): Uint8Array {
  const out = jpeg.slice();
  const at = sofOffset(out);
  new DataView(out.buffer).setUint16(at + 5, h);
  new DataView(out.buffer).setUint16(at + 7, w);
  return out;
}

/** A copy with the frame header's marker (SOF0, SOF2...) replaced by `marker`. */
export function jpegWithMarker(jpeg: Uint8Array, marker: number, precision?: number): Uint8Array {
  const out = jpeg.slice();
  const at = sofOffset(out);
  out[at + 1] = marker;
  if (precision !== undefined) out[at + 4] = precision;
  return out;
}

/** Offset of the first SOFn marker. */
export function sofOffset(b: Uint8Array): number {
  let i = 2;
  while (i + 4 <= b.length) {
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return i;
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  throw new Error("no frame header");
}

/** Safetensors bytes with any header object and data. */
export function safetensors(
  header: unknown,
  data: Uint8Array = new Uint8Array(),
  rawHeader?: string,
): Uint8Array {
  const json = utf8(rawHeader ?? JSON.stringify(header));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
  return cat(len, json, data);
}

/** float32 values as little-endian bytes. */
export function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

const { onnx } = onnxProto;

/** A dimension: a number, or a symbolic name. */
export type Dim = number | string;

/** A graph input or output. */
export interface Value {
  name: string;
  dims: Dim[];
  elemType?: number;
}

function valueInfo(v: Value): onnxProto.onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: v.elemType ?? 1,
        shape: {
          dim: v.dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d }),
        },
      },
    },
  };
}

/** A node. */
export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: onnxProto.onnx.IAttributeProto[];
}

/** A Pointwise model's metadata for two classes, with any entry replaced (undefined removes it). */
export function pointwiseMeta(
  over: Record<string, string | undefined> = {},
): Record<string, string> {
  const meta: Record<string, string | undefined> = {
    classes: '["benign","malignant"]',
    normalization: '{"mean":[0.5,0.5,0.5],"std":[0.5,0.5,0.5]}',
    threshold: "0.5",
    input_layout: "NCHW",
    ...over,
  };
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

/** An ONNX model with the given signature, nodes, metadata and versions. */
export function onnxModel(o: {
  inputs: Value[];
  outputs: Value[];
  nodes: Node[];
  meta?: Record<string, string>;
  initializers?: onnxProto.onnx.ITensorProto[];
  irVersion?: number;
  opset?: number;
}): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: o.irVersion ?? 8,
    opsetImport: [{ domain: "", version: o.opset ?? 17 }],
    producerName: "pointwise-corpus",
    graph: {
      name: "corpus",
      node: o.nodes.map((n) => ({
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: n.attrs ?? [],
      })),
      input: o.inputs.map(valueInfo),
      output: o.outputs.map(valueInfo),
      initializer: o.initializers ?? [],
    },
    metadataProps: Object.entries(o.meta ?? {}).map(([key, value]) => ({ key, value })),
  }).finish();
}

/** An int64s attribute. */
export const ints = (name: string, v: number[]): onnxProto.onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: v,
});

/** An int attribute. */
export const int = (name: string, v: number): onnxProto.onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INT,
  i: v,
});

/** A float32 tensor constant for an initializer. */
export function floatTensor(
  name: string,
  dims: number[],
  values: number[],
): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: 1, rawData: f32(values) };
}

/** A deterministic byte generator (xorshift32). */
export function noise(n: number, seed: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 255;
  }
  return out;
}

/** A TIFF entry: tag, type (3 SHORT, 4 LONG), value. */
export type TiffEntry = [number, number, number];

/** A little-endian TIFF with one IFD of the given entries, followed by `data`. */
export function tiff(entries: TiffEntry[], data: Uint8Array = new Uint8Array()): Uint8Array {
  const ifdSize = 2 + 12 * entries.length + 4;
  const out = new Uint8Array(8 + ifdSize + data.length);
  const v = new DataView(out.buffer);
  out.set([0x49, 0x49, 0x2a, 0]);
  v.setUint32(4, 8, true);
  v.setUint16(8, entries.length, true);
  [...entries].sort((a, b) => a[0] - b[0]).forEach(([tag, type, value], i) => {
    const p = 10 + 12 * i;
    v.setUint16(p, tag, true);
    v.setUint16(p + 2, type, true);
    v.setUint32(p + 4, 1, true);
    if (type === 3) v.setUint16(p + 8, value, true);
    else v.setUint32(p + 8, value, true);
  });
  out.set(data, 8 + ifdSize);
  return out;
}

/** The offset where {@link tiff} puts its data. */
export const tiffDataOffset = (entries: number) => 8 + 2 + 12 * entries + 4;

/** A WebP file: RIFF header and one chunk. */
export function webp(fourcc: string, payload: Uint8Array): Uint8Array {
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, payload.length, true);
  const riff = new Uint8Array(4);
  new DataView(riff.buffer).setUint32(0, 4 + 8 + payload.length, true);
  return cat(utf8("RIFF"), riff, utf8("WEBP"), utf8(fourcc), size, payload);
}
