/**
 * ResNet-18/34/50/101 backbones in NHWC, with the reference's "deep stem"
 * (three 3x3 convolutions, 3->64->64->128) as an option and a width
 * multiplier so tests can build tiny networks. Features come from layer4 at
 * stride 32, as in the reference; nothing is taken from earlier layers.
 *
 * Deliberate option: an output stride of 16 or 8 with dilated convolutions,
 * the DeepLab way (`output_stride.ts`); the weights are the same tensors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { Rng } from "../util/rng.ts";
 * import { ParamStore } from "./module.ts";
 * import { ResNet } from "./resnet.ts";
 * const store = new ParamStore();
 * const net = new ResNet(store, { depth: 18, deepStem: false, width: 0.0625 }, new Rng(0));
 * const features = tf.tidy(() => net.apply(tf.zeros([1, 64, 96, 3]), { training: false }));
 * assert.deepEqual(features.shape, [1, 2, 3, net.outChannels]); // stride 32
 * assert.ok(store.names().includes("layer4.1.conv2.weight")); // the reference's names
 * tf.dispose(features);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Rng } from "../util/rng.ts";
import { BatchNorm2d } from "./batch_norm.ts";
import { Conv2d } from "./conv2d.ts";
import { convBn, convBnRelu } from "./conv_bn.ts";
import type { ForwardContext, ParamStore } from "./module.ts";
import { type BlockGeometry, blockGeometry } from "./output_stride.ts";

/** Supported depths. */
export type ResNetDepth = 18 | 34 | 50 | 101;

/** Shape of a backbone. */
export interface ResNetOptions {
  depth: ResNetDepth;
  /** Three 3x3 stem convolutions (reference) instead of one 7x7. */
  deepStem: boolean;
  /** Channel multiplier; 1 is the standard network. */
  width: number;
  /** 32 (reference), 16 or 8; see the module comment. */
  outputStride?: number;
}

const LAYOUT: Record<ResNetDepth, { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
  101: { blocks: [3, 4, 23, 3], bottleneck: true },
};

/** Scales a channel count by the width multiplier, keeping at least one channel. */
export function scaled(channels: number, width: number): number {
  return Math.max(1, Math.round(channels * width));
}

interface Block {
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D;
}

class Downsample {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  constructor(
    store: ParamStore,
    name: string,
    inC: number,
    outC: number,
    stride: number,
    rng: Rng,
  ) {
    this.conv = new Conv2d(store, `${name}.0`, { inC, outC, k: 1, stride, pad: 0 }, rng);
    this.bn = new BatchNorm2d(store, `${name}.1`, outC);
  }
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return convBn(this.conv, this.bn, x, ctx);
  }
}

type Dilation = Omit<BlockGeometry, "stride">;

const UNDILATED: Dilation = { first: 1, rest: 1, projection: false };

class BasicBlock implements Block {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Downsample | null;

  constructor(
    store: ParamStore,
    name: string,
    inC: number,
    planes: number,
    stride: number,
    rng: Rng,
    d: Dilation = UNDILATED,
  ) {
    this.conv1 = new Conv2d(
      store,
      `${name}.conv1`,
      { inC, outC: planes, k: 3, stride, dilation: d.first },
      rng,
    );
    this.bn1 = new BatchNorm2d(store, `${name}.bn1`, planes);
    this.conv2 = new Conv2d(
      store,
      `${name}.conv2`,
      { inC: planes, outC: planes, k: 3, dilation: d.rest },
      rng,
    );
    this.bn2 = new BatchNorm2d(store, `${name}.bn2`, planes);
    this.downsample = d.projection || stride !== 1 || inC !== planes
      ? new Downsample(store, `${name}.downsample`, inC, planes, stride, rng)
      : null;
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const y = convBnRelu(this.conv1, this.bn1, x, null, ctx);
    const identity = this.downsample ? this.downsample.apply(x, ctx) : x;
    return convBnRelu(this.conv2, this.bn2, y, identity, ctx);
  }
}

class Bottleneck implements Block {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly downsample: Downsample | null;

