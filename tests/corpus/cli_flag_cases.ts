// Usage mistakes: every one exits 2 and names the flag at fault.
import { type CorpusBuilder, TINY_TRAIN } from "./builder.ts";
import { patternPng, utf8 } from "./bytes.ts";

/** [id, argv, the flag named, the problem]. */
type Row = [string, string[], string, string];

const train = (...a: string[]) => ["train", ...TINY_TRAIN, ...a];
const predict = (
  ...a: string[]
) => ["predict", "--model", "{ckpt}", "{image}", "--out", "{out}", ...a];

const ROWS: Row[] = [
  ["train-epochs-zero", train("--epochs", "0"), "--epochs", "must be >= 1, got 0"],
  ["train-epochs-huge", train("--epochs", "1e12"), "--epochs", "must be <= 100000"],
  ["train-epochs-negative", train("--epochs=-3"), "--epochs", "must be >= 1"],
  [
    "train-epochs-dash",
    train("--epochs", "-3"),
    "--epochs",
    "needs a value, got the option -3 \\(write --epochs=-3 if that is the value\\)",
  ],
  ["train-epochs-word", train("--epochs", "zero"), "--epochs", "expects a number"],
  ["train-epochs-empty", train("--epochs", ""), "--epochs", "expects a number"],
  ["train-epochs-fraction", train("--epochs", "2.5"), "--epochs", "must be an integer"],
  ["train-batch-zero", train("--batch-size", "0"), "--batch-size", "must be >= 2"],
  ["train-batch-one", train("--batch-size", "1"), "--batch-size", "must be >= 2"],
  ["train-batch-huge", train("--batch-size", "100000"), "--batch-size", "must be <= 4096"],
  ["train-kmax-zero", train("--kmax", "0"), "--kmax", "must be >= "],
  ["train-method-magic", train("--method", "magic"), "--method", "must be one of minmax"],
  ["train-arch-unknown", train("--arch", "resnet7"), "--arch", "must be one of resnet18"],
  ["train-crop-huge", train("--crop", "100000"), "--crop", "must be <= 2048"],
  ["train-crop-small", train("--crop", "31"), "--crop", "must be >= 32"],
  ["train-lr-nan", train("--lr", "NaN"), "--lr", "expects a number"],
  ["train-lr-infinite", train("--lr", "Infinity"), "--lr", "expects a number"],
  ["train-lr-overflow", train("--lr", "1e400"), "--lr", "expects a number"],
  ["train-lr-negative", train("--lr=-1"), "--lr", "must be >= 0"],
  ["train-dropout-one", train("--dropout", "1"), "--dropout", "must be <= 0.99"],
  ["train-seed-negative", train("--seed=-1"), "--seed", "must be >= 0"],
  ["train-seed-huge", train("--seed", "1e10"), "--seed", "must be <= 4294967295"],
  ["train-width-zero", train("--width", "0"), "--width", "must be >= 0.01"],
  ["train-hue-high", train("--hue", "0.6"), "--hue", "must be <= 0.5"],
  ["train-repeats-huge", train("--repeats", "1e6"), "--repeats", "must be <= 1000"],
  ["train-erase-many", train("--erase-times", "99"), "--erase-times", "must be <= 16"],
  ["train-modalities-zero", train("--modalities", "0"), "--modalities", "must be >= 1"],
  ["train-upsample-unknown", train("--mask-upsample", "nearest"), "--mask-upsample", "one of"],
  ["train-two-wrong", train("--epochs", "0", "--kmax", "0"), "--kmax", "--epochs must"],
  [
    "train-preset-unknown",
    train("--preset", "gpu"),
    "--preset",
    "must be one of reference, cpu, glas-cpu, got 'gpu'",
  ],
  ["train-dataset-unknown", train("--dataset", "mnist"), "--dataset", "synthetic or digits"],
  ["train-dataset-and-data", train("--dataset", "digits", "--data", "x"), "--dataset", "cannot go"],
  ["train-split-without-data", train("--train", "x.csv"), "--train", "needs --data"],
  ["train-synthetic-zero", train("--synthetic-train", "0"), "--synthetic-train", "from 1 to"],
  [
    "train-synthetic-memory",
    train("--synthetic-train", "3000000"),
    "--synthetic-train",
    "to 976562",
  ],
  ["train-synthetic-size", train("--synthetic-size", "10"), "--synthetic-size", "from 32 to 4096"],
  ["train-synthetic-classes", train("--synthetic-classes", "9"), "--synthetic-classes", "2 to 4"],
  [
    "train-digits-size",
    ["train", "--dataset", "digits", "--digits-size", "9"],
    "--digits-size",
    "48",
  ],
  ["train-threads-zero", train("--threads", "0"), "--threads", "from 1 to 8"],
  ["train-threads-many", train("--threads", "64"), "--threads", "from 1 to 8"],
  ["train-threads-fraction", train("--threads", "1.5"), "--threads", "whole number"],
  ["train-backend-unknown", train("--backend", "tpu"), "--backend", "must be one of auto"],
  ["train-unknown-flag", train("--learning-rate", "3"), "--learning-rate", "Unknown option"],
  [
    "train-missing-value",
    ["train", "--out", "{out}", "--epochs"],
    "--epochs",
    "--epochs needs a value",
  ],
  ["train-init-naming-alone", train("--init-naming", "timm"), "--init-naming", "--init-backbone"],
  [
    "train-init-and-resume",
    train("--init-backbone", "x", "--resume", "{ckpt}"),
    "--init-backbone",
    "cannot go with --resume",
  ],
  ["command-unknown", ["frobnicate"], "frobnicate", "unknown command"],
  ["command-none", [], "usage", "pointwise <command>"],
  ["predict-no-model", ["predict", "{image}", "--out", "{out}"], "--model", "is required"],
  ["predict-no-image", ["predict", "--model", "{ckpt}", "--out", "{out}"], "image", "at least one"],
  ["predict-threshold-high", predict("--threshold", "2"), "--threshold", "from 0 to 1"],
  ["predict-threshold-nan", predict("--threshold", "nan"), "--threshold", "from 0 to 1"],
  ["predict-max-pixels-zero", predict("--max-pixels", "0"), "--max-pixels", "from 1 to"],
  [
    "predict-map-unknown",
    predict("--map", "heat"),
    "--map",
    "must be one of r\\+, m\\+, cam, gradcam, attention, got 'heat'",
  ],
  ["predict-upsample-unknown", predict("--mask-upsample", "bicubic"), "--mask-upsample", "one of"],
  // cam is a map of a min-max model too; attention is not.
  [
    "predict-map-minmax",
    predict("--map", "attention"),
    "--map attention",
    "not a map of this model.*method is minmax, whose maps are r\\+, m\\+, cam",
  ],
  [
    "predict-upsample-onnx",
    ["predict", "--model", "{onnx}", "{image}", "--mask-upsample", "stride-grid", "--out", "{out}"],
    "--mask-upsample",
    "cannot change an exported ONNX model",
  ],
  [
    "predict-cpu-onnx",
    // The native runtime has a cpu backend (with --allow-ffi); onnxruntime-web has none.
    [
      "predict",
      "--model",
      "{onnx}",
      "{image}",
      "--backend",
      "cpu",
      "--runtime",
      "web",
      "--out",
      "{out}",
    ],
    "--backend",
    "onnxruntime-web has no cpu backend; use --backend wasm",
  ],
  [
    "predict-out-is-file",
    ["predict", "--model", "{ckpt}", "{image}", "--out", "{files}/text.txt"],
    "text.txt",
    "is a file, not a folder",
  ],
  [
    "predict-onto-input",
    [
      "predict",
      "--model",
      "{ckpt}",
      "{files}/a_mask.png",
      "{files}/a.png",
      "--out",
      "{files}",
      "--force",
    ],
    "a_mask.png",
    "would replace an input",
  ],
  [
    "predict-would-overwrite",
    ["predict", "--model", "{ckpt}", "{files}/b.png", "--out", "{files}"],
    "b_mask.png",
    "already exists.*pass --force to overwrite, or choose another --out",
  ],
  [
    "eval-split-without-data",
    ["eval", "--model", "{ckpt}", "--split", "x.csv"],
    "--split",
    "needs --data",
  ],
  ["export-no-out", ["export", "--model", "{ckpt}"], "--out", "are required"],
  [
    "export-format-unknown",
    ["export", "--model", "{ckpt}", "--out", "{out}/m.pdf"],
    "--format",
    "onnx or safetensors",
  ],
  [
    "export-would-overwrite",
    ["export", "--model", "{ckpt}", "--out", "{files}/onnx/empty.onnx"],
    "empty.onnx",
    "already exists: pass --force to overwrite, or choose another --out",
  ],
  ["import-no-from", ["import", "--out", "{out}"], "--from", "required"],
  [
    "import-naming-unknown",
    ["import", "--from", "{ckpt}", "--naming", "keras", "--out", "{out}"],
    "--naming",
    "must be one of",
  ],
];

/** Adds the flag cases and the files they name. */
export async function cliFlagCases(b: CorpusBuilder): Promise<void> {
  b.file("text.txt", utf8("just text\n"));
  b.file("a.png", await patternPng(9, 9));
  b.file("a_mask.png", await patternPng(9, 9));
  b.file("b.png", await patternPng(9, 9));
  b.file("b_mask.png", await patternPng(9, 9));
  for (const [id, argv, names, problem] of ROWS) b.cli("cli-flags", id, argv, 2, names, problem);
}
