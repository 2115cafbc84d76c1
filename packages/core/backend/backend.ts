/**
 * TensorFlow.js backend initialisation. The choice itself is made in
 * `select.ts` (one setting, `env.backend`, for every tensor runtime); this
 * module registers the chosen backend, with the wasm training kernels, and
 * makes it active. It fails loudly rather than falling back to another one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "./backend.ts";
 * import { tf } from "./tf.ts";
 * const choice = await initBackend("wasm"); // the setting's default, "auto", probes the GPU first
 * assert.equal(tf.getBackend(), "wasm");
 * assert.match(choice.reason, /^requested; WASM-SIMD, \d+ threads?/);
 * ```
 * @module
 */
import { tf } from "./tf.ts";
import { registerWasmTrainingKernels } from "./wasm_kernels/mod.ts";
import { registerWebGpuKernels } from "./webgpu_kernels/mod.ts";
import { type BackendName, type BackendSetting, env } from "../config/env.ts";
import { type BackendChoice, defaultThreads, resolveBackend } from "./select.ts";
import { quietWayland } from "./quiet_wayland.ts";
import { prepareWasmThreads, restoreHostWorker, wasmThreadsInUse } from "./wasm_threads.ts";
import { loadSimdLoops, simdLoopsFor } from "./wasm_kernels/simd_loops.ts";

async function register(name: BackendName): Promise<void> {
  if (name === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    registerWasmTrainingKernels();
    // Threads are fixed when the backend is first created, once per process.
    if (tf.findBackend("wasm") === null) {
      await prepareWasmThreads(env.threads > 0 ? env.threads : defaultThreads());
    }
  } else if (name === "webgpu") {
    await import("@tensorflow/tfjs-backend-webgpu");
    registerWebGpuKernels();
  }
}

/**
 * Makes the chosen backend the active tfjs backend.
 *
 * @param setting the backend request [env.backend].
 * @returns the backend now active and why it was chosen.
 * @throws {Error} when the chosen backend fails to initialise (there is no silent fallback).
 */
export async function initBackend(setting: BackendSetting = env.backend): Promise<BackendChoice> {
  const choice = await resolveBackend(setting);
  await register(choice.name);
  let ok = false;
  // The WebGPU backend asks for its adapter here (on every setting, auto too).
  const restoreWayland = choice.name === "webgpu" ? quietWayland() : () => {};
  try {
    ok = await tf.setBackend(choice.name);
  } catch (e) {
    throw new Error(`backend ${choice.name} failed to initialise: ${e}`);
  } finally {
    restoreHostWorker();
    restoreWayland();
  }
  if (!ok || tf.getBackend() !== choice.name) {
    throw new Error(`backend ${choice.name} failed to initialise`);
  }
  await tf.ready();
  if (choice.name === "wasm") {
    const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
    const threads = wasmThreadsInUse();
    choice.reason += `${simd ? "; WASM-SIMD" : "; WASM without SIMD"}, ${threads} thread${
      threads > 1 ? "s" : ""
    }`;
    // Without SIMD the module cannot compile; the JavaScript loops stay.
    const why = simd ? await loadSimdLoops(tf.backend(), threads) : "no SIMD training loops";
    if (why !== undefined) choice.reason += ` (${why})`;
    if (simdLoopsFor(tf.backend())?.isa === "relaxed") {
      choice.reason += ", relaxed-SIMD multiply-add";
    }
  }
  return choice;
}
