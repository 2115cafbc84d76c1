/**
 * The WASM-SIMD twins of the JavaScript loops in this folder (matrix
 * transpose, transposed im2col, col2im, fused batch norm, MaxPoolGrad), compiled from
 * `simd/kernels.c` and run on the wasm backend's own memory, which the module
 * imports: no copies in or out. `loadSimdLoops` binds them to the live
 * backend; until then, or where the module cannot load, `loopsFor`
 * (training_loops.ts) gives the kernels the JavaScript loops, which compute
 * the same values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * import { simdLoopsFor, unloadSimdLoops } from "./simd_loops.ts";
 * await initBackend("wasm"); // loads the loops onto the backend's memory where it can
 * const backend = tf.backend();
 * assert.notEqual(simdLoopsFor(backend), undefined);
 * unloadSimdLoops();
 * assert.equal(simdLoopsFor(backend), undefined); // the kernels now take the JavaScript twins
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { Col2ImGeometry } from "./col2im.ts";
import type { TrainingLoops } from "./loops.ts";
import {
  KERNELS_PLAIN,
  KERNELS_PLAIN_RELAXED,
  KERNELS_SHARED,
  KERNELS_SHARED_RELAXED,
} from "./simd/kernels_wasm.ts";
import { KernelThreads } from "./thread_pool.ts";

/** Int32 slots of parallel.h's `Sync` block, with room to spare. */
export const SYNC_INTS = 16;

/** What the loops need of the wasm backend: its memory and tensor addresses. */
export interface WasmBackendInternals {
  // The threaded build exposes its memory as wasmMemory, the other in asm.
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

interface Exports {
  winograd_conv(params: number, tid: number): void;
  winograd_filter_grad(params: number, tid: number): void;
  gemm(params: number, tid: number): void;
  direct_filter_grad(params: number, tid: number): void;
  direct_conv(params: number, tid: number): void;
  bn_infer(params: number, tid: number): void;
  resize_exact(params: number, tid: number): void;
  mul_rows(params: number, tid: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  im2col_t(xT: number, cols: number, geometry: number): void;
  col2im(cols: number, dx: number, geometry: number): void;
  max_pool_grad(x: number, dy: number, dx: number, geometry: number): void;
  bn_forward(
    x: number,
    rows: number,
    c: number,
    gamma: number,
    beta: number,
    eps: number,
    y: number,
    mean: number,
    variance: number,
    invStd: number,
    scratch: number,
  ): void;
  bn_backward(
    dy: number,
    x: number,
    mean: number,
    invStd: number,
    gamma: number,
    rows: number,
    c: number,
    dx: number,
    dGamma: number,
    dBeta: number,
    scratch: number,
  ): void;
}

const GEOMETRY_FIELDS = [
  "batch",
  "inH",
  "inW",
  "channels",
  "outH",
  "outW",
  "kh",
  "kw",
  "sh",
  "sw",
  "top",
  "left",
] as const;

/** The loops, called with tensors of one wasm backend. */
export class SimdLoops implements TrainingLoops {
  /** Threads a threaded export may use (at most the pool's size); see `setKernelThreads`. */
  threads: number;

  constructor(
    readonly backend: WasmBackendInternals,
    readonly memory: WebAssembly.Memory,
    readonly fn: Exports,
    readonly pool: KernelThreads,
    /** The build's instruction set. */
    readonly isa: KernelIsa = "simd",
  ) {
    this.threads = pool.size;
  }

  /** Byte address of a tensor's data, plus `offset` floats. */
  address(t: tf.TensorInfo, offset = 0): number {
    const data = this.backend.dataIdMap.get(t.dataId);
    if (data === undefined) throw new Error("tensor is not on this wasm backend");
    return data.memoryOffset + 4 * offset;
  }

  /** Runs `f` with `floats` of scratch on the heap, freed afterwards. */
  withScratch<T>(floats: number, f: (address: number, t: tf.TensorInfo) => T): T {
    const t = this.backend.makeOutput([Math.max(floats, 1)], "float32");
    try {
      return f(this.address(t), t);
    } finally {
      this.backend.disposeData(t.dataId);
    }
  }

