// Inference-time loops of the wasm backend that tfjs runs slowly: batch
// normalisation with fixed statistics, y = (x - mean) * scale / sqrt(variance
// + eps) + offset per channel (tfjs's own kernel took 4-5 ns an element),
// then optionally a residual added and a ReLU, in the same pass (a ResNet
// block's ending took three passes over its output), split by rows over the
// threads of one call (parallel.h).
#include <wasm_simd128.h>

#include "batch_norm_coef.h"
#include "parallel.h"

#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct {
  const float* x;
  int rows, c;              // x as [rows][c]
  const float* mean;        // [c] each; offset and scale may be 0 (absent)
  const float* variance;
  const float* offset;
  const float* scale;
  float eps;
  float* y;
  float* coef;              // 2c floats: per-channel a, then b, y = a x + b
  int nthreads;
  Sync* sync;
  const float* residual;    // 0, or [rows][c] added after the normalisation
  int relu;                 // 1: max(0, .) last
} BatchNormInfer;

EXPORT(bn_infer)
void bn_infer(const BatchNormInfer* p, int tid) {
  const int c = p->c, n = p->nthreads;
  float* a = p->coef;
  float* b = a + c;
  // Thread 0 writes the coefficients; the others wait at the barrier.
  if (tid == 0) bn_coefficients(p->mean, p->variance, p->offset, p->scale, p->eps, c, a);
  barrier(p->sync, n, tid);
  const long r0 = (long)p->rows * tid / n, r1 = (long)p->rows * (tid + 1) / n;
  for (long r = r0; r < r1; r++) {
    const float* xr = p->x + r * c;
    float* yr = p->y + r * c;
    int k = 0;
    if (!p->residual && !p->relu) {
      for (; k + 4 <= c; k += 4) {
        wasm_v128_store(yr + k, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + k), wasm_v128_load(a + k)),
                                               wasm_v128_load(b + k)));
      }
      for (; k < c; k++) yr[k] = xr[k] * a[k] + b[k];
      continue;
    }
    // The same roundings as the separate ops: (x a + b), then + r, then ReLU.
    const float* rr = p->residual ? p->residual + r * c : 0;
    for (; k + 4 <= c; k += 4) {
      wasm_v128_store(yr + k, bn_epilogue(wasm_v128_load(xr + k), wasm_v128_load(a + k),
                                          wasm_v128_load(b + k), rr ? rr + k : 0, p->relu));
    }
    for (; k < c; k++) {
      float v = xr[k] * a[k] + b[k];
      if (rr) v += rr[k];
      yr[k] = p->relu ? __builtin_wasm_max_f32(v, 0.0f) : v;
    }
  }
}
