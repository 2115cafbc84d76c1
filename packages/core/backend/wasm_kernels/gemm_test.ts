// The kernels' matrix product against a float64 reference, on shapes with
// every kind of edge (m not by 4, n not by 8, k past one block), each operand
// plain and transposed, inside larger tensors at an offset.
//
// Tolerance: 1e-6 relative L2 against float64. A float32 dot product of
// length k errs by about sqrt(k) * 6e-8 relative in RMS (3e-6 at worst for
// k = 700 with random signs, far less typically); a wrong element, edge or
// block is off by order 1.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";
import { relErr } from "../../_testing/mod.ts";
import { Rng } from "../../util/rng.ts";
import { simdGemm } from "./gemm.ts";
import { simdLoopsFor } from "./simd_loops.ts";

function randn(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

const CASES: [number, number, number][] = [
  [1, 1, 1],
  [4, 8, 16],
  [5, 9, 3],
  [13, 30, 257],
  [64, 16, 700],
  [67, 3, 41],
  [130, 71, 9],
];

Deno.test("the kernels' GEMM matches a float64 product on every edge and layout", async () => {
  await initBackend("wasm");
  const simd = simdLoopsFor(tf.backend());
  assert.ok(simd !== undefined, "the WASM-SIMD module did not load");
  for (const [m, n, k] of CASES) {
    for (const aTrans of [false, true]) {
      for (const bTrans of [false, true]) {
        const av = randn(m * k, m + k), bv = randn(k * n, n + 7);
        // Stored with 3 leading floats and rows padded by 2, to test offsets and strides.
        const [ar, ac] = aTrans ? [k, m] : [m, k];
        const [br, bc] = bTrans ? [n, k] : [k, n];
        const store = (v: Float32Array, rows: number, cols: number, trans: boolean) => {
          const out = new Float32Array(3 + rows * (cols + 2));
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              // v is the logical matrix, row-major; stored transposed when asked.
              const [i, j] = trans ? [c, r] : [r, c];
              out[3 + r * (cols + 2) + c] = v[i * (trans ? rows : cols) + j];
            }
          }
          return tf.tensor1d(out);
        };
        const a = store(av, ar, ac, aTrans), b = store(bv, br, bc, bTrans);
        const backend = tf.backend() as unknown as {
          makeOutput(s: number[], d: string): tf.TensorInfo;
        };
        const c = backend.makeOutput([m * n], "float32");
        const ainfo = { dataId: a.dataId, shape: a.shape, dtype: a.dtype } as tf.TensorInfo;
        const binfo = { dataId: b.dataId, shape: b.shape, dtype: b.dtype } as tf.TensorInfo;
        simdGemm(simd, m, n, k, { t: ainfo, offset: 3, ld: ac + 2, trans: aTrans }, {
          t: binfo,
          offset: 3,
          ld: bc + 2,
          trans: bTrans,
        }, { t: c, ld: n });
        const ct = tf.engine().makeTensorFromTensorInfo(c);
        const got = ct.dataSync() as Float32Array;
        ct.dispose();
        const ref = new Float64Array(m * n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += av[i * k + p] * bv[p * n + j];
            ref[i * n + j] = s;
          }
        }
        const err = relErr(got, ref);
        assert.ok(err < 1e-6, `m ${m} n ${n} k ${k} aT ${aTrans} bT ${bTrans}: ${err}`);
        tf.dispose([a, b]);
      }
    }
  }
});
