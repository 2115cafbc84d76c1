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
import { WeightsMismatchError } from "@pointwise/core/io";
import { flagProblem, UsageError } from "./args.ts";

/** What to print for an error, and the exit code. */
export interface ErrorReport {
  message: string;
  exitCode: 1 | 2;
  /** A usage mistake: the command's `--help` is worth pointing at. */
  usage: boolean;
}

/** What to do about a file given as a model that is not one the command takes. */
function modelFormatHint(e: ModelFormatError): string {
  if (e.found === "safetensors" && !e.accepted.includes("checkpoint")) {
    return `${e.message}: export it to ONNX first (pointwise export --model ${e.file} --out model.onnx)`;
  }
  if (e.found === "pytorch" || e.found === "pickle") {
    return `${e.message}: turn it into a Pointwise model with pointwise import --from ${e.file}`;
  }
  if (["png", "jpeg", "tiff", "webp"].includes(e.found)) {
    return `${e.message}: --model takes a run folder, a checkpoint or an .onnx file; images come after`;
  }
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
    return { message: `${e.message}; use --backend wasm (or auto)`, exitCode: 2, usage: true };
  }
  if (e instanceof NotAPointwiseModelError) {
    return {
      message:
        `${e.message}; export a trained model with: pointwise export --model RUN --out model.onnx`,
      exitCode: 1,
      usage: false,
    };
  }
  if (e instanceof ModelFormatError) {
    return { message: modelFormatHint(e), exitCode: 1, usage: false };
  }
  if (e instanceof WeightsMismatchError) {
    return {
      message: `${e.message}\n(--allow-partial keeps what matches)`,
      exitCode: 1,
      usage: false,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { message, exitCode: 1, usage: false };
}
