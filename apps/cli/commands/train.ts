/**
 * `pointwise train`: trains a model and writes a run folder with
 * `last.safetensors` (every epoch, with everything needed to resume),
 * `best.safetensors` (lowest validation classification error),
 * `history.json` and `run.json`. Without data flags it trains on the
 * built-in synthetic dataset with the `cpu` preset, then scores the best
 * weights on a held-out synthetic test set.
 *
 * @example
 * ```sh
 * deno task train
 * deno task train --data ../shared/data/glas --epochs 40
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  backboneFromCheckpoint,
  type Checkpoint,
  CHECKPOINT_FORMAT,
  type Config,
  decodeCheckpoint,
  decodeSafetensors,
  DivergedError,
  encodeCheckpoint,
  evaluate,
  importWeights,
  isBackboneParameter,
  Localizer,
  NAMING_SCHEMES,
  POINTWISE_NAMING,
  type PresetName,
  PRESETS,
  Trainer,
  type TrainerOptions,
  withOverrides,
} from "@pointwise/core";
import {
  COMMON_OPTIONS,
  configHelp,
  configOptions,
  configOverrides,
  parseCommand,
  str,
  toFlag,
  UsageError,
} from "../args.ts";
import { BACKEND_HELP, startBackend } from "../flags/backend_flags.ts";
import {
  DATA_HELP,
  DATA_OPTIONS,
  type DataSpec,
  dataSpecFromArgs,
  describeSpec,
  loadData,
} from "../flags/data_flags.ts";
import {
  CHECKPOINTS,
  exists,
  readFileFor,
  readTextFor,
  resolveModelPath,
  writeFileAtomic,
} from "../files.ts";
import { Progress } from "../console/progress.ts";
import {
  floorRows,
  methodName,
  printEpochRow,
  SCORES_LEGEND,
  scoresTable,
} from "../console/scores_table.ts";
import { duration, fmt } from "../console/table.ts";
import { printReport } from "../console/weights_report.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...DATA_OPTIONS,
  ...configOptions(),
  preset: { type: "string" },
  out: { type: "string" },
  resume: { type: "string" },
  force: { type: "boolean" },
  "init-backbone": { type: "string" },
  "init-naming": { type: "string" },
  "allow-partial": { type: "boolean" },
} as const;

/** Help text of the command. */
export function trainHelp(): string {
  return `Train a min-max entropy localizer (or a baseline, --method) from image-level labels.

usage: pointwise train [options]

  --preset NAME                starting settings: cpu, glas-cpu or reference [cpu]; flags below
                               override them
  --out DIR                    run folder [runs/<data name>, numbered if taken]
  --resume PATH                continue a run (its folder or a checkpoint file); settings other
                               than the network's shape may change, e.g. a lower --lr
  --force                      reuse a run folder given with --out that already holds a run
  --init-backbone FILE         start from these backbone weights (safetensors; heads start fresh):
                               a Pointwise checkpoint of any method (e.g. a wildcat run's
                               best.safetensors; its optimiser state is ignored), or imported weights
  --init-naming NAME           imported weights' naming: torchvision, timm or reference [reference
                               when the file has min-max heads, else torchvision]
  --allow-partial              with --init-backbone: keep what matches, report the rest
${BACKEND_HELP}
${DATA_HELP}
  settings (defaults shown are the cpu preset's):
${configHelp(PRESETS.cpu)}`;
}

/** Settings that fix the network's parameters; a resumed run keeps them. */
const SHAPE_FIELDS: (keyof Config)[] = ["method", "arch", "deepStem", "width", "modalities"];

interface RunInfo {
  data: DataSpec;
  preset: string;
  started: string;
}

async function freshRunDir(name: string): Promise<string> {
  for (let i = 1;; i++) {
    const dir = join("runs", i === 1 ? name : `${name}-${i}`);
    if (!(await exists(dir))) return dir;
  }
}

