/**
 * The time left of a whole training run, shown beside the current epoch's:
 * the epoch's remaining training and validation, plus the epochs after it at
 * the measured time of a whole epoch (validation included). Until one epoch
 * has been measured, the validation time is unknown and the estimate is a
 * lower bound, shown as such (`run >= 1:40`).
 *
 * @example
 * ```ts
 * import { RunEta } from "./run_eta.ts";
 * const eta = new RunEta(12);
 * eta.epochStarted(10);
 * eta.training(0, 30); // "run >= 7:50": 30 s left of a 40 s epoch, then 11 more epochs
 * ```
 * @module
 */
import { duration } from "./table.ts";

/** Estimates a run's time left from its epochs' measured times. */
export class RunEta {
  #epochSeconds: number | undefined;
  #epochStart = 0;

  /**
   * @param epochs the run's epochs.
   * @param lastEpochSeconds a measured epoch time, e.g. a resumed run's last.
   */
  constructor(readonly epochs: number, lastEpochSeconds?: number) {
    this.#epochSeconds = lastEpochSeconds;
  }

  /** Marks the start of an epoch, `alreadySeconds` ago. */
  epochStarted(alreadySeconds: number): void {
    this.#epochStart = performance.now() - alreadySeconds * 1000;
  }

  /** Records a finished epoch's wall time (validation included). */
  epochDone(seconds: number): void {
    this.#epochSeconds = seconds;
  }

  /** The run's time left during the training steps of `epoch` (from 0), given theirs. */
  training(epoch: number, trainLeft: number): string {
    const train = this.#elapsed() + trainLeft;
    const after = this.epochs - epoch - 1;
    if (this.#epochSeconds === undefined) return `run >= ${duration(trainLeft + after * train)}`;
    const valid = Math.max(0, this.#epochSeconds - train);
    return `run ${duration(trainLeft + valid + after * this.#epochSeconds)}`;
  }

  /** The run's time left while validating `epoch`, given the validation's time left. */
  validating(epoch: number, validLeft: number): string {
    const thisEpoch = this.#elapsed() + validLeft;
    const perEpoch = this.#epochSeconds ?? thisEpoch;
    return `run ${duration(validLeft + (this.epochs - epoch - 1) * perEpoch)}`;
  }

  #elapsed(): number {
    return (performance.now() - this.#epochStart) / 1000;
  }
}
