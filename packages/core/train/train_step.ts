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
 * import { PRESETS, withOverrides } from "../config/config.ts";
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
  const { x, labels } = batch;
  const [, h, w] = x.shape;
  const grads: Grads = new Map();
  const backboneGrad = o.backboneGrad ?? "pos-neg";
  try {
    if (o.localizerOnly) {
      const { loss, grads: g } = gradsOf(
        net,
        () => crossEntropy(net.segment(x, ctx).scores, labels),
      );
      addInto(grads, g);
      const [seg] = await scalars([loss]);
      opt.step(grads);
      return { seg, pos: 0, neg: 0, total: seg, passes: 1 };
    }
    if (!o.erase || o.eraseTimes === 0) {
      const kept: tf.Tensor[] = [];
      const { loss, grads: g } = gradsOf(net, () => {
        const out = net.forward(x, ctx, backboneGrad);
        const parts = [
          crossEntropy(out.scoresSeg, labels),
          crossEntropy(out.scoresPos, labels),
          uniformCrossEntropy(out.scoresNeg),
        ];
        kept.push(...parts.map((p) => tf.keep(p)));
        return tf.addN(parts) as tf.Scalar;
      });
      addInto(grads, g);
      const [seg, pos, neg, total] = await scalars([...kept, loss]);
      opt.step(grads);
      return { seg, pos, neg, total, passes: 1 };
    }

    const b = labels.length;
    const classes = net.options.classes;
    let xCur = tf.clone(x);
    let mPos = tf.zeros([b, h, w, 1]) as tf.Tensor4D;
    let history = new Array<number>(b).fill(1);
    let lcs0: Float32Array | null = null;
    const segLosses: number[] = [];
    try {
      for (let t = 0; t < o.eraseTimes && history.some((v) => v > 0); t++) {
        let kept: { scores: tf.Tensor2D; maps: tf.Tensor4D; lcs: tf.Tensor1D } | null = null;
        const { loss, grads: g } = gradsOf(net, () => {
          const seg = net.segment(xCur, ctx);
          const lcs = crossEntropyPerSample(seg.scores, labels);
          kept = { scores: tf.keep(seg.scores), maps: tf.keep(seg.maps), lcs: tf.keep(lcs) };
          return tf.mean(lcs) as tf.Scalar;
        });
        addInto(grads, g);
        const { scores, maps, lcs } = kept!;
        const r = net.mask({ scores, maps }, [h, w], true);
        const probs = tf.tidy(() => tf.softmax(scores));
        const [pv, lv] = await Promise.all([probs.data(), lcs.data()]);
        segLosses.push((await scalars([loss]))[0]);
        tf.dispose([scores, maps, lcs, probs]);
        if (lcs0 === null) lcs0 = Float32Array.from(lv);
        const step = erasingTrust({
          t,
          probs: pv,
          classes,
          labels,
          lcs: lv,
          lcs0,
          history,
          sigmaErase: o.sigmaErase,
        });
        history = step.history;
        const nextMask = accumulateMask(mPos, step.trust, r);
        const nextX = eraseInput(xCur, nextMask, step.trust);
        tf.dispose([mPos, xCur, r]);
        mPos = nextMask;
        xCur = nextX;
      }
      const kept: tf.Tensor[] = [];
      const { loss, grads: g } = gradsOf(net, () => {
        const link = classifierLinks(backboneGrad);
        const pos = crossEntropy(net.classify(tf.mul(x, mPos), ctx, link.pos).scores, labels);
        const neg = uniformCrossEntropy(
          net.classify(tf.mul(x, tf.sub(1, mPos)), ctx, link.neg).scores,
        );
        kept.push(tf.keep(pos), tf.keep(neg));
        return tf.add(pos, neg) as tf.Scalar;
      });
      addInto(grads, g);
      loss.dispose();
      const [pos, neg] = await scalars(kept);
      const seg = segLosses.reduce((s, v) => s + v, 0) / segLosses.length;
      opt.step(grads);
      return { seg, pos, neg, total: seg + pos + neg, passes: segLosses.length };
    } finally {
      tf.dispose([xCur, mPos]);
    }
  } finally {
    for (const g of grads.values()) g.dispose();
  }
}
