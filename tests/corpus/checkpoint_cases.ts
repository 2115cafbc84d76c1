// Checkpoints given to predict and train --resume, and safetensors weights
// given to import and train --init-backbone: each names the file and says
// what is wrong with it.
import { PRESETS } from "@pointwise/core/lite";
import { type CorpusBuilder, TINY_TRAIN } from "./builder.ts";
import { cat, f32, noise, patternPng, safetensors, utf8 } from "./bytes.ts";

const CONFIG = JSON.stringify(PRESETS.cpu);

/** A checkpoint's metadata, with entries replaced (undefined removes one). */
function meta(over: Record<string, string | undefined> = {}): Record<string, string> {
  const m: Record<string, string | undefined> = {
    format: "pointwise-checkpoint",
    version: "1",
    config: CONFIG,
    classes: '["benign","malignant"]',
    normalization: '{"mean":[0.5,0.5,0.5],"std":[0.5,0.5,0.5]}',
    ...over,
  };
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

const tensor = (n: number, dtype = "F32", bytes = 4) => ({
  dtype,
  shape: [n],
  data_offsets: [0, bytes * n],
});

/** A checkpoint whose one tensor `w` holds `values`, with metadata entries replaced. */
const checkpoint = (over: Record<string, string | undefined>, values = [1, 2]) =>
  safetensors({ __metadata__: meta(over), w: tensor(values.length) }, f32(values));

const resume = ["train", "--resume", "{this}", "--out", "{out}"];
const init = ["train", ...TINY_TRAIN, "--init-backbone", "{this}"];
const importFrom = ["import", "--from", "{this}", "--out", "{out}"];

/** Safetensors whose header holds bytes that are not UTF-8. */
function badUtf8Header(): Uint8Array {
  const json = cat(utf8('{"'), Uint8Array.of(0xff, 0xfe), utf8('":1}'));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
  return cat(len, json);
}

/** [id, bytes, the problem, the command ({this}: the file; default predict)]. */
type Row = [string, Uint8Array, string, string[]?];

/** Adds the checkpoint and safetensors cases. */
export async function checkpointCases(b: CorpusBuilder): Promise<void> {
  const torchvision = safetensors(
    { "conv1.weight": { dtype: "F32", shape: [2, 3, 1, 1], data_offsets: [0, 24] } },
    f32([1, 2, 3, 4, 5, 6]),
  );
  const checkpoints: Row[] = [
    ["empty", new Uint8Array(), "an empty file, not"],
    ["text", utf8("weights go here\n"), "a text file, not"],
    ["png", await patternPng(4, 4), "a PNG image, not.*images come after"],
    [
      "pytorch-zip",
      cat(Uint8Array.of(0x50, 0x4b, 3, 4), noise(60, 2)),
      "PyTorch.*pointwise import",
    ],
    ["pickle", cat(Uint8Array.of(0x80, 2), noise(60, 4)), "pickle.*pointwise import"],
    [
      "header-past-end",
      cat(Uint8Array.of(0xff, 0xff, 0, 0, 0, 0, 0, 0), utf8("{}")),
      "a file of unknown type",
    ],
    [
      "header-not-json",
      safetensors(undefined, new Uint8Array(), '{"a": [1, 2'),
      "header is not valid JSON",
    ],
    ["header-array", safetensors([1, 2, 3]), "a file of unknown type"],
    ["header-bad-utf8", badUtf8Header(), "not valid JSON"],
    ["no-format", checkpoint({ format: undefined }), "not a Pointwise checkpoint"],
    ["version-2", checkpoint({ version: "2" }), "version 2 is not supported"],
    ["no-config", checkpoint({ config: undefined }), "has no config"],
    ["config-not-json", checkpoint({ config: "{epochs: 3" }), "config is not valid JSON"],
    [
      "config-out-of-range",
      checkpoint({ config: JSON.stringify({ ...PRESETS.cpu, epochs: 0 }) }),
      "setting 'epochs' must be >= 1",
    ],
    [
      "config-unknown-setting",
      checkpoint({ config: JSON.stringify({ ...PRESETS.cpu, turbo: true }) }),
      "setting 'turbo' is not a setting",
    ],
    [
      "config-missing-setting",
      checkpoint({ config: JSON.stringify({ ...PRESETS.cpu, arch: undefined }) }),
      "setting 'arch' is missing",
    ],
    [
      "config-wrong-type",
      checkpoint({ config: JSON.stringify({ ...PRESETS.cpu, width: "wide" }) }),
      "setting 'width' must be a number",
    ],
    ["config-null", checkpoint({ config: "null" }), "setting 'config' is not an object"],
    ["one-class", checkpoint({ classes: '["only"]' }), "class list is invalid"],
    ["classes-not-list", checkpoint({ classes: '{"a":1}' }), "class list is invalid"],
    ["classes-not-json", checkpoint({ classes: "[a, b]" }), "class list is not valid JSON"],
    ["nan-weight", checkpoint({}, [1, NaN]), "tensor w holds NaN or infinite values"],
    ["infinite-weight", checkpoint({}, [Infinity, 1]), "tensor w holds NaN or infinite values"],
    [
      "std-zero",
      checkpoint({ normalization: '{"mean":[0.5,0.5,0.5],"std":[0.5,0,0.5]}' }),
      "normalisation is invalid: std",
    ],
    [
      "normalization-garbage",
      checkpoint({ normalization: '"sideways"' }),
      "normalisation is invalid",
    ],
    [
      "normalization-not-json",
      checkpoint({ normalization: "{mean" }),
      "normalization is not valid JSON",
    ],
    ["weights-do-not-fit", checkpoint({}), "weights do not fit the model: \\d+ missing"],
    [
      "dtype-unknown",
      safetensors(
        { __metadata__: meta(), w: { dtype: "Q4", shape: [2], data_offsets: [0, 1] } },
        Uint8Array.of(1),
      ),
      "tensor w: unknown dtype",
    ],
    [
      "shape-disagrees",
      safetensors(
        { __metadata__: meta(), w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } },
        f32([1, 2]),
      ),
      "shape \\[3\\] of F32 needs 12 bytes",
    ],
    [
      "offsets-past-end",
      safetensors({ __metadata__: meta(), w: tensor(4) }, f32([1, 2])),
      "run past the data",
    ],
    [
      "offsets-overlap",
      safetensors({ __metadata__: meta(), a: tensor(2), b: tensor(2) }, f32([1, 2])),
      "overlap",
    ],
    [
      "offsets-reversed",
      safetensors(
        { __metadata__: meta(), w: { dtype: "F32", shape: [0], data_offsets: [8, 0] } },
        f32([1, 2]),
      ),
      "run past the data",
    ],
    [
      "shape-negative",
      safetensors(
        { __metadata__: meta(), w: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } },
        f32([1, 2]),
      ),
      "invalid shape",
    ],
    [
      "metadata-not-strings",
      safetensors({ __metadata__: { format: 1 }, w: tensor(1) }, f32([1])),
      "metadata 'format' is not a string",
    ],
    [
      "f16-nan",
      safetensors({ __metadata__: meta(), w: tensor(1, "F16", 2) }, Uint8Array.of(0x00, 0x7e)),
      "holds NaN",
    ],
    ["resume-no-train-state", checkpoint({}), "holds no training state", resume],
    [
      "resume-garbage-state",
      checkpoint({ train: '{"epoch":"x"}' }),
      "training state is invalid: epoch",
      resume,
    ],
    [
      "resume-state-not-json",
      checkpoint({ train: "{epoch" }),
      "training state is not valid JSON",
      resume,
    ],
    [
      "resume-state-history",
      checkpoint({
        train: JSON.stringify({
          epoch: 2,
          globalStep: 4,
          rng: [1, 2, 3, 4],
          bestEpoch: 0,
          bestError: 0.5,
          history: [],
        }),
      }),
      "one record per epoch",
      resume,
    ],
  ];
  for (const [id, bytes, problem, argv] of checkpoints) {
    const path = b.file(`checkpoints/${id}.safetensors`, bytes);
    const command = argv ?? ["predict", "--model", "{this}", "{image}", "--out", "{out}"];
    b.cli(
      "checkpoints",
      `checkpoint-${id}`,
      command.map((a) => a.replace("{this}", path)),
      1,
      `${id}.safetensors`,
      problem,
    );
  }
  const predict = (model: string) => ["predict", "--model", model, "{image}", "--out", "{out}"];
  b.cli(
    "checkpoints",
    "checkpoint-missing",
    predict("{files}/checkpoints/none.safetensors"),
    1,
    "none.safetensors",
    "no such file",
  );
  b.cli(
    "checkpoints",
    "checkpoint-folder-without-run",
    predict("{files}/data"),
    1,
    "data",
    "holds no best.safetensors or last.safetensors",
  );
  b.cli(
    "checkpoints",
    "checkpoint-is-device",
    predict("/dev/zero"),
    1,
    "/dev/zero",
    "not a regular file",
  );
  b.cli(
    "checkpoints",
    "checkpoint-deep-json",
    predict(
      b.file(
        "checkpoints/deep-json.safetensors",
        safetensors(
          undefined,
          new Uint8Array(),
          `{"a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
        ),
      ),
    ),
    1,
    "deep-json.safetensors",
    "tensor a: entry is not an object|invalid|not",
  );

  const weights: Row[] = [
    [
      "init-wrong-naming",
      torchvision,
      "does not match the model under torchvision naming.*--allow-partial",
      init,
    ],
    ["init-truncated", torchvision.slice(0, 30), "runs past the end", init],
    ["init-not-safetensors", utf8("conv1.weight = 1\n"), "not a weight file", init],
    ["init-empty", new Uint8Array(), "an empty file, not a weight file", init],
    ["import-garbage", noise(64, 8), "not a weight file", importFrom],
    ["import-no-heads", torchvision, "no layer1-layer4 blocks", importFrom],
    ["import-empty", new Uint8Array(), "an empty file, not a weight file", importFrom],
    [
      "import-bad-metadata",
      safetensors({
        __metadata__: { format: "pointwise-reference-weights", config: "{" },
        w: tensor(1),
      }, f32([1])),
      "metadata's config is not valid JSON",
      importFrom,
    ],
    [
      "import-bad-classes",
      safetensors({
        __metadata__: { format: "pointwise-reference-weights", config: CONFIG },
        w: tensor(1),
      }, f32([1])),
      "metadata has no classes",
      importFrom,
    ],
  ];
  for (const [id, bytes, problem, argv] of weights) {
    const path = b.file(`safetensors/${id}.safetensors`, bytes);
    b.cli(
      "safetensors",
      `safetensors-${id}`,
      argv!.map((a) => a.replace("{this}", path)),
      1,
      `${id}.safetensors`,
      problem,
    );
  }
  b.cli(
    "safetensors",
    "safetensors-init-naming-unknown",
    [
      ...init.map((a) => a.replace("{this}", "{files}/safetensors/init-wrong-naming.safetensors")),
      "--init-naming",
      "keras",
    ],
    2,
    "--init-naming",
    "must be one of",
  );
}
