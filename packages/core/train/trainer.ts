/**
 * The training loop: shuffled, augmented batches; the reference's
 * step-decayed learning rate; one `trainStep` per batch; validation after
 * every epoch; model selection on the lowest validation classification error
 * (ties go to the later epoch, as in the reference). All randomness after
 * initialisation comes from one seeded generator whose state is saved with
 * the weights and the momentum buffers, so a resumed run takes exactly the
 * steps the uninterrupted run would have taken.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { syntheticDataset } from "../data/synthetic.ts";
 * import { Trainer } from "./trainer.ts";
 * // One epoch of a tiny network on a few small images (seconds); the cpu preset takes minutes.
 * const config = withOverrides(PRESETS.cpu, { epochs: 1, width: 0.0625, modalities: 2, batchSize: 4,
 *   crop: 32, warmupSteps: 0, eraseTimes: 0 });
 * const train = syntheticDataset({ count: 8, size: 32, classes: 2, seed: 1 });
 * const valid = syntheticDataset({ count: 2, size: 32, classes: 2, seed: 2 });
 * const epochs: number[] = [];
 * const trainer = new Trainer({ config, train, valid, onEpoch: (e) => void epochs.push(e.record.epoch) });
 * const history = await trainer.run();
 * assert.deepEqual(epochs, [0]);
 * assert.equal(history[0].valid.images, 2);
 * assert.ok(Number.isFinite(history[0].train.total));
 * trainer.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Config } from "../config/config.ts";
import { augment } from "../data/augment.ts";
import type { Dataset } from "../data/dataset.ts";
import { scaleDataset } from "../data/rescale.ts";
import { evaluate } from "../eval/evaluate.ts";
import { NORMALIZATION } from "../data/normalize.ts";
import type { Checkpoint, EpochRecord, LossSummary, TrainState } from "../io/checkpoint.ts";
import type { MetricsSummary } from "../metrics/localization_metrics.ts";
import type { BaselineNet } from "../model/baseline_net.ts";
import { buildModel, isMinMax } from "../model/build.ts";
import { TfjsLocalizer } from "../inference/tfjs_localizer.ts";
import type { Localizer } from "../inference/localizer.ts";
import type { MinMaxNet } from "../model/minmax_net.ts";
import { Rng } from "../util/rng.ts";
import { learningRate } from "./lr_schedule.ts";
import { Sgd } from "./sgd.ts";
import { baselineStep } from "./baseline_step.ts";
import { type StepLosses, trainStep } from "./train_step.ts";

/** Raised when a loss, or a weight, becomes NaN or infinite. */
export class DivergedError extends Error {
  override name = "DivergedError";

  /**
   * @param epoch the epoch (from 0) in which training diverged.
   * @param what what stopped being finite: the loss of a step, weights after an
   * epoch, or the validation pass's maps and logits.
   * @param detail the losses, the parameter names, or what overflowed.
   */
  constructor(
    readonly epoch: number,
    readonly what: "loss" | "weights" | "validation",
    detail: string,
  ) {
    super(
      `${what === "loss" ? "the loss" : what === "weights" ? "weights" : "validation"} ${detail}`,
    );
  }
}

/** Reported after every step. */
export interface StepEvent {
  epoch: number;
  /** Step within the epoch, from 1. */
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  lr: number;
  losses: StepLosses;
  /** Wall time of this step. */
  seconds: number;
}

/** Reported after every epoch; `checkpoint()` captures the state right now. */
export interface EpochEvent {
  record: EpochRecord;
  checkpoint: () => Promise<Checkpoint>;
}

/** What to train and how to report. */
export interface TrainerOptions {
  config: Config;
  train: Dataset;
  valid: Dataset;
  /** A training checkpoint to continue from. */
  resume?: Checkpoint;
  onStep?: (e: StepEvent) => void;
  onEpoch?: (e: EpochEvent) => void | Promise<void>;
  /** Called while validating, per image. */
  onValidProgress?: (done: number, total: number) => void;
  /** Called once on the freshly initialised network (not on resume), e.g. to import weights. */
  init?: (net: MinMaxNet | BaselineNet) => void;
}

/** Runs training epochs over a network it owns. */
export class Trainer {
  readonly net: MinMaxNet | BaselineNet;
  readonly classes: string[];
  readonly history: EpochRecord[] = [];
  readonly #opt: Sgd;
  readonly #cfg: Config;
  /** The training set at the configured input scale. */
  readonly #train: Dataset;
  #rng: Rng;
  #epoch = 0;
  #globalStep = 0;
  #bestEpoch = -1;
  #bestError = Infinity;

