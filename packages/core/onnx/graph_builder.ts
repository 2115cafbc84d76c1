/**
 * A small builder of ONNX graphs on top of the ONNX schema as compiled by
 * protobufjs (`onnx-proto`): unique value names, initializers (float32 and
 * int64, stored as raw little-endian bytes), and nodes with typed attributes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GraphBuilder } from "./graph_builder.ts";
 * const g = new GraphBuilder();
 * const y = g.op("Relu", ["x"]);
 * const z = g.op("Relu", [y]);
 * assert.deepEqual([y, z], ["relu", "relu_1"]); // value names are unique
 * assert.equal(g.nodes.length, 2);
 * ```
 * @module
 */
import onnxProto from "onnx-proto";

/** The ONNX schema namespace. */
export const onnx = onnxProto.onnx;

/** An attribute value, with its ONNX type. */
export type Attr =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] };

const A = onnx.AttributeProto.AttributeType;
const T = onnx.TensorProto.DataType;

function attribute(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  if ("i" in a) return { name, type: A.INT, i: a.i };
  if ("f" in a) return { name, type: A.FLOAT, f: a.f };
  if ("s" in a) return { name, type: A.STRING, s: new TextEncoder().encode(a.s) };
  if ("ints" in a) return { name, type: A.INTS, ints: a.ints };
  return { name, type: A.FLOATS, floats: a.floats };
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Collects the nodes and initializers of one graph. */
export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #used = new Set<string>();
  #counter = 0;

  constructor() {
    if (!littleEndian()) throw new Error("ONNX export needs a little-endian host");
  }

  /** A fresh value name starting with `prefix`. */
  name(prefix: string): string {
    let n = prefix;
    while (this.#used.has(n)) n = `${prefix}_${++this.#counter}`;
    this.#used.add(n);
    return n;
  }

  /** Adds a float32 initializer; returns its name. */
  float(name: string, data: Float32Array, dims: number[]): string {
    const n = this.name(name);
    const raw = new Uint8Array(
      data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    );
    this.initializers.push({ name: n, dims, dataType: T.FLOAT, rawData: raw });
    return n;
  }

  /** Adds an int64 initializer; returns its name. */
  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    const n = this.name(name);
    const raw = new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer);
    this.initializers.push({ name: n, dims, dataType: T.INT64, rawData: raw });
    return n;
  }

  /** Adds a node with one output; returns the output's name. */
  op(
    opType: string,
    inputs: string[],
    attrs: Record<string, Attr> = {},
    hint = opType.toLowerCase(),
  ): string {
    return this.opN(opType, inputs, 1, attrs, hint)[0];
  }

  /** Adds a node with `outputs` outputs; returns their names. */
  opN(
    opType: string,
    inputs: string[],
    outputs: number,
    attrs: Record<string, Attr> = {},
    hint = opType.toLowerCase(),
  ): string[] {
    const out = Array.from(
      { length: outputs },
      (_, i) => this.name(outputs > 1 ? `${hint}_${i}` : hint),
    );
    this.nodes.push({
      opType,
      name: this.name(`node_${hint}`),
      input: inputs,
      output: out,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }
}

/** A float32 tensor value with the given (possibly symbolic) dimensions. */
export function floatValue(
  name: string,
  dims: (number | string)[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: T.FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}
