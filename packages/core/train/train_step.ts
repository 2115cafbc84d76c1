/**
 * One optimisation step of the min-max entropy method on a batch.
 *
 * Without erasing: L_seg + L_pos + L_neg, one backward pass, one update.
 * With erasing (u passes): each localizer pass adds the gradient of its own
 * mean L_seg (gradients accumulate over passes), the trust rule accumulates
 * m_pos, then X+ = X0 * m_pos and X- = X0 * (1 - m_pos) go through the
 * classifier, whose L_pos + L_neg gradient is added; one update per batch.
 *
 * Deliberate options (the reference's behaviour is the default):
 * `localizerOnly` trains L_seg alone (a localizer warm-up: one pass, no
 * classifier, no erasing); `backboneGrad` stops L_neg (`pos`) or both
 * classifier terms (`none`, `isolated`) at the shared backbone's features,
 * so that they train the classifier head cl32 only (`isolated`: and the
 * classifier passes leave BatchNorm's running statistics alone).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { netOptions } from "../model/build.ts";
 * import { MinMaxNet } from "../model/minmax_net.ts";
 * import { Rng } from "../util/rng.ts";
 * import { Sgd } from "./sgd.ts";
 * import { trainStep } from "./train_step.ts";
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const net = new MinMaxNet(netOptions(config, 2), new Rng(0));
 * const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
 * const opt = new Sgd(params, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0 });
 * const x = tf.randomUniform([2, 64, 64, 3], -1, 1, "float32", 1) as tf.Tensor4D;
 * const rng = new Rng(1);
 * const losses = await trainStep(net, opt, { x, labels: [0, 1] }, { erase: true, eraseTimes: 2, sigmaErase: 10, rng });
 * // Up to eraseTimes localizer passes: erasing stops once no sample is trusted any more.
 * assert.ok(losses.passes >= 1 && losses.passes <= 2);
 * assert.ok(Math.abs(losses.total - (losses.seg + losses.pos + losses.neg)) < 1e-5);
 * opt.dispose();
 * net.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { BackboneGrad } from "../config/options.ts";
import { classifierLinks, type MinMaxNet } from "../model/minmax_net.ts";
import type { ForwardContext } from "../nn/module.ts";
import type { Rng } from "../util/rng.ts";
import { accumulateMask, eraseInput, erasingTrust } from "./erasing.ts";
import { crossEntropy, crossEntropyPerSample, uniformCrossEntropy } from "./losses.ts";
import { type Grads, gradsOf } from "./grads.ts";
import type { Sgd } from "./sgd.ts";

/** A training batch: NHWC images in [-1, 1] and their labels. */
export interface Batch {
  x: tf.Tensor4D;
  labels: number[];
}

/** How to run a step. */
export interface StepOptions {
  /** Run the erasing loop (u > 0 and the epoch is past the start). */
  erase: boolean;
  eraseTimes: number;
  sigmaErase: number;
  rng: Rng;
  /** Which classifier terms reach the shared backbone ["pos-neg", the reference]. */
  backboneGrad?: BackboneGrad;
  /** L_seg alone: no classifier pass, no erasing [false]. */
  localizerOnly?: boolean;
}

/** The losses of a step (L_seg averaged over the localizer passes run). */
export interface StepLosses {
  seg: number;
  pos: number;
  neg: number;
  total: number;
  /** Localizer passes run (1 without erasing). */
  passes: number;
}

function addInto(acc: Grads, more: Grads): void {
  for (const [name, g] of more) {
    const prev = acc.get(name);
    if (prev === undefined) acc.set(name, g);
    else {
      acc.set(name, tf.add(prev, g));
      tf.dispose([prev, g]);
    }
  }
}

async function scalars(ts: tf.Tensor[]): Promise<number[]> {
  const values = await Promise.all(ts.map((t) => t.data()));
  tf.dispose(ts);
  return values.map((v) => v[0]);
}

/**
 * Runs one step and applies one optimiser update.
 *
 * @param net the min-max network.
 * @param opt its optimiser.
 * @param batch the images and labels.
 * @param o erasing, and the randomness.
 * @returns the step's losses.
 */
export async function trainStep(
  net: MinMaxNet,
  opt: Sgd,
  batch: Batch,
  o: StepOptions,
): Promise<StepLosses> {
  const ctx = { training: true, rng: o.rng };
  const grads: Grads = new Map();
  const backboneGrad = o.backboneGrad ?? "pos-neg";
  try {
    let losses: StepLosses;
    if (o.localizerOnly) {
      losses = await localizerOnlyStep(net, batch, ctx, grads);
    } else if (!o.erase || o.eraseTimes === 0) {
      losses = await plainStep(net, batch, ctx, backboneGrad, grads);
    } else {
      losses = await erasingStep(net, batch, o, ctx, backboneGrad, grads);
    }
    // One update per batch, once every pass has added its gradient.
    opt.step(grads);
    return losses;
  } finally {
    for (const g of grads.values()) g.dispose();
  }
}

/** Records `f` on the tape and adds its gradient into `grads`; returns the loss. */
function accumulate(net: MinMaxNet, grads: Grads, f: () => tf.Scalar): tf.Scalar {
  const { loss, grads: g } = gradsOf(net, f);
  addInto(grads, g);
  return loss;
}

/** The localizer warm-up: L_seg alone, one pass. */
async function localizerOnlyStep(
  net: MinMaxNet,
  { x, labels }: Batch,
  ctx: ForwardContext,
  grads: Grads,
): Promise<StepLosses> {
  const loss = accumulate(net, grads, () => crossEntropy(net.segment(x, ctx).scores, labels));
  const [seg] = await scalars([loss]);
  return { seg, pos: 0, neg: 0, total: seg, passes: 1 };
}

