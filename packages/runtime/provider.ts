/**
 * onnxruntime's execution provider for the core's one backend setting
 * (`env.backend`, `env.threads`): WebGPU where `auto` finds a real GPU
 * adapter or `webgpu` is asked for, WASM-SIMD with threads otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnsupportedBackendError } from "@pointwise/core/lite";
 * import { resolveOrtProvider } from "./provider.ts";
 * const choice = await resolveOrtProvider("wasm");
 * assert.equal(choice.provider, "wasm");
 * assert.ok(choice.threads >= 1);
 * await assert.rejects(resolveOrtProvider("cpu"), UnsupportedBackendError); // onnxruntime has none
 * ```
 * @module
 */
import {
  type BackendSetting,
  checkSetting,
  defaultThreads,
  env,
  resolveBackend,
  UnsupportedBackendError,
} from "@pointwise/core/lite";

/** onnxruntime's execution provider and threads, and why. */
export interface OrtChoice {
  provider: "webgpu" | "wasm";
  /** Threads of the wasm provider (the webgpu provider's CPU fallback runs on one). */
  threads: number;
  reason: string;
}

/**
 * Resolves a setting to an onnxruntime execution provider.
 *
 * @param setting the backend request [env.backend].
 * @returns the provider, its threads and why.
 * @throws {UnsupportedBackendError} for `cpu`.
 */
export async function resolveOrtProvider(
  setting: BackendSetting = env.backend,
): Promise<OrtChoice> {
  checkSetting(setting);
  if (setting === "cpu") throw new UnsupportedBackendError(setting, "onnxruntime");
  const choice = await resolveBackend(setting);
  if (choice.name === "webgpu") {
    // With the webgpu entry point, onnxruntime's wasm fallback cannot start worker threads.
    return { provider: "webgpu", threads: 1, reason: choice.reason };
  }
  const threads = env.threads > 0 ? env.threads : defaultThreads();
  return {
    provider: "wasm",
    threads,
    reason: `${choice.reason}; WASM-SIMD, ${threads} thread${threads > 1 ? "s" : ""}`,
  };
}
