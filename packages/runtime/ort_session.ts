/**
 * Creates an onnxruntime-web session on the execution provider chosen by
 * `provider.ts`: the webgpu entry point only for the webgpu provider (with
 * it, the wasm provider cannot start worker threads), the plain entry point
 * with threads for wasm. Under the core's `env.assetBase` (a browser
 * bundle), onnxruntime's own files are fetched from there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { createSession } from "./ort_session.ts";
 * import { resolveOrtProvider } from "./provider.ts";
 * const { session } = await createSession(await tinyOnnx(), await resolveOrtProvider("wasm"));
 * assert.deepEqual(session.inputNames, ["image"]);
 * assert.deepEqual([...session.outputNames].sort(), ["localizer_logits", "logits", "mask"]);
 * await session.release();
 * ```
 * @module
 */
import { assetUrl, env } from "@pointwise/core/lite";
import type { OrtChoice } from "./provider.ts";
import type * as Ort from "onnxruntime-web";

/** The onnxruntime module and a session. */
export interface OrtSession {
  ort: typeof Ort;
  session: Ort.InferenceSession;
}

let loadedThreads: number | null = null;

/**
 * Loads onnxruntime for `choice` and creates a session for the model bytes.
 *
 * @param bytes the .onnx file's bytes.
 * @param choice the execution provider and threads.
 * @returns the onnxruntime module and the session.
 */
export async function createSession(bytes: Uint8Array, choice: OrtChoice): Promise<OrtSession> {
  // In Deno, onnxruntime's threaded start-up replaces globalThis.Worker with
  // node:worker_threads' Worker, which breaks every later `new Worker(url)`
  // of the host. Its thread pool is made by then, so the original goes back.
  const hostWorker = globalThis.Worker;
  try {
    return await create(bytes, choice);
  } finally {
    if (globalThis.Worker !== hostWorker) globalThis.Worker = hostWorker;
  }
}

async function create(bytes: Uint8Array, choice: OrtChoice): Promise<OrtSession> {
  const ort: typeof Ort = choice.provider === "webgpu"
    ? await import("onnxruntime-web/webgpu")
    : await import("onnxruntime-web");
  // onnxruntime reads its wasm settings once, when its first session starts.
  if (loadedThreads === null) {
    ort.env.wasm.numThreads = choice.threads;
    // A browser bundle serves onnxruntime's files itself; elsewhere they come from the package.
    if (env.assetBase !== undefined) ort.env.wasm.wasmPaths = assetUrl("onnxruntime-web/");
    ort.env.logLevel = "error";
    loadedThreads = choice.threads;
  }
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [choice.provider],
    graphOptimizationLevel: "all",
    // Errors only: node placement notes of the webgpu provider are not for users.
    logSeverityLevel: 3,
  });
  return { ort, session };
}
