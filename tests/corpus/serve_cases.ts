// `deno task serve` with bad flags and bad model files: exit 2 for a usage
// mistake, 1 for a model that cannot be served, the flag or file named, and
// never a stack trace.
import type { CorpusBuilder } from "./builder.ts";

/** [id, argv, exit code, what is named, the problem]. */
const ROWS: [string, string[], number, string, string][] = [
  [
    "port-high",
    ["--model", "{onnx}", "--port", "99999"],
    2,
    "--port",
    "from 0 to 65535, got '99999'",
  ],
  ["port-negative", ["--model", "{onnx}", "--port=-1"], 2, "--port", "from 0 to 65535"],
  ["port-dash", ["--model", "{onnx}", "--port", "-1"], 2, "--port", "ambiguous"],
  ["port-word", ["--model", "{onnx}", "--port", "http"], 2, "--port", "whole number"],
  [
    "limit-zero",
    ["--model", "{onnx}", "--max-bytes", "0"],
    2,
    "--max-bytes",
    "whole number from 1",
  ],
  [
    "limit-fraction",
    ["--model", "{onnx}", "--max-pixels", "1.5"],
    2,
    "--max-pixels",
    "whole number",
  ],
  [
    "body-timeout-word",
    ["--model", "{onnx}", "--body-timeout-ms", "soon"],
    2,
    "--body-timeout-ms",
    "whole number",
  ],
  [
    "budget-below-body",
    ["--model", "{onnx}", "--max-bytes", "1000", "--max-buffered-bytes", "10"],
    2,
    "maxBufferedBytes",
    "at least maxBytes",
  ],
  [
    "backend-unknown",
    ["--model", "{onnx}", "--backend", "cpu"],
    2,
    "--backend",
    "auto, webgpu or wasm",
  ],
  ["no-model", [], 2, "--model", "is required"],
  ["unknown-flag", ["--model", "{onnx}", "--workers", "3"], 2, "--workers", "Unknown option"],
  ["positional", ["--model", "{onnx}", "model2.onnx"], 2, "model2.onnx", "Unexpected argument"],
  ["model-device", ["--model", "/dev/zero"], 1, "/dev/zero", "not a regular file"],
  ["model-missing", ["--model", "{files}/onnx/none.onnx"], 1, "none.onnx", "no such file"],
  ["model-folder", ["--model", "{files}/data"], 1, "data", "is a folder.*export it to ONNX first"],
  [
    "model-checkpoint",
    ["--model", "{ckpt}"],
    1,
    ".safetensors",
    "checkpoint.*export it to ONNX first",
  ],
  ["model-image", ["--model", "{image}"], 1, ".png", "a PNG image, not an ONNX model"],
  [
    "model-garbage",
    ["--model", "{files}/onnx/text.onnx"],
    1,
    "text.onnx",
    "not a valid ONNX model",
  ],
  [
    "model-unrelated",
    ["--model", "{files}/onnx/unrelated-graph.onnx"],
    1,
    "unrelated-graph.onnx",
    "not a Pointwise model",
  ],
  [
    "model-no-metadata",
    ["--model", "{files}/onnx/no-metadata.onnx"],
    1,
    "no-metadata.onnx",
    "not a Pointwise model.*export",
  ],
];

/** Adds the serve cases. */
export function serveCases(b: CorpusBuilder): void {
  for (const [id, argv, exit, names, problem] of ROWS) {
    b.add({
      id: `serve-${id}`,
      category: "serve",
      run: "serve",
      argv,
      expect: { exit, names, problem },
    });
  }
}
