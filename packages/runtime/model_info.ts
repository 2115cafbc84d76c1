/**
 * What a Pointwise ONNX model says about itself: classes, input
 * normalisation, mask threshold and config, from the model's metadata, read
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
  classes: string[];
  normalization: Normalization;
  threshold: number;
  config?: Config;
  inputs: string[];
  outputs: string[];
}

function parse<T>(text: string | undefined, what: string, name: string): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${name}: the model's ${what} metadata is not valid JSON`);
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
  return {
    classes,
    normalization,
    threshold,
    config: parse<Config>(meta.get("config"), "config", name),
    inputs,
    outputs,
  };
}
