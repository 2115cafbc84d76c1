/**
 * `pointwise export`: writes a model for use elsewhere. `--format
 * safetensors` gives the weights under the reference implementation's names
 * and layouts, loadable by its PyTorch code with `load_state_dict`.
 *
 * @example
 * ```sh
 * deno task export --model runs/synthetic --out model.safetensors
 * ```
 * @module
 */
import { extname } from "node:path";
import { decodeCheckpoint, exportReferenceWeights } from "@pointwise/core";
import { COMMON_OPTIONS, parseCommand, str, UsageError } from "../args.ts";
import { readFileFor, resolveModelPath, writeFileAtomic } from "../files.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: "string" },
  out: { type: "string" },
  format: { type: "string" },
} as const;
const FORMATS = ["safetensors", "onnx"];

/** Help text of the command. */
export function exportHelp(): string {
  return `Write a trained model for use elsewhere.

usage: pointwise export --model DIR|FILE --out FILE [--format safetensors]

  --model DIR|FILE     run folder (uses best.safetensors) or checkpoint file
  --out FILE           the file to write
  --format FORMAT      safetensors: weights under the reference implementation's names (PyTorch
                       OIHW layout, with w and sigma), loadable with load_state_dict; the config,
                       classes and normalisation go into the metadata [from --out's extension]`;
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
      `--format must be safetensors (or give --out a .safetensors name), got '${format}'`,
    );
  }
  if (format === "onnx") {
    throw new Error("ONNX export is not available in this version; use --format safetensors");
  }
  const path = await resolveModelPath(model);
  const checkpoint = decodeCheckpoint(await readFileFor(path, "model"), path);
  await writeFileAtomic(out, exportReferenceWeights(checkpoint));
  console.log(
    `wrote ${out}: ${checkpoint.weights.size} tensors in the reference naming, classes ${
      checkpoint.classes.join(", ")
    }`,
  );
  return 0;
}
