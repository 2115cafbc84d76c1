/**
 * Our WASM-SIMD kernels on every core: a pool of workers, each with its own
 * instance of the kernels module on tfjs's shared `WebAssembly.Memory`, that
 * run one export together with the calling thread. The calling thread takes
 * index 0 and the workers 1..n-1; the export splits its work by that index
 * (`simd/parallel.h`) and splits outputs, never a sum, so any number of
 * threads gives the same bits.
 *
 * tfjs's own pthread pool cannot run a second module's code, hence a pool of
 * our own. Workers are `node:worker_threads` where the host has them (Deno,
 * Node: they are unref'd, so they never keep the process alive) and Web
 * Workers otherwise. They sleep in `Atomics.wait` between calls. Hosts
 * without workers or without a shared memory run everything on one thread.
 *
 * @example
 * ```ts ignore
 * const pool = await KernelThreads.start(memory, moduleBytes, 2);
 * pool.run("winograd_conv", paramsAddress, 2, (arg, tid) => exports.winograd_conv(arg, tid));
 * ```
 * @module
 */

// Control block (int32 slots of a SharedArrayBuffer of its own).
const DONE = 0; // workers finished with the current call
const FN = 1; // index of the export in NAMES
const ARG = 2; // its argument (a heap address)
const FAILED = 3; // a worker's call threw
const QUIT = 4;
const WAKE = 8; // WAKE + tid: bumped to start worker tid
const SLOTS = WAKE + 64;

/** The exports a pool can run; each takes (argument, thread index). */
export const THREADED_EXPORTS = [
  "winograd_conv",
  "winograd_filter_grad",
  "gemm",
  "direct_filter_grad",
  "direct_conv",
  "bn_infer",
  "resize_exact",
  "mul_rows",
] as const;
export type ThreadedExport = typeof THREADED_EXPORTS[number];

// The worker: instantiates the module on the shared memory, says "ready",
// then runs calls until told to quit. Plain JavaScript, for both kinds of worker.
const WORKER_SOURCE = `
const start = (d, post) => {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(d.bytes), { env: { memory: d.memory } });
  const c = new Int32Array(d.control);
  const fns = d.names.map((n) => instance.exports[n]);
  const wake = ${WAKE} + d.tid;
  let seen = Atomics.load(c, wake);
  post("ready");
  for (;;) {
    Atomics.wait(c, wake, seen);
    const now = Atomics.load(c, wake);
    if (now === seen) continue;
    seen = now;
    if (Atomics.load(c, ${QUIT}) !== 0) return;
    try {
      fns[c[${FN}]](c[${ARG}], d.tid);
    } catch (e) {
      Atomics.store(c, ${FAILED}, 1);
    }
    Atomics.add(c, ${DONE}, 1);
    Atomics.notify(c, ${DONE});
  }
};
if (typeof require === "function") {
  const { parentPort } = require("node:worker_threads");
  parentPort.once("message", (d) => start(d, (m) => parentPort.postMessage(m)));
} else {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
}
`;

interface AnyWorker {
  terminate(): unknown;
}

/** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function isNodeLike(): boolean {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } };
  return g.Deno !== undefined || typeof g.process?.versions?.node === "string";
}

/** Starts one worker; resolves once its module is instantiated. */
async function startWorker(message: Record<string, unknown>): Promise<AnyWorker> {
  if (isNodeLike()) {
    const { Worker } = await import("node:worker_threads");
    // An empty environment: the worker reads none, and Deno would otherwise copy
    // process.env into it, which asks for --allow-env (a prompt on a terminal).
    const w = new Worker(WORKER_SOURCE, { eval: true, env: {} });
    await new Promise<void>((resolve, reject) => {
      w.once("message", () => resolve());
      w.once("error", reject);
      w.postMessage(message);
    });
    w.unref();
    return w;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  try {
    const w = new Worker(url);
    await new Promise<void>((resolve, reject) => {
      w.onmessage = () => resolve();
      w.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      w.postMessage(message);
    });
    return w;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A pool of `size - 1` workers plus the calling thread. */
export class KernelThreads {
  #control: Int32Array;
  #workers: AnyWorker[];
  #mainBlocks = mayBlock();

  private constructor(control: Int32Array, workers: AnyWorker[]) {
    this.#control = control;
    this.#workers = workers;
  }

  /** Threads available to a call, the caller's included. */
  get size(): number {
    return this.#workers.length + 1;
  }

  /** Whether the calling thread may sleep in `memory.atomic.wait` (kernels read it). */
  get mainBlocks(): boolean {
    return this.#mainBlocks;
  }

  /**
   * Starts `threads - 1` workers on `memory`, each instantiating `bytes`.
   * Returns a one-thread pool where the memory is not shared or the host
   * has no workers, with the reason.
   */
  static async start(
    memory: WebAssembly.Memory,
    bytes: Uint8Array,
    threads: number,
  ): Promise<{ pool: KernelThreads; why?: string }> {
    const control = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
    if (threads <= 1) return { pool: new KernelThreads(control, []) };
    if (!(memory.buffer instanceof SharedArrayBuffer)) {
      return { pool: new KernelThreads(control, []), why: "the memory is not shared" };
    }
    try {
      const workers = await Promise.all(
        Array.from({ length: threads - 1 }, (_, i) =>
          startWorker({
            memory,
            bytes,
            control: control.buffer,
            tid: i + 1,
            names: THREADED_EXPORTS,
          })),
      );
      return { pool: new KernelThreads(control, workers) };
    } catch (e) {
      return {
        pool: new KernelThreads(control, []),
        why: `kernel workers did not start: ${(e as Error).message}`,
      };
    }
  }

  /**
   * Runs export `name` on `threads` threads (at most `size`): the workers
   * 1..threads-1 and `onCaller(arg, 0)` here; returns when all are done.
   */
  run(
    name: ThreadedExport,
    arg: number,
    threads: number,
    onCaller: (arg: number, tid: number) => void,
  ): void {
    const n = Math.min(threads, this.size);
    const c = this.#control;
    if (n > 1) {
      Atomics.store(c, DONE, 0);
      Atomics.store(c, FN, THREADED_EXPORTS.indexOf(name));
      Atomics.store(c, ARG, arg);
      for (let t = 1; t < n; t++) {
        Atomics.add(c, WAKE + t, 1);
        Atomics.notify(c, WAKE + t);
      }
    }
    onCaller(arg, 0);
    for (let spin = 0; Atomics.load(c, DONE) < n - 1; spin++) {
      const done = Atomics.load(c, DONE);
      if (this.#mainBlocks && spin > 100 && done < n - 1) Atomics.wait(c, DONE, done, 1);
    }
    if (Atomics.exchange(c, FAILED, 0) !== 0) throw new Error(`${name} failed on a worker`);
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.#control, QUIT, 1);
    for (let t = 1; t < this.size; t++) {
      Atomics.add(this.#control, WAKE + t, 1);
      Atomics.notify(this.#control, WAKE + t);
    }
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
  }
}