/** The `--init-backbone` hook: imports backbone weights into the fresh network. */
async function backboneInit(
  values: Record<string, unknown>,
  config: Config,
): Promise<TrainerOptions["init"]> {
  const from = str(values, "init-backbone");
  if (from === undefined) {
    if (values["init-naming"] !== undefined) {
      throw new UsageError("--init-naming goes with --init-backbone");
    }
    return undefined;
  }
  if (values.resume !== undefined) {
    throw new UsageError("--init-backbone starts a new run; it cannot go with --resume");
  }
  const bytes = await readFileFor(from, "backbone weights");
  const file = decodeSafetensors(bytes, from);
  if (file.metadata.format === CHECKPOINT_FORMAT) {
    // A Pointwise run's checkpoint: our own names and layouts, heads and optimiser left out.
    const naming = str(values, "init-naming");
    if (naming !== undefined && naming !== POINTWISE_NAMING) {
      throw new UsageError(
        `${from} is a Pointwise checkpoint, in Pointwise's own naming: drop --init-naming ${naming}`,
      );
    }
    const source = decodeCheckpoint(bytes, from);
    return (net) => {
      const { values: weights, report } = backboneFromCheckpoint(source, net.store, {
        fileName: from,
        allowPartial: Boolean(values["allow-partial"]),
      });
      net.store.assignPartial(weights);
      printReport(
        from,
        POINTWISE_NAMING,
        report,
        ` into the backbone (from a ${methodName(source.config.method)} run)`,
      );
    };
  }
  const hasHeads = file.tensors.has("headseg.to_modalities.weight");
  const naming = str(values, "init-naming", hasHeads ? "reference" : "torchvision")!;
  const scheme = NAMING_SCHEMES[naming];
  if (scheme === undefined) {
    throw new UsageError(`--init-naming must be one of ${Object.keys(NAMING_SCHEMES).join(", ")}`);
  }
  return (net) => {
    const { values: weights, report } = importWeights(file, scheme, net.store, {
      fileName: from,
      scope: isBackboneParameter,
      allowPartial: Boolean(values["allow-partial"]),
    });
    net.store.assignPartial(weights);
    const stem = config.deepStem ? " (deep stem)" : "";
    printReport(
      from,
      scheme.name,
      report,
      ` into the backbone of ${config.arch}${stem} x${config.width}`,
    );
  };
}