/** Without erasing: L_seg + L_pos + L_neg from one forward and one backward pass. */
async function plainStep(
  net: MinMaxNet,
  { x, labels }: Batch,
  ctx: ForwardContext,
  backboneGrad: BackboneGrad,
  grads: Grads,
): Promise<StepLosses> {
  const kept: tf.Tensor[] = [];
  const loss = accumulate(net, grads, () => {
    const out = net.forward(x, ctx, backboneGrad);
    const parts = [
      crossEntropy(out.scoresSeg, labels),
      crossEntropy(out.scoresPos, labels),
      uniformCrossEntropy(out.scoresNeg),
    ];
    kept.push(...parts.map((p) => tf.keep(p)));
    return tf.addN(parts) as tf.Scalar;
  });
  const [seg, pos, neg, total] = await scalars([...kept, loss]);
  return { seg, pos, neg, total, passes: 1 };
}

/** With erasing: the localizer passes build m_pos, then one classifier pass on X+ and X-. */
async function erasingStep(
  net: MinMaxNet,
  batch: Batch,
  o: StepOptions,
  ctx: ForwardContext,
  backboneGrad: BackboneGrad,
  grads: Grads,
): Promise<StepLosses> {
  const { mPos, segLosses } = await localizerPasses(net, batch, o, ctx, grads);
  try {
    const { pos, neg } = await classifierPass(net, batch, mPos, ctx, backboneGrad, grads);
    const seg = segLosses.reduce((s, v) => s + v, 0) / segLosses.length;
    return { seg, pos, neg, total: seg + pos + neg, passes: segLosses.length };
  } finally {
    mPos.dispose();
  }
}

/**
 * The erasing loop: up to `eraseTimes` localizer passes, each erasing what
 * the trusted samples' masks cover; stops once no sample is trusted. Returns
 * m_pos (the caller disposes it) and each pass's mean L_seg.
 */
async function localizerPasses(
  net: MinMaxNet,
  { x, labels }: Batch,
  o: StepOptions,
  ctx: ForwardContext,
  grads: Grads,
): Promise<{ mPos: tf.Tensor4D; segLosses: number[] }> {
  const [, h, w] = x.shape;
  const b = labels.length;
  let xCur = tf.clone(x);
  let mPos = tf.zeros([b, h, w, 1]) as tf.Tensor4D;
  let history = new Array<number>(b).fill(1);
  let lcs0: Float32Array | null = null;
  const segLosses: number[] = [];
  try {
    for (let t = 0; t < o.eraseTimes && history.some((v) => v > 0); t++) {
      const pass = await localizerPass(net, xCur, labels, ctx, grads);
      segLosses.push(pass.seg);
      if (lcs0 === null) lcs0 = Float32Array.from(pass.lcs);
      const step = erasingTrust({
        t,
        probs: pass.probs,
        classes: net.options.classes,
        labels,
        lcs: pass.lcs,
        lcs0,
        history,
        sigmaErase: o.sigmaErase,
      });
      history = step.history;
      const nextMask = accumulateMask(mPos, step.trust, pass.mask);
      const nextX = eraseInput(xCur, nextMask, step.trust);
      tf.dispose([mPos, xCur, pass.mask]);
      mPos = nextMask;
      xCur = nextX;
    }
  } catch (e) {
    mPos.dispose();
    throw e;
  } finally {
    xCur.dispose();
  }
  return { mPos, segLosses };
}

/** One localizer pass on `x`: its mean L_seg, its gradient, its mask, softmax and per-sample L_seg. */
async function localizerPass(
  net: MinMaxNet,
  x: tf.Tensor4D,
  labels: number[],
  ctx: ForwardContext,
  grads: Grads,
): Promise<{ seg: number; mask: tf.Tensor4D; probs: ArrayLike<number>; lcs: ArrayLike<number> }> {
  const [, h, w] = x.shape;
  let kept: { scores: tf.Tensor2D; maps: tf.Tensor4D; lcs: tf.Tensor1D } | null = null;
  const loss = accumulate(net, grads, () => {
    const seg = net.segment(x, ctx);
    const lcs = crossEntropyPerSample(seg.scores, labels);
    kept = { scores: tf.keep(seg.scores), maps: tf.keep(seg.maps), lcs: tf.keep(lcs) };
    return tf.mean(lcs) as tf.Scalar;
  });
  const { scores, maps, lcs } = kept!;
  const mask = net.mask({ scores, maps }, [h, w], true);
  const probs = tf.tidy(() => tf.softmax(scores));
  const [pv, lv] = await Promise.all([probs.data(), lcs.data()]);
  const [seg] = await scalars([loss]);
  tf.dispose([scores, maps, lcs, probs]);
  return { seg, mask, probs: pv, lcs: lv };
}

/** The classifier's L_pos on X+ = X m_pos and L_neg on X- = X (1 - m_pos), and their gradient. */
async function classifierPass(
  net: MinMaxNet,
  { x, labels }: Batch,
  mPos: tf.Tensor4D,
  ctx: ForwardContext,
  backboneGrad: BackboneGrad,
  grads: Grads,
): Promise<{ pos: number; neg: number }> {
  const kept: tf.Tensor[] = [];
  const loss = accumulate(net, grads, () => {
    const link = classifierLinks(backboneGrad);
    const pos = crossEntropy(net.classify(tf.mul(x, mPos), ctx, link.pos).scores, labels);
    const neg = uniformCrossEntropy(
      net.classify(tf.mul(x, tf.sub(1, mPos)), ctx, link.neg).scores,
    );
    kept.push(tf.keep(pos), tf.keep(neg));
    return tf.add(pos, neg) as tf.Scalar;
  });
  loss.dispose();
  const [pos, neg] = await scalars(kept);
  return { pos, neg };
}
