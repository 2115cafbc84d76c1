/**
 * 2-D convolution with PyTorch's symmetric zero padding (tfjs 'same' pads
 * asymmetrically for even inputs, which would shift every feature map).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { Rng } from "../util/rng.ts";
 * import { Conv2d } from "./conv2d.ts";
 * import { ParamStore } from "./module.ts";
 * const store = new ParamStore();
 * const conv = new Conv2d(store, "conv1", { inC: 3, outC: 16, k: 3, stride: 2 }, new Rng(0));
 * const y = tf.tidy(() => conv.apply(tf.zeros([1, 8, 8, 3])));
 * assert.deepEqual(y.shape, [1, 4, 4, 16]); // symmetric padding of 1, stride 2
 * tf.dispose(y);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Rng } from "../util/rng.ts";
import { dilatedConv2d } from "./dilated_conv2d.ts";
import { convNormal, uniformFanIn } from "./init.ts";
import type { ParamStore } from "./module.ts";

/** Shape and init of a convolution. */
export interface Conv2dOptions {
  inC: number;
  outC: number;
  k: number;
  stride?: number;
  /** Dilation of a stride-1 convolution (DeepLab's atrous convolution); 1 by default. */
  dilation?: number;
  /** Zero padding on every side; defaults to dilation * floor(k/2), which keeps the size. */
  pad?: number;
  /** Adds a bias (the WILDCAT heads have one, backbone convs do not). */
  bias?: boolean;
  /** `backbone`: N(0, sqrt(2/(k*k*out))); `pytorch-default`: U(+-1/sqrt(fan_in)). */
  init?: "backbone" | "pytorch-default";
}

/** An NHWC convolution layer. */
export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: number;

  constructor(store: ParamStore, name: string, o: Conv2dOptions, rng: Rng) {
    this.stride = o.stride ?? 1;
    this.dilation = o.dilation ?? 1;
    if (this.dilation > 1 && this.stride > 1) {
      throw new Error(`${name}: a dilated convolution must have stride 1`);
    }
    this.pad = o.pad ?? this.dilation * Math.floor(o.k / 2);
    const shape: [number, number, number, number] = [o.k, o.k, o.inC, o.outC];
    const fanIn = o.k * o.k * o.inC;
    const w = (o.init ?? "backbone") === "backbone"
      ? convNormal(shape, rng)
      : uniformFanIn(shape, fanIn, rng);
    this.weight = store.add(`${name}.weight`, w);
    this.bias = o.bias ? store.add(`${name}.bias`, uniformFanIn([o.outC], fanIn, rng)) : null;
  }

  /** Applies the convolution to an NHWC batch. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const w = this.weight as tf.Tensor4D;
    const y = this.dilation > 1
      ? dilatedConv2d(x, w, this.dilation, this.pad)
      : tf.conv2d(x, w, this.stride, this.pad);
    return this.bias === null ? y : tf.add(y, this.bias);
  }
}
