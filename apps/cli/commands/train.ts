/**
 * `pointwise train`: trains a model and writes a run folder (see
 * `run_folder.ts`). Without data flags it trains on the built-in synthetic
 * dataset with the `cpu` preset, then scores the best weights on a held-out
 * synthetic test set.
 *
 * @example
 * ```sh
 * deno task train
 * deno task train --data ../shared/data/glas --epochs 40
 * ```
 * @module
 */
import { join, relative, resolve } from "node:path";
import { decodeCheckpoint, PRESETS } from "@pointwise/core/lite";
import { type DataSpec, describeDataSpec } from "@pointwise/core/data";
import type { Dataset } from "@pointwise/core/data";
import { DivergedError, TfjsLocalizer, Trainer } from "@pointwise/core";
import { encodeCheckpoint } from "@pointwise/core/io";
import { evaluate } from "@pointwise/core/eval";
import {
  COMMON_OPTIONS,
  configHelp,
  configOptions,
  flagValue,
  parseCommand,
  UsageError,
} from "../args.ts";
import { BACKEND_HELP, startBackend } from "../flags/backend_flags.ts";
import { DATA_HELP, DATA_OPTIONS, loadDataWithProgress } from "../flags/data_flags.ts";
import { backboneInit, INIT_HELP, INIT_OPTIONS } from "../flags/init_flags.ts";
import { exists, readFileFor, removeStaleTemps, writeFileAtomic } from "../files.ts";
import {
  CHECKPOINTS,
  SAMPLES_DIR,
  writeHistory,
  writeRunInfo,
  writeSamples,
} from "../run_folder.ts";
import { Progress } from "../console/progress.ts";
import { RunEta } from "../console/run_eta.ts";
import { helpParagraph, helpSection } from "../console/help.ts";
import { commandLine, shellQuote } from "../program.ts";
import {
  floorRows,
  methodName,
  printEpochRow,
  SCORES_LEGEND,
  scoresTable,
} from "../console/scores_table.ts";
import { duration, fmt } from "../console/table.ts";
import { planFresh, planResume, type RunPlan } from "./train_plan.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...DATA_OPTIONS,
  ...INIT_OPTIONS,
  ...configOptions(),
  preset: { type: "string" },
  out: { type: "string" },
  resume: { type: "string" },
  force: { type: "boolean" },
} as const;

/** Help text of the command. */
export function trainHelp(): string {
  const run = helpSection("run", [
    [
      "--preset NAME",
      "starting settings: cpu, glas-cpu or reference [cpu]; the settings below override them",
    ],
    ["--out DIR", "run folder [runs/<data name>, numbered if taken]"],
    ["--force", "overwrite the run that --out already holds"],
    [
      "--resume PATH",
      "continue a run (its folder or a checkpoint file); settings other than the network's " +
      "shape may change, e.g. a lower --lr",
    ],
  ]);
  return `Train a min-max entropy localizer (or a baseline, --method) from image-level labels.

usage: ${commandLine("train")} [options]

${run}
${INIT_HELP}
${DATA_HELP}
${BACKEND_HELP}

${
    helpParagraph(
      "Training settings follow, with the cpu preset's defaults. Epochs count from 1, as " +
        "the progress line shows them.",
    )
  }
${configHelp(PRESETS.cpu)}`;
}

/** The files of a run folder that this command writes. */
const RUN_FILES = [CHECKPOINTS.last, CHECKPOINTS.best, "history.json", "run.json"];

/** `n` and the noun, plural unless n is 1. */
function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** One line describing the model and schedule. */
function describeRun(plan: RunPlan, train: Dataset): string {
  const c = plan.config;
  const steps = Math.ceil((train.samples.length * c.repeats) / c.batchSize);
  const erasing = c.eraseTimes > 0 && c.method === "minmax"
    ? `${count(c.eraseTimes, "pass", "passes")} from epoch ${
      flagValue("eraseStartEpoch", c.eraseStartEpoch)
    }`
    : "off";
  return `model: ${methodName(c.method)}, ${c.arch}${
    c.deepStem ? " (deep stem)" : ""
  } x${c.width}` +
    `, classes ${train.classes.join(", ")}; ${count(c.epochs, "epoch")} of ` +
    `${count(steps, "step")}, batch ${c.batchSize}, crop ${c.crop}, erasing ${erasing}`;
}

