/**
 * One optimisation step of a baseline: cross-entropy of its class scores,
 * one backward pass, one update. There is no X+/X- term and no erasing.
 *
 * @example
 * ```ts ignore
 * const losses = await baselineStep(net, opt, { x, labels }, rng);
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
