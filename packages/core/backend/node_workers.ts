/**
 * Worker threads that start without asking for the environment. In Deno,
 * `node:worker_threads`' `Worker` copies `process.env` into every new worker
 * unless it is given an `env`; reading the environment without `--allow-env`
 * stops a command at a permission prompt when a terminal is attached (and
 * fails silently without one). The WebAssembly thread pools of TensorFlow.js
 * and onnxruntime start such workers, and read nothing from the environment,
 * so their workers get an empty one instead.
 *
 * @example
 * ```ts
 * import { quietNodeWorkers } from "./node_workers.ts";
 * await quietNodeWorkers(); // before a wasm thread pool starts; safe to call again
 * ```
 * @module
 */

type WorkerCtor = new (path: unknown, options?: Record<string, unknown>) => object;

let patched: Promise<void> | undefined;

/** The Deno namespace, where there is one. */
function deno(): unknown {
  return (globalThis as { Deno?: unknown }).Deno;
}

/** Whether the environment may be read without a prompt. */
function envGranted(): boolean {
  const d = deno() as {
    permissions?: { querySync?(p: { name: "env" }): { state: string } };
  } | undefined;
  try {
    return d?.permissions?.querySync?.({ name: "env" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Makes `node:worker_threads`' `Worker` (the object that `require` and
 * `import` both give) start workers with an empty environment when the
 * caller gives none and reading it is not allowed. Deno only; elsewhere
 * nothing changes.
 */
export function quietNodeWorkers(): Promise<void> {
  if (deno() === undefined) return Promise.resolve();
  patched ??= import("node:worker_threads").then(({ default: wt }) => {
    const holder = wt as unknown as { Worker: WorkerCtor };
    const Base = holder.Worker;
    class QuietWorker extends Base {
      constructor(path: unknown, options: Record<string, unknown> = {}) {
        super(path, "env" in options || envGranted() ? options : { ...options, env: {} });
      }
    }
    holder.Worker = QuietWorker as unknown as WorkerCtor;
  });
  return patched;
}