  /**
   * Writes a threaded kernel's parameter block at `at` (`fields` in its first
   * `paramInts` int32) and the zeroed `Sync` block after it (parallel.h),
   * whose fourth slot says whether the calling thread may block.
   */
  writeParams(at: number, paramInts: number, fields: number[]): void {
    if (fields.length > paramInts) throw new Error("the parameter block is too small");
    const view = new Int32Array(this.memory.buffer, at, paramInts + SYNC_INTS);
    view.fill(0);
    view.set(fields);
    view[paramInts + 3] = this.pool.mainBlocks ? 1 : 0;
  }

  /** Runs `f` with the geometry written on the heap as 12 int32. */
  withGeometry<T>(g: Col2ImGeometry, f: (address: number) => T): T {
    return this.withScratch(GEOMETRY_FIELDS.length, (address) => {
      const view = new Int32Array(this.memory.buffer, address, 12);
      GEOMETRY_FIELDS.forEach((k, i) => view[i] = g[k]);
      return f(address);
    });
  }

  /** dst = src^T for a rows x cols matrix at float offsets of two tensors. */
  transpose(
    src: tf.TensorInfo,
    srcOff: number,
    rows: number,
    cols: number,
    dst: tf.TensorInfo,
    dstOff: number,
  ): void {
    this.fn.transpose(this.address(src, srcOff), rows, cols, this.address(dst, dstOff));
  }

  /** `im2colTransposed` (im2col.ts). */
  im2colTransposed(xT: tf.TensorInfo, cols: tf.TensorInfo, g: Col2ImGeometry): void {
    this.withGeometry(g, (geo) => this.fn.im2col_t(this.address(xT), this.address(cols), geo));
  }

  /** `maxPoolGrad` (max_pool_grad.ts), the window as kh x kw; dx must start at zero. */
  maxPoolGrad(x: tf.TensorInfo, dy: tf.TensorInfo, dx: tf.TensorInfo, g: Col2ImGeometry): void {
    this.withGeometry(
      g,
      (geo) => this.fn.max_pool_grad(this.address(x), this.address(dy), this.address(dx), geo),
    );
  }

  /** `batchNormForwardLoop` (batch_norm_loops.ts). */
  batchNormForward(
    x: tf.TensorInfo,
    gamma: tf.TensorInfo,
    beta: tf.TensorInfo,
    eps: number,
    y: tf.TensorInfo,
    mean: tf.TensorInfo,
    variance: tf.TensorInfo,
    invStd: tf.TensorInfo,
  ): void {
    const c = x.shape[x.shape.length - 1];
    const a = (t: tf.TensorInfo) => this.address(t);
    // Scratch: 2c float64 sums, then 3c float32 coefficients.
    this.withScratch(7 * c, (scratch) =>
      this.fn.bn_forward(
        a(x),
        rowsOf(x),
        c,
        a(gamma),
        a(beta),
        eps,
        a(y),
        a(mean),
        a(variance),
        a(invStd),
        scratch,
      ));
  }

  /** `batchNormBackwardLoop` (batch_norm_loops.ts). */
  batchNormBackward(
    dy: tf.TensorInfo,
    x: tf.TensorInfo,
    mean: tf.TensorInfo,
    invStd: tf.TensorInfo,
    gamma: tf.TensorInfo,
    dx: tf.TensorInfo,
    dGamma: tf.TensorInfo,
    dBeta: tf.TensorInfo,
  ): void {
    const c = x.shape[x.shape.length - 1];
    const a = (t: tf.TensorInfo) => this.address(t);
    this.withScratch(7 * c, (scratch) =>
      this.fn.bn_backward(
        a(dy),
        a(x),
        a(mean),
        a(invStd),
        a(gamma),
        rowsOf(x),
        c,
        a(dx),
        a(dGamma),
        a(dBeta),
        scratch,
      ));
  }

