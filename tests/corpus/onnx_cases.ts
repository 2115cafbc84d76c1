// ONNX files given to predict: each names the file and says what is wrong,
// from the bytes (not ONNX at all) to the graph (not a Pointwise model's
// signature, or outputs that break it at run time) and its metadata.
import type { CorpusBuilder } from "./builder.ts";
import {
  cat,
  f32,
  floatTensor,
  int,
  ints,
  type Node,
  noise,
  onnxModel,
  pointwiseMeta,
  safetensors,
  utf8,
  type Value,
} from "./bytes.ts";

const IMAGE: Value = { name: "image", dims: [1, 3, "height", "width"] };
const MASK: Value = { name: "mask", dims: [1, 1, "height", "width"] };
const LOGITS: Value = { name: "logits", dims: [1, 2] };

/**
 * A graph with a Pointwise model's signature: the mask is the sigmoid of the
 * channel mean, the logits a product of the mean colour by `w`.
 */
const NODES: Node[] = [
  {
    op: "ReduceMean",
    inputs: ["image"],
    outputs: ["grey"],
    attrs: [ints("axes", [1]), int("keepdims", 1)],
  },
  { op: "Sigmoid", inputs: ["grey"], outputs: ["mask"] },
  {
    op: "ReduceMean",
    inputs: ["image"],
    outputs: ["colour"],
    attrs: [ints("axes", [2, 3]), int("keepdims", 0)],
  },
  { op: "MatMul", inputs: ["colour", "w"], outputs: ["logits"] },
];

const weights = (classes = 2) => [
  floatTensor("w", [3, classes], Array.from({ length: 3 * classes }, (_, i) => i - 2)),
];

/** The small graph, with any part replaced. */
const mini = (o: Partial<Parameters<typeof onnxModel>[0]> = {}) =>
  onnxModel({
    inputs: [IMAGE],
    outputs: [LOGITS, MASK],
    nodes: NODES,
    initializers: weights(),
    meta: pointwiseMeta(),
    ...o,
  });

/** A ModelProto with metadata and no graph. */
function withoutGraph(): Uint8Array {
  const key = utf8("classes");
  const value = utf8('["a","b"]');
  const prop = cat(Uint8Array.of(0x0a, key.length), key, Uint8Array.of(0x12, value.length), value);
  return cat(Uint8Array.of(0x08, 0x08, 0x72, prop.length), prop);
}

