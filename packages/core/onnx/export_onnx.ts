/**
 * Exports a checkpoint's inference graph to ONNX (IR 8, opset 17), in NCHW:
 *
 * - input `image`: float32 [batch, 3, height, width], normalised as the
 *   metadata says (symbolic batch, height and width: any size; the images of
 *   a batch share one size and do not affect one another);
 * - in the graph: reflect padding to multiples of 32, the localizer pass,
 *   M+, its upsampling, the pseudo-binary mask R+, X+ = X R+, the classifier
 *   at the configured scale, and the reference's crop of R+ back to the image;
 *   both resizes gather and blend the same taps, computed with the same
 *   integer arithmetic, as the TensorFlow.js model, so the two agree to float
 *   rounding;
 * - outputs `logits` [batch, C] (classifier on X+), `mask` [batch, 1, height,
 *   width] (R+, min-max normalised per image), `localizer_logits` [batch, C]
 *   and `class_maps` [batch, C, h, w]: the
 *   localizer's class maps at the map grid of the padded image, before
 *   WILDCAT pooling (what whole-slide inference stitches across tiles).
 *
 * BatchNorm is folded into the convolutions; the two passes share the same
 * initializers. Classes, normalisation, threshold, the input scale (`resize`:
 * the runtime scales the image by it before the graph and the mask back) and
 * config go into the model's metadata, so a consumer needs nothing else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { sniffFileType } from "../io/file_type.ts";
 * import { buildModel } from "../model/build.ts";
 * import { Rng } from "../util/rng.ts";
 * import { exportOnnx } from "./export_onnx.ts";
 * // A checkpoint of an untrained tiny network (a run's best.safetensors, decoded, in practice).
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const net = buildModel(config, ["benign", "malignant"], new Rng(0));
 * const bytes = exportOnnx({ config, classes: ["benign", "malignant"], weights: await net.store.read() });
 * net.dispose();
 * assert.equal(sniffFileType(bytes), "onnx");
 * assert.throws(
 *   () => exportOnnx({ config: { ...config, method: "cam" }, classes: ["a", "b"], weights: new Map() }),
 *   /min-max models/,
 * );
 * ```
 * @module
 */
import type { Checkpoint } from "../io/checkpoint.ts";
import { NORMALIZATION } from "../data/normalize.ts";
import { hwioToOihw } from "../io/layout.ts";
import type { NamedArray } from "../util/named_array.ts";
import { blockGeometry } from "../nn/output_stride.ts";
import { foldBatchNorm } from "./fold_batch_norm.ts";
import { floatValue, GraphBuilder, onnx } from "./graph_builder.ts";
import { hw, resizeGraph } from "./resize_graph.ts";

/** The IR version and opset written, both accepted by onnxruntime-web 1.30 and onnx 1.12. */
export const ONNX_IR_VERSION = 8;
/** The opset written. */
export const ONNX_OPSET = 17;
/** Marks models written by {@link exportOnnx}. */
export const ONNX_FORMAT = "pointwise-onnx-1";

class Exporter {
  readonly g = new GraphBuilder();
  readonly #convs = new Map<string, { w: string; b: string; k: number }>();

  constructor(readonly c: Checkpoint) {}