/** The trainer, reporting progress on the console and saving the run folder each epoch. */
function consoleTrainer(
  plan: RunPlan,
  train: Dataset,
  valid: Dataset,
  init: Awaited<ReturnType<typeof backboneInit>>,
): Trainer {
  const { config, runDir } = plan;
  const minmax = config.method === "minmax";
  const started = new Date().toISOString();
  let bar = null as Progress | null;
  let firstRow = true;
  let epoch = 0;
  const eta = new RunEta(config.epochs, plan.resume?.train?.history.at(-1)?.seconds);
  let firstEpoch = true;
  const trainer: Trainer = new Trainer({
    config,
    train,
    valid,
    resume: plan.resume,
    init,
    onStep: (e) => {
      if (e.step === 1) {
        bar = new Progress(`epoch ${e.epoch + 1}/${config.epochs}`, undefined, e.seconds);
        eta.epochStarted(e.seconds);
        epoch = e.epoch;
      }
      const l = e.losses;
      const parts = minmax
        ? ` (seg ${fmt(l.seg, 2)} pos ${fmt(l.pos, 2)} neg ${fmt(l.neg, 2)})`
        : "";
      bar!.update(
        e.step,
        e.stepsPerEpoch,
        `loss ${fmt(l.total, 3)}${parts} ${fmt(e.seconds, 2)} s/step`,
        (left) => eta.training(e.epoch, left),
      );
    },
    onValidProgress: (d, t) => {
      if (d === 1) {
        bar?.done();
        bar = new Progress("validating");
      }
      bar!.update(d, t, "", (left) => eta.validating(epoch, left));
    },
    onEpoch: async (e) => {
      bar?.done();
      eta.epochDone(e.record.seconds);
      printEpochRow(e.record, config.epochs, firstRow, minmax);
      firstRow = false;
      // run.json comes with the first checkpoint: a run that fails before
      // its first epoch leaves no folder behind.
      if (!plan.resume && firstEpoch) {
        await writeRunInfo(runDir, { data: plan.data, preset: plan.preset, started });
        firstEpoch = false;
      }
      const bytes = encodeCheckpoint(await e.checkpoint());
      await writeFileAtomic(join(runDir, CHECKPOINTS.last), bytes);
      if (e.record.best) await writeFileAtomic(join(runDir, CHECKPOINTS.best), bytes);
      await writeHistory(runDir, trainer.history);
    },
  });
  return trainer;
}

/** A path as short as it can be written from here. */
function fromHere(path: string): string {
  const rel = relative(Deno.cwd(), resolve(path));
  return rel === "" ? "." : rel;
}

/**
 * Scores the best weights on held-out data, when the data has a test split;
 * built-in data also leaves a few of its test images in the run folder, to
 * predict on. Returns the images to suggest predicting on.
 */
async function scoreHeldOut(
  plan: RunPlan,
  classes: readonly string[],
  valid: Dataset,
): Promise<string[]> {
  const { data, runDir, config } = plan;
  // Built-in data has no files: a few of its test images go into the run folder instead.
  const examples = data.kind === "folder"
    ? [shellQuote(fromHere(join(data.dir, valid.samples[0].id)))]
    : [`${shellQuote(join(runDir, SAMPLES_DIR))}/*.png`];
  const testCsv = data.kind === "folder" ? join(data.dir, "split", "test.csv") : undefined;
  if (data.kind === "folder" && !(await exists(testCsv!))) {
    console.log(
      `\nno ${fromHere(testCsv!)}: score a split with ${commandLine("eval")} --model ${
        shellQuote(runDir)
      } --data ${shellQuote(fromHere(data.dir))} --split CSV`,
    );
    return examples;
  }
  const testSpec: DataSpec = data.kind !== "folder"
    ? data
    : { ...data, splits: { ...data.splits, test: testCsv! } };
  const testSet = await loadDataWithProgress(testSpec, "test", { classes });
  if (data.kind !== "folder") await writeSamples(runDir, testSet);
  const bestPath = join(runDir, CHECKPOINTS.best);
  const localizer = TfjsLocalizer.fromCheckpoint(
    decodeCheckpoint(await readFileFor(bestPath, "checkpoint"), bestPath),
  );
  const progress = new Progress("testing");
  const { summary } = await evaluate(localizer, testSet, {
    onProgress: (d, t) => progress.update(d, t),
  });
  progress.done();
  await localizer.dispose();
  console.log(`\ntest scores of ${bestPath} on ${describeDataSpec(testSpec, "test")}:`);
  console.log(
    scoresTable([[`${methodName(config.method)} (best)`, summary], ...floorRows(testSet)]),
  );
  console.log(SCORES_LEGEND);
  return examples;
}

