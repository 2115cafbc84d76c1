/**
 * Creates an onnxruntime session on the runtime and execution provider
 * chosen by `provider.ts`: onnxruntime-node's CPU provider for the native
 * runtime; for onnxruntime-web, the webgpu entry point only for the webgpu
 * provider (with it, the wasm provider cannot start worker threads), the
 * plain entry point with threads for wasm.
 * Under the core's `env.assetBase` (a browser bundle), onnxruntime-web's own
 * files are fetched from there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { createSession } from "./ort_session.ts";
 * import { resolveOrtProvider } from "./provider.ts";
 * const { session } = await createSession(await tinyOnnx(), await resolveOrtProvider("wasm"));
 * assert.deepEqual(session.inputNames, ["image"]);
 * assert.deepEqual([...session.outputNames].sort(), [
 *   "class_maps",
 *   "localizer_logits",
 *   "logits",
 *   "mask",
 * ]);
 * await session.release();
 * ```
 * @module
 */
import { assetUrl, env, quietNodeWorkers } from "@pointwise/core/lite";
import type { OrtChoice } from "./provider.ts";
import type * as Ort from "onnxruntime-web";
import { createNativeSession } from "./native.ts";

/** The onnxruntime module (web or node: both implement onnxruntime-common) and a session. */
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
  if (choice.runtime === "native") return await createNativeSession(bytes, choice.threads);
  // In Deno, onnxruntime's threaded start-up replaces globalThis.Worker with
  // node:worker_threads' Worker, which breaks every later `new Worker(url)`
  // of the host. Its thread pool is made by then, so the original goes back.
  const hostWorker = globalThis.Worker;
  const restoreEnv = hideEnvWhereNotAllowed();
  try {
    return await create(bytes, choice);
  } finally {
    if (globalThis.Worker !== hostWorker) globalThis.Worker = hostWorker;
    restoreEnv();
  }
}

type DenoPermissions = { permissions?: { querySync?(d: { name: string }): { state: string } } };

/**
 * In Deno, onnxruntime's threads start as `node:worker_threads` workers,
 * whose constructor copies `process.env`: without `--allow-env` that read
 * prompts in a terminal. Its workers need no environment, so while a
 * session starts they see an empty one where reading it is not allowed.
 * Returns what puts the real one back.
 */
function hideEnvWhereNotAllowed(): () => void {
  const g = globalThis as { Deno?: DenoPermissions; process?: { env?: unknown } };
  const state = g.Deno?.permissions?.querySync?.({ name: "env" }).state;
  if (state === undefined || state === "granted" || g.process === undefined) return () => {};
  const real = g.process.env;
  g.process.env = {};
  return () => {
    g.process!.env = real;
  };
}

async function create(bytes: Uint8Array, choice: OrtChoice): Promise<OrtSession> {
  // Its wasm threads are node:worker_threads workers in Deno: they must not ask for the environment.
  if (choice.threads > 1) await quietNodeWorkers();
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
    executionProviders: [choice.provider as "wasm" | "webgpu"],
    graphOptimizationLevel: "all",
    // Errors only: node placement notes of the webgpu provider are not for users.
    logSeverityLevel: 3,
  });
  return { ort, session };
}