/** Runs the command; returns the exit code. */
export async function train(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(trainHelp());
    return 0;
  }
  const overrides = configOverrides(values);
  let config: Config;
  let resume: Checkpoint | undefined;
  let runDir = str(values, "out");
  let data: DataSpec;
  const presetName = str(values, "preset", "cpu") as PresetName;

  if (values.resume !== undefined) {
    const path = await resolveModelPath(str(values, "resume")!, "last");
    resume = decodeCheckpoint(await readFileFor(path, "checkpoint"), path);
    if (resume.train === undefined) {
      throw new Error(`${path} holds no training state; resume from last.safetensors`);
    }
    const fixed = SHAPE_FIELDS.filter((k) => k in overrides && overrides[k] !== resume!.config[k]);
    if (fixed.length > 0) {
      throw new UsageError(
        `the network's shape cannot change when resuming (got ${
          fixed.map((k) => `--${toFlag(k)}`).join(", ")
        })`,
      );
    }
    config = withOverrides(resume.config, overrides);
    const changed = Object.keys(overrides).filter((k) =>
      overrides[k as keyof Config] !== resume!.config[k as keyof Config]
    );
    if (changed.length > 0) {
      console.error(
        `resuming with changed settings: ${
          changed.map((k) => `--${toFlag(k)} ${overrides[k as keyof Config]}`).join(", ")
        }`,
      );
    }
    runDir ??= dirname(path);
    const infoPath = join(dirname(path), "run.json");
    const hasDataFlags = [
      "data",
      "dataset",
      "synthetic-train",
      "synthetic-size",
      "digits-train",
      "digits-size",
    ].some((f) => values[f] !== undefined);
    data = hasDataFlags || !(await exists(infoPath))
      ? dataSpecFromArgs(values, ["train", "valid"])
      : (JSON.parse(await readTextFor(infoPath, "run description")) as RunInfo).data;
  } else {
    if (!(presetName in PRESETS)) {
      throw new UsageError(
        `--preset must be one of ${Object.keys(PRESETS).join(", ")}, got '${presetName}'`,
      );
    }
    config = withOverrides(PRESETS[presetName], overrides);
    data = dataSpecFromArgs(values, ["train", "valid"]);
    if (runDir === undefined) {
      runDir = await freshRunDir(
        data.kind === "folder" ? basename(data.dir) || "run" : data.kind,
      );
    } else if (!values.force && (await exists(join(runDir, CHECKPOINTS.last)))) {
      throw new UsageError(
        `${runDir} already holds a run: pass --resume ${runDir} to continue it, --force to overwrite it, or another --out`,
      );
    }
  }

  console.error(`train data: ${describeSpec(data, "train")}`);
  console.error(`valid data: ${describeSpec(data, "valid")}`);
  const trainSet = await loadData(data, "train");
  const validSet = await loadData(data, "valid", { classes: trainSet.classes });
  if (resume && resume.classes.join() !== trainSet.classes.join()) {
    throw new Error(
      `the checkpoint's classes (${resume.classes.join(", ")}) differ from the data's (${
        trainSet.classes.join(", ")
      })`,
    );
  }
  await startBackend(values);

  const info: RunInfo = { data, preset: presetName, started: new Date().toISOString() };
  if (!resume) {
    await writeFileAtomic(join(runDir, "run.json"), JSON.stringify(info, null, 2) + "\n");
  }
  const steps = Math.ceil((trainSet.samples.length * config.repeats) / config.batchSize);
  console.error(
    `run folder: ${runDir}\n` +
      `model: ${methodName(config.method)}, ${config.arch}${
        config.deepStem ? " (deep stem)" : ""
      } x${config.width}, classes ${trainSet.classes.join(", ")}; ` +
      `${config.epochs} epochs of ${steps} steps, batch ${config.batchSize}, crop ${config.crop}, ` +
      `erasing ${
        config.eraseTimes > 0 && config.method === "minmax"
          ? `${config.eraseTimes} passes from epoch ${config.eraseStartEpoch + 1}`
          : "off"
      }`,
  );

  const init = await backboneInit(values, config);
  const started = performance.now();
  let bar = null as Progress | null;
  let firstRow = true;
  const trainer = new Trainer({
    config,
    train: trainSet,
    valid: validSet,
    resume,
    init,
    onStep: (e) => {
      if (e.step === 1) bar = new Progress(`epoch ${e.epoch + 1}/${config.epochs}`);
      const l = e.losses;
      bar!.update(
        e.step,
        e.stepsPerEpoch,
        `loss ${fmt(l.total, 3)}${
          config.method === "minmax"
            ? ` (seg ${fmt(l.seg, 2)} pos ${fmt(l.pos, 2)} neg ${fmt(l.neg, 2)})`
            : ""
        } ${fmt(e.seconds, 2)} s/step`,
      );
    },
    onValidProgress: (d, t) => {
      if (d === 1) {
        bar?.done();
        bar = new Progress("validating");
      }
      bar!.update(d, t);
    },
    onEpoch: async (e) => {
      bar?.done();
      printEpochRow(e.record, config.epochs, firstRow, config.method === "minmax");
      firstRow = false;
      const bytes = encodeCheckpoint(await e.checkpoint());
      await writeFileAtomic(join(runDir!, CHECKPOINTS.last), bytes);
      if (e.record.best) await writeFileAtomic(join(runDir!, CHECKPOINTS.best), bytes);
      await writeFileAtomic(
        join(runDir!, "history.json"),
        JSON.stringify(trainer.history, null, 1) + "\n",
      );
    },
  });
  try {
    if (trainer.epoch >= config.epochs) {
      console.error(
        `nothing to do: ${trainer.epoch} of ${config.epochs} epochs are done (raise --epochs)`,
      );
    }
    await trainer.run();
  } catch (err) {
    bar?.done();
    if (err instanceof DivergedError) {
      const kept = trainer.epoch > 0
        ? `the last good checkpoint is ${join(runDir, CHECKPOINTS.last)} (epoch ${trainer.epoch})`
        : "no checkpoint was written";
      console.error(`error: training diverged: ${err.message}; try a lower --lr\n${kept}`);
      trainer.dispose();
      return 1;
    }
    trainer.dispose();
    throw err;
  }
  const wall = (performance.now() - started) / 1000;
  console.log(
    `\ntrained ${config.epochs} epochs in ${duration(wall)}; best epoch ${
      trainer.bestEpoch + 1
    } (lowest validation error)`,
  );
  trainer.dispose();

  // Score the selected weights on held-out data when there is some.
  const testAvailable = data.kind !== "folder" ||
    (await exists(join(data.dir, "split", "test.csv")));
  if (testAvailable) {
    const testSpec: DataSpec = data.kind !== "folder"
      ? data
      : { ...data, splits: { ...data.splits, test: join(data.dir, "split", "test.csv") } };
    const testSet = await loadData(testSpec, "test", { classes: trainSet.classes });
    const bestPath = join(runDir, CHECKPOINTS.best);
    const localizer = Localizer.fromCheckpoint(
      decodeCheckpoint(await readFileFor(bestPath, "checkpoint"), bestPath),
    );
    const progress = new Progress("testing");
    const { summary } = await evaluate(localizer, testSet, {
      onProgress: (d, t) => progress.update(d, t),
    });
    progress.done();
    localizer.dispose();
    console.log(`\ntest scores of ${bestPath} on ${describeSpec(testSpec, "test")}:`);
    console.log(
      scoresTable([[`${methodName(config.method)} (best)`, summary], ...floorRows(testSet)]),
    );
    console.log(SCORES_LEGEND);
  } else if (data.kind === "folder") {
    console.log(
      `no ${join(data.dir, "split", "test.csv")}: score a split with ` +
        `deno task eval --model ${runDir} --data ${data.dir} --split CSV`,
    );
  }
  console.log(
    `\npredict with: deno run --allow-read --allow-write predict.ts --model ${runDir} IMAGE...`,
  );
  return 0;
}
