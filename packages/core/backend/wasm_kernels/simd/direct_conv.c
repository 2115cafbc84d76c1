// The forward pass of an undilated convolution, NHWC, by the 4x8 microkernel:
// y[b][oy][ox][o] = sum over i, j, c of x[b][oy sh + i - top][ox sw + j -
// left][c] w[i][j][c][o], zero outside x. For 4 output pixels of a row the
// taps (i, j, c) are packed k-major into one panel (the pixel's kw * in_c
// taps of a kernel row are contiguous in x), and the panel meets every
// 8-column block of the filter, packed once per call. This is what XNNPACK
// does slowly for a 3-channel stem (a depth of 3 per tap) and no faster for
// strided 3x3 layers (direct_conv.ts has the measurements). Each output is
// summed by one thread over k in order, so results do not depend on the
// thread count.
#include <wasm_simd128.h>

#include "gemm.h"
#include "parallel.h"

#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct {
  int batch, in_h, in_w, in_c, out_h, out_w, out_c;  // out_c by 8
  int kh, kw, sh, sw, top, left;
  const float* x;
  const float* w;     // [kh][kw][in_c][out_c]
  float* y;
  float* wp;          // [out_c / 8][kh * kw * in_c][8]
  float* scratch;     // per thread: scratch_floats each
  int scratch_floats; // 4 * K + 32
  int nthreads;
  Sync* sync;
} DirectConv;

// Packs the taps of pixels ox .. ox + 3 of output row oy of image b into
// a[4k + r]; pixels past the row's end are zeros.
static void pack_pixels(const DirectConv* p, int b, int oy, int ox, float* a) {
  const int c = p->in_c, run = p->kw * c, k = p->kh * run;
  for (int r = 0; r < 4; r++) {
    float* d = a + r;
    if (ox + r >= p->out_w) {
      for (int t = 0; t < k; t++) d[4 * t] = 0;
      continue;
    }
    const int x0 = (ox + r) * p->sw - p->left;
    for (int i = 0; i < p->kh; i++, d += 4 * run) {
      const int y = oy * p->sh + i - p->top;
      if (y < 0 || y >= p->in_h) {
        for (int t = 0; t < run; t++) d[4 * t] = 0;
        continue;
      }
      const float* s = p->x + (((long)b * p->in_h + y) * p->in_w + x0) * c;
      if (x0 >= 0 && x0 + p->kw <= p->in_w) {
        for (int t = 0; t < run; t++) d[4 * t] = s[t];
        continue;
      }
      for (int j = 0; j < p->kw; j++) {
        const int inside = x0 + j >= 0 && x0 + j < p->in_w;
        for (int ch = 0; ch < c; ch++) d[4 * (j * c + ch)] = inside ? s[j * c + ch] : 0;
      }
    }
  }
}

EXPORT(direct_conv)
void direct_conv(const DirectConv* p, int tid) {
  const int k = p->kh * p->kw * p->in_c, nc = p->out_c, blocks = nc >> 3;
  // The filter, 8 columns at a time, k-major.
  for (int kk = claim(p->sync); kk < k; kk = claim(p->sync)) {
    const float* src = p->w + (long)kk * nc;
    for (int ob = 0; ob < blocks; ob++) {
      wasm_v128_store(p->wp + ((long)ob * k + kk) * 8, wasm_v128_load(src + ob * 8));
      wasm_v128_store(p->wp + ((long)ob * k + kk) * 8 + 4, wasm_v128_load(src + ob * 8 + 4));
    }
  }
  barrier(p->sync, p->nthreads, tid);
  float* a = p->scratch + (long)tid * p->scratch_floats;
  float* tail = a + 4 * (long)k;
  const int rows = p->batch * p->out_h;
  for (int row = claim(p->sync); row < rows; row = claim(p->sync)) {
    const int b = row / p->out_h, oy = row % p->out_h;
    float* yrow = p->y + (long)row * p->out_w * nc;
    for (int ox = 0; ox < p->out_w; ox += 4) {
      pack_pixels(p, b, oy, ox, a);
      const int full = ox + 4 <= p->out_w;
      for (int ob = 0; ob < blocks; ob++) {
        const float* bp = p->wp + (long)ob * k * 8;
        if (full) {
          ukernel_4x8(k, a, bp, yrow + (long)ox * nc + ob * 8, nc, 0);
          continue;
        }
        ukernel_4x8(k, a, bp, tail, 8, 0);
        for (int r = 0; ox + r < p->out_w; r++) {
          __builtin_memcpy(yrow + (long)(ox + r) * nc + ob * 8, tail + r * 8, 8 * sizeof(float));
        }
      }
    }
  }
}