/** The run's training and validation splits, checked against each other and a resumed checkpoint. */
async function loadSplits(plan: RunPlan): Promise<{ trainSet: Dataset; validSet: Dataset }> {
  console.error(`train data: ${describeDataSpec(plan.data, "train")}`);
  console.error(`valid data: ${describeDataSpec(plan.data, "valid")}`);
  const trainSet = await loadDataWithProgress(plan.data, "train");
  if (trainSet.classes.length < 2) {
    const where = plan.data.kind === "folder" ? `${plan.data.splits.train}: ` : "";
    throw new Error(
      `${where}the training split has one class ('${
        trainSet.classes[0]
      }'); a classifier needs two or more`,
    );
  }
  const validSet = await loadDataWithProgress(plan.data, "valid", { classes: trainSet.classes });
  if (plan.resume && plan.resume.classes.join() !== trainSet.classes.join()) {
    throw new Error(
      `the checkpoint's classes (${plan.resume.classes.join(", ")}) differ from the data's (${
        trainSet.classes.join(", ")
      })`,
    );
  }
  return { trainSet, validSet };
}

/** Trains to the planned epoch; false when training diverged (said on stderr). */
async function runTrainer(plan: RunPlan, trainer: Trainer): Promise<boolean> {
  try {
    if (trainer.epoch >= plan.config.epochs) {
      console.error(
        `nothing to do: ${trainer.epoch} of ${plan.config.epochs} epochs are done (raise --epochs)`,
      );
    }
    await trainer.run();
    return true;
  } catch (err) {
    if (!(err instanceof DivergedError)) throw err;
    const kept = trainer.epoch > 0
      ? `the last good checkpoint is ${
        join(plan.runDir, CHECKPOINTS.last)
      } (epoch ${trainer.epoch})`
      : "no checkpoint was written";
    console.error(`error: training diverged: ${err.message}; try a lower --lr\n${kept}`);
    return false;
  } finally {
    trainer.dispose();
  }
}

/** Runs the command; returns the exit code. */
export async function train(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(trainHelp());
    return 0;
  }
  if (values.resume !== undefined && values["init-backbone"] !== undefined) {
    throw new UsageError("--init-backbone starts a new run; it cannot go with --resume");
  }
  const plan = values.resume !== undefined ? await planResume(values) : await planFresh(values);
  // Read now, so that a wrong file fails before the data loads and training starts.
  const init = await backboneInit(values, plan.config);
  const { trainSet, validSet } = await loadSplits(plan);
  await startBackend(values);
  // A process killed while writing leaves its temporary file behind; this
  // run is the folder's only writer, so those are litter.
  const litter = await removeStaleTemps(plan.runDir, RUN_FILES);
  if (litter.length > 0) {
    console.error(`removed ${litter.length} temporary file(s) of an interrupted write`);
  }
  console.error(`run folder: ${plan.runDir}\n${describeRun(plan, trainSet)}`);

  const started = performance.now();
  const trainer = consoleTrainer(plan, trainSet, validSet, init);
  const firstEpoch = trainer.epoch;
  if (!(await runTrainer(plan, trainer))) return 1;
  const ran = trainer.epoch - firstEpoch;
  const wall = (performance.now() - started) / 1000;
  console.log(
    `\ntrained ${count(ran, "epoch")} in ${duration(wall)}` +
      (firstEpoch > 0 ? ` (epochs ${firstEpoch + 1}-${trainer.epoch})` : "") +
      `; best epoch ${trainer.bestEpoch + 1} (lowest validation error)`,
  );
  const examples = await scoreHeldOut(plan, trainSet.classes, validSet);
  console.log(
    `\npredict with: ${commandLine("predict")} --model ${shellQuote(plan.runDir)} ${
      examples.join(" ")
    }`,
  );
  return 0;
}