  /**
   * @param o the config, the data, a checkpoint to resume from and the callbacks.
   * @throws {Error} for an empty split, validation labels unknown to training, or a checkpoint that cannot be resumed.
   */
  constructor(readonly o: TrainerOptions) {
    const cfg = o.config;
    this.#cfg = cfg;
    this.classes = o.train.classes;
    if (o.train.samples.length === 0) throw new Error("the training set is empty");
    // Scaled once, on load; validation goes through the Localizer, which scales
    // each image and brings its mask back to the image's size.
    this.#train = scaleDataset(o.train, cfg.resize);
    if (o.valid.samples.length === 0) throw new Error("the validation set is empty");
    const unknown = o.valid.classes.filter((c) => !this.classes.includes(c));
    if (unknown.length > 0) {
      throw new Error(`validation labels ${unknown.join(", ")} do not occur in the training set`);
    }
    const root = new Rng(cfg.seed);
    this.net = buildModel(cfg, this.classes, root.fork());
    this.#rng = root.fork();
    const params = new Map(this.net.store.trainableNames().map((n) => [n, this.net.store.get(n)]));
    this.#opt = new Sgd(params, {
      lr: cfg.lr,
      momentum: cfg.momentum,
      nesterov: true,
      weightDecay: cfg.weightDecay,
    });
    if (o.resume) this.#restore(o.resume);
    else o.init?.(this.net);
  }

  #restore(c: Checkpoint): void {
    if (c.train === undefined) {
      throw new Error("the checkpoint has no training state to resume from");
    }
    if (c.classes.join("\n") !== this.classes.join("\n")) {
      throw new Error(
        `the checkpoint's classes (${c.classes.join(", ")}) differ from the data's (${
          this.classes.join(", ")
        })`,
      );
    }
    try {
      this.net.store.assign(c.weights);
      if (c.optimizer) this.#opt.load(c.optimizer);
    } catch (e) {
      throw new Error(`${c.source ?? "the checkpoint"}: ${(e as Error).message}`, { cause: e });
    }
    this.#rng = Rng.fromState(c.train.rng);
    this.#epoch = c.train.epoch;
    this.#globalStep = c.train.globalStep;
    this.#bestEpoch = c.train.bestEpoch;
    this.#bestError = c.train.bestError ?? Infinity;
    this.history.push(...c.train.history);
  }

  /** Epochs completed so far. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The epoch whose weights had the lowest validation error (-1 before any). */
  get bestEpoch(): number {
    return this.#bestEpoch;
  }

  /**
   * The current weights and training state.
   *
   * @returns the checkpoint, with what `resume` needs.
   */
  async checkpoint(): Promise<Checkpoint> {
    const train: TrainState = {
      epoch: this.#epoch,
      globalStep: this.#globalStep,
      rng: this.#rng.state(),
      bestEpoch: this.#bestEpoch,
      bestError: this.#bestError,
      history: this.history,
    };
    return {
      config: this.#cfg,
      classes: this.classes,
      weights: await this.net.store.read(),
      normalization: NORMALIZATION,
      optimizer: await this.#opt.state(),
      train,
    };
  }

  /** Batches of sample indices for one epoch (the last partial batch is kept). */
  #epochBatches(): number[][] {
    const n = this.#train.samples.length;
    const order: number[] = [];
    for (let r = 0; r < this.#cfg.repeats; r++) for (let i = 0; i < n; i++) order.push(i);
    this.#rng.shuffle(order);
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += this.#cfg.batchSize) {
      batches.push(order.slice(i, i + this.#cfg.batchSize));
    }
    return batches;
  }

  /**
   * Runs one epoch of training steps. Returns the mean losses.
   *
   * @returns the mean losses.
   * @throws {DivergedError} when a loss is NaN or infinite.
   */
  async trainEpoch(): Promise<LossSummary> {
    const cfg = this.#cfg;
    const epoch = this.#epoch;
    const batches = this.#epochBatches();
    const sums = { seg: 0, pos: 0, neg: 0, total: 0 };
    const crop = cfg.crop;
    for (let s = 0; s < batches.length; s++) {
      const t0 = performance.now();
      const idx = batches[s];
      const buf = new Float32Array(idx.length * crop * crop * 3);
      idx.forEach((i, j) =>
        augment(this.#train.samples[i].image, cfg, this.#rng, buf, j * crop * crop * 3)
      );
      const labels = idx.map((i) => this.#train.samples[i].label);
      const lr = learningRate(cfg, epoch, this.#globalStep);
      this.#opt.lr = lr;
      const x = tf.tensor4d(buf, [idx.length, crop, crop, 3]);
      let losses: StepLosses;
      try {
        losses = isMinMax(this.net)
          ? await trainStep(this.net, this.#opt, { x, labels }, {
            erase: cfg.eraseTimes > 0 && epoch >= cfg.eraseStartEpoch,
            eraseTimes: cfg.eraseTimes,
            sigmaErase: cfg.sigmaErase,
            rng: this.#rng,
            backboneGrad: cfg.backboneGrad,
            localizerOnly: epoch < cfg.localizerWarmup,
          })
          : await baselineStep(this.net, this.#opt, { x, labels }, this.#rng);
      } finally {
        x.dispose();
      }
      if (![losses.seg, losses.pos, losses.neg].every(Number.isFinite)) {
        throw new DivergedError(
          epoch,
          "loss",
          `became ${losses.total} at epoch ${epoch + 1}, step ${s + 1} ` +
            `(seg ${losses.seg}, pos ${losses.pos}, neg ${losses.neg})`,
        );
      }
      this.#globalStep++;
      for (const k of ["seg", "pos", "neg", "total"] as const) sums[k] += losses[k];
      this.o.onStep?.({
        epoch,
        step: s + 1,
        stepsPerEpoch: batches.length,
        globalStep: this.#globalStep,
        lr,
        losses,
        seconds: (performance.now() - t0) / 1000,
      });
    }
    const n = batches.length;
    return { seg: sums.seg / n, pos: sums.pos / n, neg: sums.neg / n, total: sums.total / n };
  }

  /**
   * Names of weights or BatchNorm statistics that are no longer finite.
   *
   * @returns the names (empty when all are finite).
   */
  async nonFiniteParameters(): Promise<string[]> {
    const names = this.net.store.names();
    const flags = tf.tidy(() =>
      tf.stack(names.map((n) => tf.all(tf.isFinite(this.net.store.get(n))).asType("float32")))
    );
    const ok = await flags.data();
    flags.dispose();
    return names.filter((_, i) => ok[i] !== 1);
  }

  /**
   * Evaluates the current weights on the validation set. Weights can stay
   * finite yet so large that the maps overflow: a non-finite map or logit is
   * divergence, named as such before any metric sees it.
   *
   * @returns the scores on the validation set.
   */
  async validate(): Promise<MetricsSummary> {
    const localizer = new TfjsLocalizer(this.net, this.classes, this.#cfg);
    const epoch = this.#epoch;
    const checked: Localizer = Object.create(localizer, {
      predict: {
        value: async (...args: Parameters<Localizer["predict"]>) => {
          const p = await localizer.predict(...args);
          if (!p.logits.every(Number.isFinite) || !p.mask.every(Number.isFinite)) {
            throw new DivergedError(
              epoch,
              "validation",
              `gave non-finite maps or logits at epoch ${epoch + 1} (the weights are finite ` +
                `but too large)`,
            );
          }
          return p;
        },
      },
    });
    const { summary } = await evaluate(checked, this.o.valid, {
      onProgress: this.o.onValidProgress,
    });
    return summary;
  }

  /**
   * Trains until `config.epochs` epochs are complete.
   *
   * @returns the history, one record per epoch.
   * @throws {DivergedError} when a loss or a weight is no longer finite.
   */
  async run(): Promise<EpochRecord[]> {
    while (this.#epoch < this.#cfg.epochs) {
      const t0 = performance.now();
      const lr = learningRate(this.#cfg, this.#epoch, Infinity);
      const train = await this.trainEpoch();
      // BatchNorm's scale invariance can keep the loss finite while weights overflow.
      const broken = await this.nonFiniteParameters();
      if (broken.length > 0) {
        throw new DivergedError(
          this.#epoch,
          "weights",
          `became infinite or NaN in epoch ${this.#epoch + 1} (${broken.slice(0, 3).join(", ")}` +
            `${broken.length > 3 ? `, and ${broken.length - 3} more` : ""})`,
        );
      }
      const valid = await this.validate();
      const best = valid.classError <= this.#bestError;
      if (best) {
        this.#bestError = valid.classError;
        this.#bestEpoch = this.#epoch;
      }
      const record: EpochRecord = {
        epoch: this.#epoch,
        lr,
        seconds: (performance.now() - t0) / 1000,
        train,
        valid,
        best,
      };
      this.history.push(record);
      this.#epoch++;
      await this.o.onEpoch?.({ record, checkpoint: () => this.checkpoint() });
    }
    return this.history;
  }

  /** Frees the network and optimiser state. */
  dispose(): void {
    this.#opt.dispose();
    this.net.dispose();
  }
}