  #get(name: string): NamedArray {
    const t = this.c.weights.get(name);
    if (t === undefined) throw new Error(`cannot export: the checkpoint has no ${name}`);
    return t;
  }

  /** Initializers of a convolution with its BatchNorm folded in (created once). */
  #convParams(conv: string, bn: string): { w: string; b: string; k: number } {
    const key = `${conv}|${bn}`;
    let p = this.#convs.get(key);
    if (p === undefined) {
      const w = hwioToOihw(this.#get(`${conv}.weight`));
      const folded = foldBatchNorm(w, {
        gamma: this.#get(`${bn}.weight`).data,
        beta: this.#get(`${bn}.bias`).data,
        mean: this.#get(`${bn}.running_mean`).data,
        variance: this.#get(`${bn}.running_var`).data,
      });
      p = {
        w: this.g.float(`${conv}.weight`, folded.weight.data, folded.weight.shape),
        b: this.g.float(`${conv}.bias`, folded.bias, [folded.bias.length]),
        k: w.shape[2],
      };
      this.#convs.set(key, p);
    }
    return p;
  }

  /** Conv + folded BatchNorm, PyTorch's symmetric padding (dilation * floor(k / 2)). */
  convBn(x: string, conv: string, bn: string, stride: number, dilation = 1): string {
    const p = this.#convParams(conv, bn);
    const pad = dilation * Math.floor(p.k / 2);
    return this.g.op("Conv", [x, p.w, p.b], {
      kernel_shape: { ints: [p.k, p.k] },
      strides: { ints: [stride, stride] },
      pads: { ints: [pad, pad, pad, pad] },
      ...(dilation > 1 ? { dilations: { ints: [dilation, dilation] } } : {}),
    }, conv.replaceAll(".", "_"));
  }

  relu(x: string): string {
    return this.g.op("Relu", [x]);
  }

  /** The ResNet backbone, as the weights describe it. */
  backbone(x: string): string {
    let y: string;
    if (this.c.weights.has("conv3.weight") && this.c.weights.has("conv2.weight")) {
      y = this.relu(this.convBn(x, "conv1", "bn1", 2));
      y = this.relu(this.convBn(y, "conv2", "bn2", 1));
      y = this.relu(this.convBn(y, "conv3", "bn3", 1));
    } else {
      y = this.relu(this.convBn(x, "conv1", "bn1", 2));
    }
    y = this.g.op("MaxPool", [y], {
      kernel_shape: { ints: [3, 3] },
      strides: { ints: [2, 2] },
      pads: { ints: [1, 1, 1, 1] },
    });
    const bottleneck = this.c.weights.has("layer1.0.conv3.weight");
    for (let l = 1; l <= 4; l++) {
      for (let b = 0; this.c.weights.has(`layer${l}.${b}.conv1.weight`); b++) {
        const p = `layer${l}.${b}`;
        const { stride, first, rest } = blockGeometry(this.c.config.outputStride, l - 1, b);
        let z: string;
        if (bottleneck) {
          z = this.relu(this.convBn(y, `${p}.conv1`, `${p}.bn1`, 1));
          z = this.relu(this.convBn(z, `${p}.conv2`, `${p}.bn2`, stride, first));
          z = this.convBn(z, `${p}.conv3`, `${p}.bn3`, 1);
        } else {
          z = this.relu(this.convBn(y, `${p}.conv1`, `${p}.bn1`, stride, first));
          z = this.convBn(z, `${p}.conv2`, `${p}.bn2`, 1, rest);
        }
        const identity = this.c.weights.has(`${p}.downsample.0.weight`)
          ? this.convBn(y, `${p}.downsample.0`, `${p}.downsample.1`, stride)
          : y;
        y = this.relu(this.g.op("Add", [z, identity]));
      }
    }
    return y;
  }

  /** A WILDCAT head: scores [N, C] and flat class maps [N, C, h*w]. */
  head(features: string, name: string): { scores: string; flat: string; conv: string } {
    const { modalities, kmax } = this.c.config;
    const classes = this.c.classes.length;
    const w = hwioToOihw(this.#get(`${name}.to_modalities.weight`));
    const conv = this.g.op(
      "Conv",
      [
        features,
        this.g.float(`${name}.to_modalities.weight`, w.data, w.shape),
        this.g.float(`${name}.to_modalities.bias`, this.#get(`${name}.to_modalities.bias`).data, [
          w.shape[0],
        ]),
      ],
      { kernel_shape: { ints: [1, 1] } },
      `${name}_modalities`,
    );
    const grouped = this.g.op("Reshape", [
      conv,
      this.g.int64("grouped_shape", [0, classes, modalities, -1]),
    ]);
    const flat = this.g.op(
      "ReduceMean",
      [grouped],
      { axes: { ints: [2] }, keepdims: { i: 0 } },
      `${name}_maps`,
    );
    // k from the number of cells n, as the reference's get_k (at least 1).
    const n = this.g.op("Shape", [flat], { start: { i: 2 }, end: { i: 3 } }, `${name}_cells`);
    let k: string;
    if (kmax < 1) {
      const nf = this.g.op("Cast", [n], { to: { i: onnx.TensorProto.DataType.FLOAT } });
      const kf = this.g.op("Round", [
        this.g.op("Mul", [nf, this.g.float("kmax", Float32Array.of(kmax), [])]),
      ]);
      const ki = this.g.op("Cast", [kf], { to: { i: onnx.TensorProto.DataType.INT64 } });
      k = this.g.op("Max", [ki, this.g.int64("one", [1])], {}, `${name}_k`);
    } else if (kmax === 1) {
      k = n;
    } else {
      k = this.g.op("Min", [n, this.g.int64("kmax_cells", [Math.floor(kmax)])], {}, `${name}_k`);
    }
    const [top] = this.g.opN("TopK", [flat, k], 2, {
      axis: { i: -1 },
      largest: { i: 1 },
      sorted: { i: 1 },
    }, `${name}_top`);
    const scores = this.g.op(
      "ReduceMean",
      [top],
      { axes: { ints: [-1] }, keepdims: { i: 0 } },
      `${name}_scores`,
    );
    return { scores, flat, conv };
  }

  /** Reflect padding to multiples of 32: before = d // 2, after = d - before. */
  #pad(image: string): { size: string; padded: string; paddedSize: string } {
    const g = this.g;
    const size = hw(g, image);
    const d = g.op("Mod", [
      g.op("Sub", [
        g.int64("stride", [32, 32]),
        g.op("Mod", [size, g.int64("stride_mod", [32, 32])]),
      ]),
      g.int64("stride_mod2", [32, 32]),
    ]);
    const before = g.op("Div", [d, g.int64("two", [2, 2])]);
    const after = g.op("Sub", [d, before]);
    const pads = g.op("Concat", [
      g.int64("no_pad", [0, 0]),
      before,
      g.int64("no_pad2", [0, 0]),
      after,
    ], { axis: { i: 0 } });
    const padded = g.op("Pad", [image, pads], { mode: { s: "reflect" } }, "padded");
    const paddedSize = hw(this.g, padded);
    return { size, padded, paddedSize };
  }

  /** The localizer pass: its scores, its class maps, and M+ upsampled to the padded image. */
  #localizer(padded: string, paddedSize: string) {
    const g = this.g;
    const cfg = this.c.config;
    // M+ = sum_c softmax(scores)_c map_c.
    const seg = this.head(this.backbone(padded), "headseg");
    const p = g.op("Unsqueeze", [
      g.op("Softmax", [seg.scores], { axis: { i: 1 } }),
      g.int64("axis2", [2]),
    ]);
    const mFlat = g.op("ReduceSum", [g.op("Mul", [seg.flat, p]), g.int64("axis1", [1])], {
      keepdims: { i: 1 },
    });
    const lowShape = g.op("Concat", [g.int64("batch_one", [0, 1]), hw(this.g, seg.conv)], {
      axis: { i: 0 },
    });
    const mLow = g.op("Reshape", [mFlat, lowShape], {}, "m_low");
    // The localizer's class maps before anything image-level, for whole-slide
    // inference (stitched across tiles, then pooled over the whole slide).
    const classCount = this.c.classes.length;
    const mapsShape = g.op("Concat", [g.int64("batch_c", [0, classCount]), hw(this.g, seg.conv)], {
      axis: { i: 0 },
    });
    const classMaps = g.op("Reshape", [seg.flat, mapsShape], {}, "class_maps_4d");
    const m = resizeGraph(
      g,
      mLow,
      { from: hw(g, seg.conv), to: paddedSize },
      cfg.maskUpsample,
      cfg.outputStride,
      "m_pos",
    );
    return { seg, classMaps, m };
  }

  /** R+ = sigmoid(w ((M - min) / (max - min) - sigma)), min and max over the image. */
  #pseudoMask(m: string): string {
    const g = this.g;
    const cfg = this.c.config;
    const lo = g.op("ReduceMin", [m], { axes: { ints: [1, 2, 3] }, keepdims: { i: 1 } });
    const range = g.op("Max", [
      g.op("Sub", [g.op("ReduceMax", [m], { axes: { ints: [1, 2, 3] }, keepdims: { i: 1 } }), lo]),
      g.float("tiny", Float32Array.of(1e-12), []),
    ]);
    const norm = g.op("Div", [g.op("Sub", [m, lo]), range]);
    const r = g.op(
      "Sigmoid",
      [g.op("Mul", [
        g.op("Sub", [norm, g.float("sigma", Float32Array.of(cfg.maskSigma), [])]),
        g.float("w", Float32Array.of(cfg.maskW), []),
      ])],
      {},
      "r_pos",
    );
    return r;
  }

  /** The classifier's logits on X+ resized by the classifier scale (floor, align_corners). */
  #classifier(padded: string, r: string, paddedSize: string): string {
    const g = this.g;
    const cfg = this.c.config;
    const int64 = onnx.TensorProto.DataType.INT64;
    const float = onnx.TensorProto.DataType.FLOAT;
    const xPos = g.op("Mul", [padded, r], {}, "x_pos");
    const small = g.op("Cast", [
      g.op("Floor", [
        g.op("Mul", [
          g.op("Cast", [paddedSize], { to: { i: float } }),
          g.float("scale", Float32Array.of(cfg.classifierScale), []),
        ]),
      ]),
    ], { to: { i: int64 } });
    const xSmall = resizeGraph(
      g,
      xPos,
      { from: paddedSize, to: small },
      "align-corners",
      cfg.outputStride,
      "x_small",
    );
    const cls = this.head(this.backbone(xSmall), "cl32");
    return cls.scores;
  }

  /** The reference's crop of R+ back to the image: start = padded // 2 - size // 2. */
  #crop(r: string, size: string, paddedSize: string): string {
    const g = this.g;
    const start = g.op("Sub", [
      g.op("Div", [paddedSize, g.int64("two2", [2, 2])]),
      g.op("Div", [size, g.int64("two3", [2, 2])]),
    ]);
    const mask = g.op(
      "Slice",
      [r, start, g.op("Add", [start, size]), g.int64("hw_axes", [2, 3])],
      {},
      "mask_slice",
    );
    return mask;
  }

  /** The graph's named outputs. */
  #outputs(o: { logits: string; mask: string; seg: string; classMaps: string }): void {
    const g = this.g;
    g.nodes.push(
      {
        opType: "Identity",
        name: g.name("node_out_logits"),
        input: [o.logits],
        output: ["logits"],
      },
      { opType: "Identity", name: g.name("node_out_mask"), input: [o.mask], output: ["mask"] },
      {
        opType: "Identity",
        name: g.name("node_out_seg"),
        input: [o.seg],
        output: ["localizer_logits"],
      },
      {
        opType: "Identity",
        name: g.name("node_out_class_maps"),
        input: [o.classMaps],
        output: ["class_maps"],
      },
    );
  }

  build(): Uint8Array {
    const image = "image";
    const { size, padded, paddedSize } = this.#pad(image);
    const { seg, classMaps, m } = this.#localizer(padded, paddedSize);
    const r = this.#pseudoMask(m);
    const logits = this.#classifier(padded, r, paddedSize);
    const mask = this.#crop(r, size, paddedSize);
    this.#outputs({ logits, mask, seg: seg.scores, classMaps });
    return this.#model(image);
  }

  /** The model: the graph, its inputs and outputs, and the metadata a consumer needs. */
  #model(image: string): Uint8Array {
    const g = this.g;
    const cfg = this.c.config;
    const classes = this.c.classes.length;
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      producerName: "pointwise",
      producerVersion: "0.1.0",
      modelVersion: 1,
      docString:
        "Min-max entropy localizer. Input: normalised images [N,3,H,W]. Outputs: classifier " +
        "logits on X+, the mask R+ at image size (threshold in metadata), the localizer's " +
        "logits, and its class maps at the map grid of the image padded to multiples of 32.",
      opsetImport: [{ domain: "", version: ONNX_OPSET }],
      metadataProps: [
        { key: "format", value: ONNX_FORMAT },
        { key: "classes", value: JSON.stringify(this.c.classes) },
        { key: "normalization", value: JSON.stringify(this.c.normalization ?? NORMALIZATION) },
        { key: "threshold", value: "0.5" },
        // Images are scaled by this before the graph, and the mask back after it.
        { key: "resize", value: String(cfg.resize) },
        { key: "input_layout", value: "NCHW" },
        { key: "config", value: JSON.stringify(cfg) },
      ],
      graph: {
        name: "pointwise",
        node: g.nodes,
        initializer: g.initializers,
        input: [floatValue(image, ["batch", 3, "height", "width"])],
        output: [
          floatValue("logits", ["batch", classes]),
          floatValue("mask", ["batch", 1, "height", "width"]),
          floatValue("localizer_logits", ["batch", classes]),
          floatValue("class_maps", ["batch", classes, "map_height", "map_width"]),
        ],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/**
 * The ONNX model of a checkpoint; throws for what it cannot express.
 *
 * @param c a min-max model's checkpoint.
 * @returns the .onnx file's bytes.
 * @throws {Error} for a baseline or a setting ONNX cannot express.
 */
export function exportOnnx(c: Checkpoint): Uint8Array {
  if (c.config.method !== "minmax") {
    throw new Error(`ONNX export supports min-max models, not the '${c.config.method}' baseline`);
  }
  if (!Number.isFinite(c.config.kmax) || c.config.kmax <= 0) {
    throw new Error(`cannot export kmax ${c.config.kmax}`);
  }
  return new Exporter(c).build();
}