  /** `col2im` (col2im.ts); dx must start at zero. */
  col2im(cols: tf.TensorInfo, dx: tf.TensorInfo, g: Col2ImGeometry): void {
    this.withGeometry(g, (geo) => this.fn.col2im(this.address(cols), this.address(dx), geo));
  }
}

/** Rows of an NHWC tensor seen as [rows, channels]. */
function rowsOf(t: tf.TensorInfo): number {
  return t.shape.slice(0, -1).reduce((p, d) => p * d, 1);
}

let bound: SimdLoops | undefined;

/**
 * The kernels' instruction set: WASM SIMD, or the same with relaxed SIMD's
 * fused multiply-add in the GEMM microkernels (`simd/gemm.h`), which every
 * convolution of ours multiplies with. Relaxed SIMD lets a host fuse the
 * multiply-add or not, so results may differ in the last bits from host to
 * host (never between thread counts on one host); the tests hold both sets
 * to the cpu backend.
 */
export type KernelIsa = "simd" | "relaxed";

// The smallest module that uses f32x4.relaxed_madd: it validates where the
// host has relaxed SIMD (V8 from 11.4, so Deno, Node 20+, Chrome; not every
// browser).
const RELAXED_PROBE = Uint8Array.of(
  ...[0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0],
  ...[32, 0, 32, 0, 32, 0, 253, 133, 2, 11],
);

/** Whether this host runs relaxed SIMD's fused multiply-add. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

let isaSetting: KernelIsa | "auto" = "auto";

/**
 * Sets the instruction set that loads from now on use (`auto`: relaxed SIMD
 * where the host has it), for tests and measurements; returns the previous
 * setting. The loops already bound keep theirs until loaded again.
 */
export function setKernelIsa(next: KernelIsa | "auto"): KernelIsa | "auto" {
  const previous = isaSetting;
  isaSetting = next;
  return previous;
}

function defaultIsa(): KernelIsa {
  if (isaSetting !== "auto") return isaSetting;
  return relaxedSimdSupported() ? "relaxed" : "simd";
}

/**
 * Instantiates the loops on `backend`'s memory (shared or plain, as tfjs
 * built it), with a pool of `threads` threads where the memory is shared
 * (thread_pool.ts), in the instruction set `isa` (by default relaxed SIMD
 * where the host has it, see `setKernelIsa`). Returns why not, if they cannot be loaded; the
 * kernels then keep their JavaScript loops.
 */
export async function loadSimdLoops(
  backend: unknown,
  threads = 1,
  isa: KernelIsa = defaultIsa(),
): Promise<string | undefined> {
  const b = backend as Partial<WasmBackendInternals>;
  const memory = b.wasm?.wasmMemory ?? b.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || b.dataIdMap === undefined) {
    return "not a wasm backend with an exposed memory";
  }
  if (bound !== undefined && bound.backend === backend && bound.isa === isa) return undefined;
  if (isa === "relaxed" && !relaxedSimdSupported()) return "this host has no relaxed SIMD";
  const shared = typeof SharedArrayBuffer !== "undefined" &&
    memory.buffer instanceof SharedArrayBuffer;
  const relaxed = isa === "relaxed";
  const bytes = Uint8Array.from(
    atob(
      shared
        ? (relaxed ? KERNELS_SHARED_RELAXED : KERNELS_SHARED)
        : (relaxed ? KERNELS_PLAIN_RELAXED : KERNELS_PLAIN),
    ),
    (ch) => ch.charCodeAt(0),
  );
  try {
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
    const { pool, why } = await KernelThreads.start(memory, bytes, threads);
    bound?.pool.close();
    bound = new SimdLoops(
      b as WasmBackendInternals,
      memory,
      instance.exports as unknown as Exports,
      pool,
      isa,
    );
    return why;
  } catch (e) {
    return `WASM-SIMD loops did not load: ${(e as Error).message}`;
  }
}

/** The loops bound to `backend`, or undefined (use the JavaScript loops). */
export function simdLoopsFor(backend: unknown): SimdLoops | undefined {
  return bound !== undefined && bound.backend === backend ? bound : undefined;
}

/** Unbinds the loops, for tests of the JavaScript fallbacks. */
export function unloadSimdLoops(): void {
  bound?.pool.close();
  bound = undefined;
}

/**
 * Limits the threads our threaded kernels use (1 up to the pool's size);
 * results do not depend on it. Returns the count now in force.
 */
export function setKernelThreads(threads: number): number {
  if (bound === undefined) return 1;
  bound.threads = Math.max(1, Math.min(Math.floor(threads), bound.pool.size));
  return bound.threads;
}
