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
  [
    "port-dash",
    ["--model", "{onnx}", "--port", "-1"],
    2,
    "--port",
    "needs a value, got the option -1 \\(write --port=-1",
  ],
  ["port-word", ["--model", "{onnx}", "--port", "http"], 2, "--port", "whole number"],
  [
    "limit-zero",
    ["--model", "{onnx}", "--max-bytes", "0"],
    2,
    "--max-bytes",
    "expects a whole number above 0, got '0'",
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
    ["--model", "{onnx}", "--backend", "tpu"],
    2,
    "--backend",
    "must be one of auto, webgpu, wasm, cpu, got 'tpu'",
  ],
  // The native runtime has a cpu backend (with --allow-ffi); onnxruntime-web has none.
  [
    "backend-cpu-web",
    ["--model", "{onnx}", "--backend", "cpu", "--runtime", "web"],
    2,
    "--backend",
    "onnxruntime-web has no cpu backend; use --backend wasm",
  ],
  ["no-model", [], 2, "--model", "is required"],
  ["unknown-flag", ["--model", "{onnx}", "--workers", "3"], 2, "--workers", "Unknown option"],
  [
    "positional",
    ["--model", "{onnx}", "model2.onnx"],
    2,
    "model2.onnx",
    "unexpected argument .*takes options only",
  ],
  ["model-device", ["--model", "/dev/zero"], 1, "/dev/zero", "not a regular file"],
  ["model-missing", ["--model", "{files}/onnx/none.onnx"], 1, "none.onnx", "no such file"],
  // A folder is taken as a run folder: one without checkpoints is no model.
  [
    "model-folder",
    ["--model", "{files}/data"],
    1,
    "data",
    "model folder .*holds no best.safetensors or last.safetensors",
  ],
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
