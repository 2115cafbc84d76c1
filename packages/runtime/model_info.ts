/**
 * What a Pointwise ONNX model says about itself: classes, input
 * normalisation, mask threshold, input scale and config, from the model's metadata, read
 * with the ONNX schema (onnx-proto) rather than by hand.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { readModelInfo } from "./model_info.ts";
 * const info = readModelInfo(await tinyOnnx(["benign", "malignant"]), "model.onnx");
 * assert.deepEqual(info.classes, ["benign", "malignant"]);
 * assert.deepEqual(info.inputs, ["image"]);
 * assert.equal(info.threshold, 0.5);
 * ```
 * @module
 */
import onnxProto from "onnx-proto";
import {
  type Config,
  NORMALIZATION,
  type Normalization,
  normalizationProblem,
  NotAPointwiseModelError,
} from "@pointwise/core/lite";

/** A Pointwise ONNX model's description. */
export interface OnnxModelInfo {
  /** The file, named in every error. */
  name: string;
  classes: string[];
  normalization: Normalization;
  threshold: number;
  /** The input scale the model was trained at (metadata `resize`; 1 when absent). */
  resize: number;
  config?: Config;
  inputs: string[];
  outputs: string[];
  /** The batch the graph's input is fixed at, or null when its batch axis is symbolic. */
  batch: number | null;
}

function parse<T>(text: string | undefined, what: string, name: string): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${name}: the model's ${what} metadata is not valid JSON`);
  }
}

/** A dimension as the graph declares it: a number, or a name (symbolic), or unknown. */
type Dim = number | string | undefined;

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;

/** Element type and dimensions of a graph input or output, or why there are none. */
function signature(v: onnxProto.onnx.IValueInfoProto): { float: boolean; dims?: Dim[] } {
  const t = v.type?.tensorType;
  const dims = t?.shape?.dim?.map((d): Dim =>
    d.dimValue !== undefined && d.dimValue !== null && String(d.dimValue) !== "0"
      ? Number(String(d.dimValue))
      : d.dimParam || undefined
  );
  return { float: t?.elemType === FLOAT, dims: t?.shape ? dims ?? [] : undefined };
}

/**
 * Checks the graph's declared inputs and outputs against what a Pointwise
 * model is and what its metadata says: `image` float [1, 3, H, W] with H and W
 * free, `logits` (and `localizer_logits`) float [1, classes], `mask` float
 * [1, 1, H, W]. Metadata copied onto another graph fails here.
 */
function checkSignature(graph: onnxProto.onnx.IGraphProto, classes: number, name: string): void {
  const fail = (what: string) => {
    throw new Error(`${name}: the graph is not a Pointwise model's: ${what}`);
  };
  const fixed = (d: Dim, v: number) => d === undefined || typeof d === "string" || d === v;
  const free = (d: Dim) => typeof d !== "number";
  const shown = (dims: Dim[] | undefined) =>
    dims === undefined ? "no shape" : `[${dims.map((d) => d ?? "?").join(", ")}]`;
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) {
    const role = v.name ?? "";
    const want: Record<string, string> = {
      image: "[1, 3, height, width]",
      mask: "[1, 1, height, width]",
      logits: `[1, ${classes}]`,
      localizer_logits: `[1, ${classes}]`,
    };
    if (!(role in want)) continue;
    const { float, dims } = signature(v);
    const wrong = () =>
      fail(
        `'${role}' is ${float ? "float" : "not float"} ${shown(dims)}, expected float ${
          want[role]
        }`,
      );
    if (!float || dims === undefined) wrong();
    const d = dims!;
    if (role === "image" || role === "mask") {
      const channels = role === "image" ? 3 : 1;
      if (
        d.length !== 4 || !fixed(d[0], 1) || !fixed(d[1], channels) || !free(d[2]) || !free(d[3])
      ) {
        wrong();
      }
    } else if (d.length !== 2 || !fixed(d[0], 1) || !fixed(d[1], classes)) {
      wrong();
    }
  }
}

/**
 * Reads the metadata; errors name the file and say what is wrong.
 *
 * @param bytes the .onnx file's bytes.
 * @param name the file, named in every error.
 * @returns the model's classes, normalisation, threshold, config, inputs and outputs.
 * @throws {NotAPointwiseModelError} for an ONNX model that Pointwise did not export.
 * @throws {Error} naming the file when it is not a valid ONNX model or lacks an input or output.
 */
export function readModelInfo(bytes: Uint8Array, name: string): OnnxModelInfo {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty`);
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(
      `${name}: not a valid ONNX model (${
        (e as Error).message
      }); the file may be truncated or corrupt`,
    );
  }
  if (!model.graph) throw new Error(`${name}: not a valid ONNX model (it has no graph)`);
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""]));
  const classes = parse<string[]>(meta.get("classes"), "classes", name);
  if (
    !Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === "string")
  ) {
    throw new NotAPointwiseModelError(name);
  }
  const normalization = parse<Normalization>(meta.get("normalization"), "normalization", name) ??
    NORMALIZATION;
  const bad = normalizationProblem(normalization);
  if (bad !== null) throw new Error(`${name}: the model's normalisation is invalid: ${bad}`);
  const threshold = Number(meta.get("threshold") ?? "0.5");
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new Error(
      `${name}: the model's threshold metadata must be a number from 0 to 1, got '${
        meta.get("threshold")
      }'`,
    );
  }
  const resize = Number(meta.get("resize") ?? "1");
  if (!(resize > 0) || !Number.isFinite(resize)) {
    throw new Error(
      `${name}: the model's resize metadata must be a number > 0, got '${meta.get("resize")}'`,
    );
  }
  const inputs = (model.graph.input ?? []).map((v) => v.name ?? "");
  const outputs = (model.graph.output ?? []).map((v) => v.name ?? "");
  if (inputs.length !== 1 || inputs[0] !== "image") {
    throw new Error(
      `${name}: expects one input named 'image' [1,3,height,width], has ${JSON.stringify(inputs)}`,
    );
  }
  for (const o of ["logits", "mask"]) {
    if (!outputs.includes(o)) {
      throw new Error(`${name}: has no '${o}' output (outputs: ${outputs.join(", ")})`);
    }
  }
  checkSignature(model.graph, classes.length, name);
  const batchDim = signature(model.graph.input![0]).dims?.[0];
  return {
    name,
    classes,
    normalization,
    threshold,
    resize,
    config: parse<Config>(meta.get("config"), "config", name),
    inputs,
    outputs,
    batch: typeof batchDim === "number" ? batchDim : null,
  };
}
