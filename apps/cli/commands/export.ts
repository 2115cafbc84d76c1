/**
 * `pointwise export`: writes a model for use elsewhere. `--format onnx` gives
 * the inference graph, checked in onnxruntime against the model before it is
 * written; `--format safetensors` gives the weights under the reference
 * implementation's names and layouts, loadable by its PyTorch code with
 * `load_state_dict`.
 *
 * @example
 * ```sh
 * deno task export --model runs/synthetic --out model.onnx
 * ```
 * @module
 */
import { extname } from "node:path";
import { decodeCheckpoint } from "@pointwise/core/lite";
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from "@pointwise/core/onnx";
import { exportReferenceWeights } from "@pointwise/core/io";
import { COMMON_OPTIONS, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP, backendSetting } from "../flags/backend_flags.ts";
import { FORCE_HELP, FORCE_OPTIONS, refuseOverwrite } from "../flags/force_flags.ts";
import { helpSection } from "../console/help.ts";
import { commandLine } from "../program.ts";
import { readFileFor, writeGroupAtomic } from "../files.ts";
import { resolveModelPath } from "../run_folder.ts";
import { checkOnnx } from "../onnx_check.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...FORCE_OPTIONS,
  model: { type: "string" },
  out: { type: "string" },
  format: { type: "string" },
  verify: { type: "boolean" },
} as const;
const FORMATS = ["onnx", "safetensors"];

/** Help text of the command. */
export function exportHelp(): string {
  return `Write a trained model for use elsewhere.

usage: ${commandLine("export")} --model DIR|FILE --out FILE [options]

${helpSection("model", [["--model DIR|FILE", "run folder (uses best.safetensors) or checkpoint"]])}
${
    helpSection("output", [
      ["--out FILE", "the file to write; its extension (.onnx, .safetensors) picks the format"],
      [
        "--format onnx",
        `the inference graph (IR ${ONNX_IR_VERSION}, opset ${ONNX_OPSET}): input image ` +
        "[1,3,H,W] normalised, outputs logits, mask (R+) and localizer_logits; classes, " +
        "normalisation and threshold in the metadata. It is checked against the model in " +
        "onnxruntime before it is written",
      ],
      [
        "--format safetensors",
        "the weights under the reference implementation's names (PyTorch OIHW layout, with w " +
        "and sigma), loadable with load_state_dict",
      ],
      ["--no-verify", "skip the onnxruntime check of an ONNX export"],
    ])
  }
${FORCE_HELP}
${BACKEND_HELP}`;
}

/** Runs the command; returns the exit code. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(exportHelp());
    return 0;
  }
  const model = str(values, "model");
  const out = str(values, "out");
  if (model === undefined || out === undefined) {
    throw new UsageError("--model and --out are required");
  }
  const format = str(values, "format") ?? extname(out).slice(1);
  if (!FORMATS.includes(format)) {
    throw new UsageError(
      `--format must be onnx or safetensors (or give --out such an extension), got '${format}'`,
    );
  }
  const force = Boolean(values.force);
  await refuseOverwrite(values, [out], "--out");
  const path = await resolveModelPath(model);
  const checkpoint = decodeCheckpoint(await readFileFor(path, "model"), path);
  if (checkpoint.config.method !== "minmax") {
    throw new Error(
      `${path}: export supports min-max models; this one is the '${checkpoint.config.method}' baseline`,
    );
  }
  if (format === "safetensors") {
    await writeGroupAtomic([{ path: out, data: exportReferenceWeights(checkpoint) }], { force });
    console.log(
      `wrote ${out}: ${checkpoint.weights.size} tensors in the reference naming, classes ${
        checkpoint.classes.join(", ")
      }`,
    );
    return 0;
  }
  const bytes = exportOnnx(checkpoint);
  if (values.verify !== false) {
    backendSetting(values);
    const r = await checkOnnx(bytes, checkpoint);
    console.error(
      `checked in onnxruntime against the model: logits within ${r.logits.toExponential(1)}, ` +
        `mask within ${r.mask.toExponential(1)}, ${
          (100 * r.agreement).toFixed(2)
        }% of mask pixels agree`,
    );
  }
  await writeGroupAtomic([{ path: out, data: bytes }], { force });
  console.log(
    `wrote ${out} (${(bytes.length / 2 ** 20).toFixed(1)} MiB): ONNX IR ${ONNX_IR_VERSION}, ` +
      `opset ${ONNX_OPSET}, classes ${checkpoint.classes.join(", ")}`,
  );
  return 0;
}