/** Adds the ONNX cases. */
export function onnxCases(b: CorpusBuilder): void {
  const valid = mini();
  // The small graph runs: a control that the cases below fail for their own reason.
  b.file("onnx/valid-mini.onnx", valid);
  const rows: [string, Uint8Array, string][] = [
    ["empty", new Uint8Array(), "the file is empty"],
    ["text", utf8("ir_version: 8\ngraph {}\n"), "not a valid ONNX model"],
    [
      "noise",
      cat(Uint8Array.of(0x08, 0x08), noise(200, 12)),
      "not a valid ONNX model|onnxruntime cannot load",
    ],
    [
      "truncated",
      valid.slice(0, Math.floor(valid.length * 0.6)),
      "not a valid ONNX model|onnxruntime cannot load",
    ],
    ["no-graph", withoutGraph(), "it has no graph"],
    ["no-metadata", mini({ meta: {} }), "not a Pointwise model.*export"],
    [
      "classes-not-json",
      mini({ meta: pointwiseMeta({ classes: "[benign" }) }),
      "classes metadata is not valid JSON",
    ],
    ["one-class", mini({ meta: pointwiseMeta({ classes: '["only"]' }) }), "not a Pointwise model"],
    [
      "std-zero",
      mini({ meta: pointwiseMeta({ normalization: '{"mean":[0,0,0],"std":[0,1,1]}' }) }),
      "normalisation is invalid",
    ],
    [
      "normalization-not-json",
      mini({ meta: pointwiseMeta({ normalization: "{" }) }),
      "normalization metadata is not valid JSON",
    ],
    [
      "threshold-word",
      mini({ meta: pointwiseMeta({ threshold: "half" }) }),
      "threshold metadata must be a number from 0 to 1",
    ],
    [
      "threshold-high",
      mini({ meta: pointwiseMeta({ threshold: "7" }) }),
      "threshold metadata must be a number from 0 to 1",
    ],
    [
      "unrelated-graph",
      onnxModel({
        inputs: [{ name: "image", dims: [1, 3, 224, 224] }],
        outputs: [{ name: "logits", dims: [1, 1000] }, { name: "mask", dims: [1, 1000] }],
        nodes: [
          {
            op: "ReduceMean",
            inputs: ["image"],
            outputs: ["logits"],
            attrs: [ints("axes", [2, 3]), int("keepdims", 0)],
          },
          { op: "Identity", inputs: ["logits"], outputs: ["mask"] },
        ],
        meta: pointwiseMeta(),
      }),
      "not a Pointwise model's: 'image' is float \\[1, 3, 224, 224\\]",
    ],
    [
      "fixed-size-input",
      mini({ inputs: [{ name: "image", dims: [1, 3, 224, 224] }] }),
      "'image' is float \\[1, 3, 224, 224\\], expected float \\[1, 3, height, width\\]",
    ],
    [
      "one-channel-input",
      mini({ inputs: [{ name: "image", dims: [1, 1, "h", "w"] }] }),
      "'image' is float \\[1, 1, h, w\\]",
    ],
    [
      "int-input",
      mini({ inputs: [{ name: "image", dims: [1, 3, "h", "w"], elemType: 7 }] }),
      "'image' is not float",
    ],
    [
      "logits-five-classes",
      mini({ outputs: [{ name: "logits", dims: [1, 5] }, MASK], initializers: weights(5) }),
      "'logits' is float \\[1, 5\\], expected float \\[1, 2\\]",
    ],
    [
      "mask-rank-3",
      mini({ outputs: [LOGITS, { name: "mask", dims: [1, "h", "w"] }] }),
      "'mask' is float \\[1, h, w\\]",
    ],
    [
      "two-inputs",
      mini({ inputs: [IMAGE, { name: "extra", dims: [1] }] }),
      "expects one input named 'image'",
    ],
    [
      "input-misnamed",
      onnxModel({
        inputs: [{ name: "pixels", dims: [1, 3, "h", "w"] }],
        outputs: [LOGITS, MASK],
        nodes: [],
        meta: pointwiseMeta(),
      }),
      "expects one input named 'image'",
    ],
    ["no-mask-output", mini({ outputs: [LOGITS] }), "has no 'mask' output"],
    [
      "logits-wrong-at-run",
      mini({ initializers: weights(5) }),
      "output 'logits' is \\[1,5\\].*expected float32 \\[1,2\\]|onnxruntime cannot load",
    ],
    [
      "unknown-operator",
      mini({
        nodes: [...NODES.slice(0, 3), {
          op: "Frobnicate",
          inputs: ["colour", "w"],
          outputs: ["logits"],
        }],
      }),
      "onnxruntime cannot load it",
    ],
    ["ir-version-99", mini({ irVersion: 99 }), "onnxruntime cannot load it"],
    ["opset-99", mini({ opset: 99 }), "onnxruntime cannot load it"],
    [
      "initializer-short",
      mini({ initializers: [{ name: "w", dims: [3, 2], dataType: 1, rawData: f32([1, 2]) }] }),
      "onnxruntime cannot load it|onnxruntime failed",
    ],
    [
      "checkpoint-named-onnx",
      safetensors({
        __metadata__: { format: "x" },
        w: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
      }, f32([1])),
      "not a Pointwise checkpoint",
    ],
  ];
  for (const [id, bytes, problem] of rows) {
    const path = b.file(`onnx/${id}.onnx`, bytes);
    b.cli(
      "onnx",
      `onnx-${id}`,
      ["predict", "--model", path, "{image}", "--out", "{out}"],
      1,
      `${id}.onnx`,
      problem,
    );
  }
}
