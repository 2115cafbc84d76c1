/**
 * How the CLI reports what went wrong: the core throws typed errors that
 * know nothing of the command line, and this maps them to flags, hints and
 * exit codes (0 success, 1 failure, 2 a usage mistake).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError } from "@pointwise/core/lite";
 * import { UsageError } from "./args.ts";
 * import { reportError } from "./errors.ts";
 * assert.equal(reportError(new UsageError("--model is required")).exitCode, 2);
 * // The core names the setting; the CLI names the flag.
 * const bad = reportError(new ConfigError([{ field: "epochs", problem: "must be >= 1, got 0" }]));
 * assert.deepEqual([bad.exitCode, bad.message], [2, "--epochs must be >= 1, got 0"]);
 * ```
 * @module
 */
import {
  ConfigError,
  ModelFormatError,
  NotAPointwiseModelError,
  UnsupportedBackendError,
} from "@pointwise/core/lite";
import { WeightsFormatError, WeightsMismatchError } from "@pointwise/core/io";
import { RuntimeUnavailableError } from "@pointwise/runtime";
import { flagProblem, UsageError } from "./args.ts";
import { commandLine } from "./program.ts";

/** What to print for an error, and the exit code. */
export interface ErrorReport {
  message: string;
  exitCode: 1 | 2;
  /** A usage mistake: the command's `--help` is worth pointing at. */
  usage: boolean;
}

const IMAGES = ["png", "jpeg", "tiff", "webp"];

/** What to do about a file given as a model that is not one the command takes. */
function modelFormatHint(e: ModelFormatError): string {
  const onnx = e.accepted.includes("onnx");
  if (e.found === "safetensors" && !e.accepted.includes("checkpoint")) {
    return `${e.message}; export it to ONNX first: ${
      commandLine("export")
    } --model ${e.file} --out model.onnx`;
  }
  if (e.found === "safetensors") {
    return `${e.message}; a full reference checkpoint becomes one with ${
      commandLine("import")
    } --from ${e.file} --out DIR, and backbone weights start a run with ${
      commandLine("train")
    } --init-backbone ${e.file}`;
  }
  if (e.found === "pytorch" || e.found === "pickle") {
    return `${e.message}; turn it into a Pointwise model with ${
      commandLine("import")
    } --from ${e.file} --out DIR`;
  }
  if (e.found === "onnx") {
    return `${e.message}; an exported model runs with predict and eval only: give the run folder ` +
      `or the checkpoint (.safetensors) it was exported from`;
  }
  if (IMAGES.includes(e.found)) {
    return onnx
      ? `${e.message}; give a run folder, a checkpoint (.safetensors) or an .onnx model; ` +
        "images come after the options"
      : `${e.message}; give a run folder or a checkpoint (.safetensors)`;
  }
  return e.message;
}

/** What to do about a file given as weights that is not a weight file. */
function weightsFormatHint(e: WeightsFormatError): string {
  if (e.found === "onnx") {
    return `${e.message}; weights cannot be read back from ONNX: give the .safetensors or .pth ` +
      `file the model came from`;
  }
  if (IMAGES.includes(e.found)) return `${e.message}; give a .safetensors or PyTorch .pth file`;
  return e.message;
}

/** The message and exit code of an error thrown by a command. */
export function reportError(e: unknown): ErrorReport {
  if (e instanceof UsageError) return { message: e.message, exitCode: 2, usage: true };
  // Settings given by the caller name their flags; settings read from a file name the file.
  if (e instanceof ConfigError && e.source === undefined) {
    return { message: e.problems.map(flagProblem).join("; "), exitCode: 2, usage: true };
  }
  if (e instanceof UnsupportedBackendError) {
    const native = e.runtime === "onnxruntime-web" && e.backend === "cpu"
      ? " (onnxruntime's CPU backend is the native runtime: --runtime native, with --allow-ffi)"
      : "";
    return {
      message: `${e.message}; use --backend wasm (or auto)${native}`,
      exitCode: 2,
      usage: true,
    };
  }
  if (e instanceof RuntimeUnavailableError) {
    // A missing permission or a conflicting setting is the caller's to fix; a host without the
    // library is not.
    const usage = e.fix !== "host";
    const hint = e.fix === "permission"
      ? "; add --allow-ffi to deno run's flags, or use --runtime web"
      : e.fix === "host"
      ? "; use --runtime web (or auto)"
      : "";
    return { message: `${e.message}${hint}`, exitCode: usage ? 2 : 1, usage };
  }
  if (e instanceof NotAPointwiseModelError) {
    return {
      message: `${e.message}; export a trained model with: ${
        commandLine("export")
      } --model RUN --out model.onnx`,
      exitCode: 1,
      usage: false,
    };
  }
  if (e instanceof ModelFormatError) {
    return { message: modelFormatHint(e), exitCode: 1, usage: false };
  }
  if (e instanceof WeightsFormatError) {
    return { message: weightsFormatHint(e), exitCode: 1, usage: false };
  }
  if (e instanceof WeightsMismatchError) {
    return {
      message: `${e.message}\n(--allow-partial keeps what matches)`,
      exitCode: 1,
      usage: false,
    };
  }
  if (outOfMemory(e)) {
    return {
      message: `ran out of memory (${(e as Error).message}): use smaller images (--max-pixels), ` +
        `or a smaller --crop or --batch-size`,
      exitCode: 1,
      usage: false,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { message, exitCode: 1, usage: false };
}

/** An allocation that failed: a JavaScript buffer, or a WebAssembly heap that could not grow. */
function outOfMemory(e: unknown): boolean {
  const message = e instanceof Error ? e.message : "";
  return (e instanceof RangeError &&
    /allocation failed|Invalid typed array length|Invalid array buffer length|Array buffer/i
      .test(message)) ||
    (e instanceof WebAssembly.RuntimeError || e instanceof Error) &&
      /Aborted\(OOM\)|Cannot enlarge memory|out of memory/i.test(message);
}