  constructor(
    store: ParamStore,
    name: string,
    inC: number,
    planes: number,
    stride: number,
    rng: Rng,
    d: Dilation = UNDILATED,
  ) {
    const outC = planes * Bottleneck.expansion;
    this.conv1 = new Conv2d(store, `${name}.conv1`, { inC, outC: planes, k: 1, pad: 0 }, rng);
    this.bn1 = new BatchNorm2d(store, `${name}.bn1`, planes);
    // The stride sits on the 3x3 convolution, as in the reference and torchvision.
    this.conv2 = new Conv2d(
      store,
      `${name}.conv2`,
      { inC: planes, outC: planes, k: 3, stride, dilation: d.first },
      rng,
    );
    this.bn2 = new BatchNorm2d(store, `${name}.bn2`, planes);
    this.conv3 = new Conv2d(store, `${name}.conv3`, { inC: planes, outC, k: 1, pad: 0 }, rng);
    this.bn3 = new BatchNorm2d(store, `${name}.bn3`, outC);
    this.downsample = d.projection || stride !== 1 || inC !== outC
      ? new Downsample(store, `${name}.downsample`, inC, outC, stride, rng)
      : null;
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    let y = convBnRelu(this.conv1, this.bn1, x, null, ctx);
    y = convBnRelu(this.conv2, this.bn2, y, null, ctx);
    const identity = this.downsample ? this.downsample.apply(x, ctx) : x;
    return convBnRelu(this.conv3, this.bn3, y, identity, ctx);
  }
}

/** A ResNet feature extractor (stem + layer1..layer4). */
export class ResNet {
  /** Channels of the stride-32 output. */
  readonly outChannels: number;
  readonly #stem: { conv: Conv2d; bn: BatchNorm2d }[] = [];
  readonly #layers: Block[][] = [];

  /** The stride of the output features with respect to the input. */
  readonly outputStride: number;

  constructor(store: ParamStore, readonly options: ResNetOptions, rng: Rng) {
    const { depth, deepStem, width } = options;
    const outputStride = options.outputStride ?? 32;
    const layout = LAYOUT[depth];
    if (layout === undefined) throw new Error(`unsupported ResNet depth ${depth}`);
    if (!(width > 0)) throw new Error(`width multiplier must be > 0, got ${width}`);
    blockGeometry(outputStride, 0, 0); // validates it
    this.outputStride = outputStride;
    const c64 = scaled(64, width);
    let inC: number;
    if (deepStem) {
      const c128 = scaled(128, width);
      const specs = [[3, c64, 2], [c64, c64, 1], [c64, c128, 1]];
      specs.forEach(([i, o, s], j) => {
        this.#stem.push({
          conv: new Conv2d(store, `conv${j + 1}`, { inC: i, outC: o, k: 3, stride: s }, rng),
          bn: new BatchNorm2d(store, `bn${j + 1}`, o),
        });
      });
      inC = c128;
    } else {
      this.#stem.push({
        conv: new Conv2d(store, "conv1", { inC: 3, outC: c64, k: 7, stride: 2, pad: 3 }, rng),
        bn: new BatchNorm2d(store, "bn1", c64),
      });
      inC = c64;
    }
    const expansion = layout.bottleneck ? Bottleneck.expansion : BasicBlock.expansion;
    const planes = [64, 128, 256, 512].map((p) => scaled(p, width));
    for (let l = 0; l < 4; l++) {
      const blocks: Block[] = [];
      for (let b = 0; b < layout.blocks[l]; b++) {
        const { stride, ...d } = blockGeometry(outputStride, l, b);
        const name = `layer${l + 1}.${b}`;
        blocks.push(
          layout.bottleneck
            ? new Bottleneck(store, name, inC, planes[l], stride, rng, d)
            : new BasicBlock(store, name, inC, planes[l], stride, rng, d),
        );
        inC = planes[l] * expansion;
      }
      this.#layers.push(blocks);
    }
    this.outChannels = inC;
  }

  /** Maps an NHWC image batch to features at the output stride. */
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const stages: ((t: tf.Tensor4D) => tf.Tensor4D)[] = [
      ...this.#stem.map(({ conv, bn }) => (t: tf.Tensor4D) => convBnRelu(conv, bn, t, null, ctx)),
      (t) => tf.maxPool(t, 3, 2, 1),
      ...this.#layers.flat().map((block) => (t: tf.Tensor4D) => block.apply(t, ctx)),
    ];
    let y = x;
    if (ctx.training) {
      for (const stage of stages) y = stage(y);
      return y;
    }
    // At inference each stage's tensors are freed as soon as the next has its
    // input: on a large image (6000x4000), holding every activation of the
    // pass at once passes the 4 GB that a wasm backend's heap can hold.
    for (const stage of stages) {
      const input = y;
      y = tf.tidy(() => stage(input));
      if (input !== x) input.dispose();
    }
    return y;
  }
}
