/**
 * The WASM-SIMD ceiling of this machine: GFLOP/s of a register-blocked 6x8
 * GEMM microkernel (`simd_peak/microkernel.c`) with its operands in L1, on 1
 * thread and on several at once, with f32x4 multiply-add and with
 * relaxed-SIMD fused multiply-add. Its inner loop does nothing but loads
 * and multiply-adds, so convolutions built on 128-bit WASM SIMD are not
 * expected to run faster (tfjs's XNNPACK comes within 4%); `deno task bench`
 * prints it beside the step times.
 *
 * @example
 * ```ts ignore
 * const peak = await simdPeak("relaxed", 2); // { gflops: 48.8 } or { missing: "..." }
 * ```
 * @module
 */
import { PLAIN, RELAXED } from "./simd_peak/microkernel_wasm.ts";

/** The result of one probe: GFLOP/s summed over threads, or why there is none. */
export interface SimdPeak {
  gflops?: number;
  missing?: string;
}

const K = 256;

// A worker of its own per thread: the kernel checks its result on small
// integers, then times `reps` passes over K.
const WORKER = `
self.onmessage = async (e) => {
  const { bytes, k, reps } = e.data;
  try {
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const f = new Float32Array(instance.exports.memory.buffer);
    const base = 65536 / 4, a = base, b = a + 6 * k, c = b + 8 * k;
    for (let i = 0; i < 6 * k; i++) f[a + i] = (i % 5) - 2;
    for (let i = 0; i < 8 * k; i++) f[b + i] = (i % 3) - 1;
    f.fill(0, c, c + 48);
    instance.exports.ukernel(k, 1, a * 4, b * 4, c * 4);
    for (let r = 0; r < 6; r++) for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += f[a + i * 6 + r] * f[b + i * 8 + j];
      if (f[c + r * 8 + j] !== s) throw new Error("wrong product at " + r + "," + j);
    }
    for (let i = 0; i < 6 * k + 8 * k; i++) f[a + i] = 1e-7;
    instance.exports.ukernel(k, reps >> 3, a * 4, b * 4, c * 4);
    const t0 = performance.now();
    instance.exports.ukernel(k, reps, a * 4, b * 4, c * 4);
    const s = (performance.now() - t0) / 1000;
    self.postMessage({ gflops: 2 * 6 * 8 * k * reps / s / 1e9 });
  } catch (err) {
    self.postMessage({ missing: String(err && err.message || err) });
  }
};`;

function runWorker(url: string, bytes: Uint8Array, reps: number): Promise<SimdPeak> {
  const w = new Worker(url, { type: "module" });
  return new Promise<SimdPeak>((resolve) => {
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      resolve({ missing: e.message });
    };
    w.postMessage({ bytes, k: K, reps });
  }).finally(() => w.terminate());
}

/** Runs the microkernel on `threads` workers at once; the best of `runs`. */
export async function simdPeak(
  variant: "plain" | "relaxed",
  threads: number,
  runs = 3,
  reps = 40_000,
): Promise<SimdPeak> {
  const bytes = Uint8Array.from(
    atob(variant === "plain" ? PLAIN : RELAXED),
    (ch) => ch.charCodeAt(0),
  );
  const url = URL.createObjectURL(new Blob([WORKER], { type: "text/javascript" }));
  try {
    let best: SimdPeak = { gflops: 0 };
    for (let r = 0; r < runs; r++) {
      const got = await Promise.all(
        Array.from({ length: threads }, () => runWorker(url, bytes, reps)),
      );
      const missing = got.find((g) => g.missing !== undefined);
      if (missing) return { missing: `${variant} microkernel: ${missing.missing}` };
      const sum = got.reduce((s, g) => s + g.gflops!, 0);
      if (sum > best.gflops!) best = { gflops: sum };
    }
    return best;
  } finally {
    URL.revokeObjectURL(url);
  }
}

if (import.meta.main) {
  for (const variant of ["plain", "relaxed"] as const) {
    for (const threads of [1, 2]) {
      const p = await simdPeak(variant, threads);
      console.log(variant, threads, p.gflops?.toFixed(1) ?? p.missing);
    }
  }
}
