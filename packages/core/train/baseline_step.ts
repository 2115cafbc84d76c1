/**
 * One optimisation step of a baseline: cross-entropy of its class scores,
 * one backward pass, one update. There is no X+/X- term and no erasing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { BaselineNet } from "../model/baseline_net.ts";
 * import { netOptions } from "../model/build.ts";
 * import { Rng } from "../util/rng.ts";
 * import { baselineStep } from "./baseline_step.ts";
 * import { Sgd } from "./sgd.ts";
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const net = new BaselineNet("cam", netOptions(config, 2), new Rng(0));
 * const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
 * const opt = new Sgd(params, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0 });
 * const x = tf.randomUniform([2, 32, 32, 3], -1, 1, "float32", 1) as tf.Tensor4D;
 * const losses = await baselineStep(net, opt, { x, labels: [0, 1] }, new Rng(1));
 * assert.ok(losses.total > 0 && losses.pos === 0 && losses.neg === 0); // one cross-entropy
 * opt.dispose();
 * net.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { BaselineNet } from "../model/baseline_net.ts";
import type { Rng } from "../util/rng.ts";
import { gradsOf } from "./grads.ts";
import { crossEntropy } from "./losses.ts";
import type { Sgd } from "./sgd.ts";
import type { Batch, StepLosses } from "./train_step.ts";

/**
 * Runs one step. The classification loss is reported as `seg` and `total`;
 * `pos` and `neg` (terms a baseline does not have) are 0.
 *
 * @param net the baseline network.
 * @param opt its optimiser.
 * @param batch the images and labels.
 * @param rng the dropout's randomness.
 * @returns the step's losses.
 */
export async function baselineStep(
  net: BaselineNet,
  opt: Sgd,
  batch: Batch,
  rng: Rng,
): Promise<StepLosses> {
  const { loss, grads } = gradsOf(
    net,
    () => crossEntropy(net.scores(batch.x, { training: true, rng }), batch.labels),
  );
  try {
    const value = (await loss.data())[0];
    opt.step(grads);
    return { seg: value, pos: 0, neg: 0, total: value, passes: 1 };
  } finally {
    loss.dispose();
    tf.dispose([...grads.values()]);
  }
}
