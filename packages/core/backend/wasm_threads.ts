/**
 * Multithreaded WASM-SIMD for TensorFlow.js where the host can have it.
 *
 * Browsers that are cross-origin isolated get tfjs's threaded build as it
 * is. Deno is seen by tfjs as Node, for which tfjs turns threads off, and
 * its emscripten runtime would start its workers from `blob:` URLs, which
 * Deno's `node:worker_threads` refuses. Here, on such hosts only
 * (feature-detected, loaded dynamically, so other hosts never touch them):
 *
 * - the threaded build is allowed (`WASM_HAS_MULTITHREAD_SUPPORT`);
 * - `node:worker_threads`' `Worker` starts tfjs's worker from its source
 *   (`eval`) instead of a `blob:` URL, with Deno's getter-only worker
 *   globals made writable first, and the worker loads the module from its
 *   file instead of a `Blob`;
 * - while the module starts, `os.cpus()` reports twice the threads asked
 *   for: tfjs halves the count (for hyper-threads) and caps its pool at the
 *   half, so two cores would give one thread;
 * - `globalThis.Worker`, which emscripten replaces with Node's, is restored;
 * - the pool's workers never hold the process open.
 *
 * Results are identical with and without threads (tests check that): the
 * pool splits outputs, not sums.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "./tf.ts";
 * import { prepareWasmThreads, restoreHostWorker, wasmThreadsInUse } from "./wasm_threads.ts";
 * // Before the wasm backend is first created (initBackend does all this). Two
 * // or more threads start a pool of workers; one keeps this example quick.
 * const threads = await prepareWasmThreads(1);
 * await tf.setBackend("wasm");
 * restoreHostWorker();
 * assert.equal(wasmThreadsInUse(), threads);
 * ```
 * @module
 */
import { tf } from "./tf.ts";
import { quietNodeWorkers } from "./node_workers.ts";

type WorkerCtor = new (path: unknown, options?: Record<string, unknown>) => {
  postMessage(message: unknown, transfer?: unknown): void;
  ref(): void;
  unref(): void;
};

interface NodeLike {
  process?: { versions?: { node?: string } };
  Deno?: unknown;
  crossOriginIsolated?: boolean;
}

let hostWorker: unknown;
let restoreCpus: (() => void) | undefined;
// The pool's workers; they hold the event loop until the module has loaded
// them (it waits for their messages), and not after.
const poolWorkers: { unref(): void }[] = [];
let started = false;

/** Whether the host is Deno or Node (tfjs's "IS_NODE"). */
function nodeLike(): boolean {
  const g = globalThis as NodeLike;
  return g.Deno !== undefined || typeof g.process?.versions?.node === "string";
}

// Makes Deno's getter-only worker globals writable, as emscripten's worker assigns them.
const SHIM = 'for (const k of ["location", "self", "postMessage", "performance", "Worker", ' +
  '"importScripts"]) { try { Object.defineProperty(globalThis, k, { value: globalThis[k], ' +
  "writable: true, configurable: true }); } catch (_) {} }\n";

async function patchNodeWorkers(threads: number): Promise<void> {
  const [{ default: workerThreads }, { default: os }, { fileURLToPath }] = await Promise.all([
    import("node:worker_threads"),
    import("node:os"),
    import("node:url"),
  ]);
  const wt = workerThreads as unknown as { Worker: WorkerCtor; __pointwise?: true };
  if (!wt.__pointwise) {
    const workerModule = await import(
      "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js"
    );
    // tfjs escapes newlines the same way before putting the source in a Blob.
    const source = SHIM +
      (workerModule as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, "\\n");
    const factory = fileURLToPath(
      import.meta.resolve(
        "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js",
      ),
    );
    const NodeWorker = wt.Worker;
    class TfjsWorker extends NodeWorker {
      constructor(path: unknown, options: Record<string, unknown> = {}) {
        const blob = String(path).startsWith("blob:");
        super(blob ? source : path, blob ? { ...options, eval: true, env: {} } : options);
        if (blob) poolWorkers.push(this);
      }
      // emscripten refs a worker while its pthread runs; tfjs's pool threads
      // run for the life of the process and must not keep it from exiting
      // (they are unref'd once the backend has started, see below).
      override ref(): void {
        if (!started) super.ref();
      }
      override postMessage(message: unknown, transfer?: unknown): void {
        const m = message as { cmd?: string; urlOrBlob?: unknown };
        if (m?.cmd === "load" && typeof m.urlOrBlob !== "string") {
          message = { ...m, urlOrBlob: factory };
        }
        super.postMessage(message, transfer);
      }
    }
    wt.Worker = TfjsWorker;
    wt.__pointwise = true;
  }
  // Only the length is read; the real call would also need --allow-sys.
  const cpus = os.cpus;
  const doubled = () =>
    Array.from({ length: 2 * threads }, () => ({ model: "", speed: 0, times: {} }));
  (os as unknown as { cpus: typeof doubled }).cpus = doubled;
  restoreCpus = () => ((os as { cpus: typeof cpus }).cpus = cpus);
}

/**
 * Prepares tfjs's wasm backend for `threads` threads; call it before the
 * backend is first created. Returns the threads it will ask for (1 where the
 * host cannot have more).
 */
export async function prepareWasmThreads(threads: number): Promise<number> {
  const g = globalThis as NodeLike;
  const { setThreadsCount } = await import("@tensorflow/tfjs-backend-wasm");
  if (threads <= 1) {
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    return 1;
  }
  if (nodeLike()) {
    hostWorker = (globalThis as { Worker?: unknown }).Worker;
    await quietNodeWorkers();
    await patchNodeWorkers(threads);
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  } else if (g.crossOriginIsolated !== true) {
    return 1;
  }
  setThreadsCount(threads);
  return threads;
}

/** Undoes the start-up patches once the backend exists (safe to call always). */
export function restoreHostWorker(): void {
  if (poolWorkers.length > 0) {
    started = true;
    for (const w of poolWorkers) w.unref();
  }
  restoreCpus?.();
  restoreCpus = undefined;
  if (hostWorker !== undefined) {
    (globalThis as { Worker?: unknown }).Worker = hostWorker;
    hostWorker = undefined;
  }
}

/**
 * Threads of the live wasm backend's pool (1 when single-threaded).
 *
 * @returns the threads, 1 when there is no pool.
 */
export function wasmThreadsInUse(): number {
  const b = tf.findBackend("wasm") as { wasm?: { tfjs?: { getThreadsCount(): number } } } | null;
  return Math.max(1, b?.wasm?.tfjs?.getThreadsCount() ?? 1);
}
