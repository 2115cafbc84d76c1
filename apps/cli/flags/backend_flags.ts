/**
 * `--backend auto|webgpu|wasm|cpu` and `--threads N`: validates the flags
 * into the core's one selection setting, and initialises TensorFlow.js on the chosen backend for
 * commands that run it (loading tfjs only then).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { env } from "@pointwise/core/lite";
 * import { UsageError } from "../args.ts";
 * import { backendSetting } from "./backend_flags.ts";
 * assert.equal(backendSetting({ backend: "wasm", threads: "2" }), "wasm");
 * assert.deepEqual([env.backend, env.threads], ["wasm", 2]); // the core's one setting
 * assert.throws(() => backendSetting({ backend: "gpu" }), UsageError);
 * ```
 * @module
 */
import {
  BACKEND_SETTINGS,
  type BackendChoice,
  type BackendSetting,
  env,
} from "@pointwise/core/lite";
import { checkRuntime, RUNTIME_SETTINGS, type RuntimeSetting } from "@pointwise/runtime";
import { num, str, UsageError } from "../args.ts";
import { helpRows, helpSection } from "../console/help.ts";

/** The `backend:` section of `--help`. */
export const BACKEND_HELP: string = helpSection("backend", [
  ["--backend auto|webgpu|wasm|cpu", "auto: WebGPU with a real GPU adapter, else WASM-SIMD [auto]"],
  ["--threads N", "WASM threads, TensorFlow.js and onnxruntime alike [the cores, <= 8]"],
]);

/** The flag that picks onnxruntime for exported models. */
export const RUNTIME_OPTIONS = { runtime: { type: "string" } } as const;

/** Help lines for `--runtime`. */
export const RUNTIME_HELP: string = helpRows([[
  "--runtime auto|web|native",
  "onnxruntime for .onnx models: native (onnxruntime-node, needs --allow-ffi) or web " +
  "(WASM/WebGPU); auto: native where it loads and --backend is auto or cpu, else web [auto]",
]]);

/** Reads and checks `--runtime` [auto]. */
export function runtimeSetting(values: Record<string, unknown>): RuntimeSetting {
  const setting = str(values, "runtime", "auto")!;
  try {
    return checkRuntime(setting);
  } catch {
    throw new UsageError(
      `--runtime must be one of ${RUNTIME_SETTINGS.join(", ")}, got '${setting}'`,
    );
  }
}

/**
 * Reads and checks `--backend` and `--threads` into `env`.
 *
 * @param values parsed flags.
 * @returns the backend setting, also stored in `env`.
 * @throws {UsageError} for an unknown backend or a bad thread count.
 */
export function backendSetting(values: Record<string, unknown>): BackendSetting {
  if (values.threads !== undefined) {
    const threads = num(values, "threads", 0, 1, 8);
    if (!Number.isInteger(threads)) throw new UsageError("--threads expects a whole number");
    env.threads = threads;
  }
  const setting = str(values, "backend", "auto") as BackendSetting;
  if (!BACKEND_SETTINGS.includes(setting)) {
    throw new UsageError(
      `--backend must be one of ${BACKEND_SETTINGS.join(", ")}, got '${setting}'`,
    );
  }
  env.backend = setting;
  return setting;
}

/**
 * Initialises the requested tfjs backend and reports it on stderr.
 *
 * @param values parsed flags.
 * @returns the backend chosen and why.
 * @throws {UsageError} for an unknown backend or a bad thread count.
 */
export async function startBackend(values: Record<string, unknown>): Promise<BackendChoice> {
  backendSetting(values);
  // Loaded here, so that commands which never run tfjs do not load it.
  const { initBackend } = await import("@pointwise/core");
  const choice = await initBackend();
  console.error(`backend: ${choice.name} (${choice.reason})`);
  return choice;
}
