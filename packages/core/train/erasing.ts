/**
 * Recursive erasing (train only), as the reference's loop: at pass t the
 * localizer's trust in sample i is
 *   exp(-t / sigmaErase) * [pred == y] * [lcs <= lcs0] * p_pred,
 * zeroed for good once the sample has been misclassified; the accumulated
 * mask is m_pos = max(m_pos, trust * R), and trusted samples are erased
 * (X <- X * (1 - m_pos)) before the next pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { erasingTrust } from "./erasing.ts";
 * const r = erasingTrust({ t: 0, probs: [0.8, 0.2], classes: 2, labels: [0], lcs: [0.22],
 *   lcs0: [0.22], history: [1], sigmaErase: 10 });
 * assert.deepEqual(r.trust, [0.8]); // correct and no less sure: trusted by its probability
 * const wrong = erasingTrust({ t: 1, probs: [0.3, 0.7], classes: 2, labels: [0], lcs: [1.2],
 *   lcs0: [0.22], history: [1], sigmaErase: 10 });
 * assert.deepEqual(wrong, { trust: [0], history: [0] }); // misclassified: never trusted again
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";

/** Inputs of the trust rule at one pass. */
export interface TrustInput {
  /** Pass index, from 0. */
  t: number;
  /** Localizer softmax, B x C row-major. */
  probs: ArrayLike<number>;
  classes: number;
  labels: readonly number[];
  /** Per-sample localizer cross-entropy at this pass. */
  lcs: ArrayLike<number>;
  /** Per-sample localizer cross-entropy at pass 0. */
  lcs0: ArrayLike<number>;
  /** 1 while a sample has never been misclassified, else 0. */
  history: readonly number[];
  sigmaErase: number;
}

/**
 * Trust per sample and the updated history.
 *
 * @param o the pass, the localizer's probabilities and losses, the labels and the history.
 * @returns the trust per sample and the updated history.
 */
export function erasingTrust(o: TrustInput): { trust: number[]; history: number[] } {
  const decay = Math.exp(-o.t / o.sigmaErase);
  const trust: number[] = [];
  const history: number[] = [];
  for (let i = 0; i < o.labels.length; i++) {
    let best = 0;
    for (let c = 1; c < o.classes; c++) {
      if (o.probs[i * o.classes + c] > o.probs[i * o.classes + best]) best = c;
    }
    const pY = o.probs[i * o.classes + best];
    const correct = best === o.labels[i] ? 1 : 0;
    const h = Math.min(correct, o.history[i]);
    const notWorse = o.lcs[i] <= o.lcs0[i] ? 1 : 0;
    trust.push(decay * correct * notWorse * pY * h);
    history.push(h);
  }
  return { trust, history };
}

/** m_pos = max(m_pos, trust * R), with trust broadcast over each sample. */
export function accumulateMask(mPos: tf.Tensor4D, trust: number[], r: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() =>
    tf.maximum(mPos, tf.mul(r, tf.tensor4d(trust, [trust.length, 1, 1, 1]))) as tf.Tensor4D
  );
}

/** Erases trusted samples (X * (1 - m_pos)); untrusted ones are unchanged. */
export function eraseInput(x: tf.Tensor4D, mPos: tf.Tensor4D, trust: number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const on = tf.tensor4d(trust.map((v) => (v !== 0 ? 1 : 0)), [trust.length, 1, 1, 1]);
    const erased = tf.mul(x, tf.sub(1, tf.mul(mPos, on)));
    return erased as tf.Tensor4D;
  });
}
