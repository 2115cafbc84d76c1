// Inference-time loops of the wasm backend that tfjs runs slowly: batch
// normalisation with fixed statistics, y = (x - mean) * scale / sqrt(variance
// + eps) + offset per channel (tfjs's own kernel took 4-5 ns an element),
// then optionally a residual added and a ReLU, in the same pass (a ResNet
// block's ending took three passes over its output), split by rows over the
// threads of one call (parallel.h); and the exact-tap bilinear resize, by
// output rows.
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
    // The same roundings as the separate ops: (x a + b), then + r, then ReLU.
    bn_row(p->x + r * c, p->y + r * c, a, b, p->residual ? p->residual + r * c : 0, c, p->relu);
  }
}

// The exact-tap bilinear resize (resize_exact.ts): out[b][p][q][k] =
// g_q r[i0_q][k] + f_q r[i1_q][k], r = g_p x'[i0_p] + f_p x'[i1_p] the
// blended input row, x' = x times the one-channel scale where given, with
// g = 1 - f; every operation in float32 in that order, as the op form
// rounds (wasm fuses no multiply-add outside relaxed SIMD, whose builds keep
// contraction off), so the bits are the op form's. An item is an output row.
typedef struct {
  const float* x;       // [n][h][w][c]
  const float* scale;   // 0, or [n][h][w]
  float* y;             // [n][out_h][out_w][c]
  int n, h, w, c, out_h, out_w;
  const int* taps;      // rows' i0, rows' i1 (out_h each), columns' i0, i1 (out_w each)
  const float* fracs;   // rows' f (out_h), columns' f (out_w)
  float* scratch;       // per thread: scratch_floats (a blended row, w * c)
  int scratch_floats;
  int nthreads;
  Sync* sync;
} ResizeExact;

// r = g x'[r0] + f x'[r1] over a row of w pixels of c channels.
static void blend_row(const ResizeExact* p, int b, int r0, int r1, float f, float* r) {
  const int w = p->w, c = p->c;
  const float g = 1.0f - f;
  const long s0 = ((long)b * p->h + r0) * w, s1 = ((long)b * p->h + r1) * w;
  const float* x0 = p->x + s0 * c;
  const float* x1 = p->x + s1 * c;
  if (!p->scale) {
    const v128_t gv = wasm_f32x4_splat(g), fv = wasm_f32x4_splat(f);
    const int n = w * c;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      wasm_v128_store(r + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(x0 + i), gv),
                                            wasm_f32x4_mul(wasm_v128_load(x1 + i), fv)));
    }
    for (; i < n; i++) r[i] = x0[i] * g + x1[i] * f;
    return;
  }
  const float* m0 = p->scale + s0;
  const float* m1 = p->scale + s1;
  for (int j = 0; j < w; j++) {
    for (int k = 0; k < c; k++) {
      const float a = x0[j * c + k] * m0[j], d = x1[j * c + k] * m1[j];
      r[j * c + k] = a * g + d * f;
    }
  }
}

EXPORT(resize_exact)
void resize_exact(const ResizeExact* p, int tid) {
  const int c = p->c, oh = p->out_h, ow = p->out_w;
  const int* ri0 = p->taps;
  const int* ri1 = ri0 + oh;
  const int* ci0 = ri1 + oh;
  const int* ci1 = ci0 + ow;
  const float* rf = p->fracs;
  const float* cf = rf + oh;
  float* r = p->scratch + (long)tid * p->scratch_floats;
  for (int item = claim(p->sync); item < p->n * oh; item = claim(p->sync)) {
    const int b = item / oh, row = item % oh;
    blend_row(p, b, ri0[row], ri1[row], rf[row], r);
    float* out = p->y + (long)item * ow * c;
    for (int q = 0; q < ow; q++) {
      const float f = cf[q], g = 1.0f - f;
      const float* a0 = r + (long)ci0[q] * c;
      const float* a1 = r + (long)ci1[q] * c;
      for (int k = 0; k < c; k++) out[(long)q * c + k] = a0[k] * g + a1[k] * f;
    }
  }
}
