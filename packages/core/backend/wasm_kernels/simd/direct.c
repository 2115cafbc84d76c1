// The filter gradient of any undilated convolution, NHWC, without image
// columns: dw[i][j][c][o] = sum over b, oy, ox of
// xp[b][oy * sh + i][ox * sw + j][c] dy[b][oy][ox][o], xp the padded input.
// For a kernel row i the taps (j, c) are kw * in_c consecutive floats of xp,
// so 4 taps at one output pixel are one contiguous group, read in place; an
// output row of dy is the other operand. Rows of the tap axis are padded to
// a multiple of 4 per kernel row (the extra rows read the next floats and
// are dropped). Each thread owns a range of tap groups for all pixels, so
// every element is summed in one order whatever the thread count. The
// threads pad the input first, a row per item (tfjs's PadV2 took 4.5 ms of
// the 8 ms filter gradient of the default training's first layer).
#include <wasm_simd128.h>

#include "gemm.h"
#include "parallel.h"

#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct {
  int batch, out_h, out_w, out_c;  // dy; out_c by 8
  int kh, kw, in_c, sh, sw;
  int xp_h, xp_w;                  // the padded input, with slack after its end
  float* xp;                       // [batch][xp_h][xp_w][in_c], written here
  const float* dy;
  float* dwp;                      // [kh][round4(kw * in_c)][out_c]
  float* dw;                       // [kh][kw][in_c][out_c]
  int nthreads;
  Sync* sync;
  const float* x;                  // [batch][in_h][in_w][in_c]
  int in_h, in_w, top, left;       // xp[b][y + top][x + left] = x[b][y][x], zeros elsewhere
} DirectFilterGrad;

// xp from x, a row of xp per item.
static void pad_input(const DirectFilterGrad* p) {
  const int c = p->in_c, left = p->left * c, inner = p->in_w * c, row = p->xp_w * c;
  const int rows = p->batch * p->xp_h;
  for (int r = claim(p->sync); r < rows; r = claim(p->sync)) {
    const int b = r / p->xp_h, y = r % p->xp_h - p->top;
    float* dst = p->xp + (long)r * row;
    if (y < 0 || y >= p->in_h) {
      __builtin_memset(dst, 0, sizeof(float) * row);
      continue;
    }
    __builtin_memset(dst, 0, sizeof(float) * left);
    __builtin_memcpy(dst + left, p->x + ((long)b * p->in_h + y) * inner, sizeof(float) * inner);
    __builtin_memset(dst + left + inner, 0, sizeof(float) * (row - left - inner));
  }
}

EXPORT(direct_filter_grad)
void direct_filter_grad(const DirectFilterGrad* p, int tid) {
  const int run = p->kw * p->in_c, rows = (run + 3) & ~3, groups = p->kh * (rows >> 2);
  const int nc = p->out_c, n = p->nthreads;
  pad_input(p);
  barrier(p->sync, n, tid);
  const int g0 = (int)((long)groups * tid / n), g1 = (int)((long)groups * (tid + 1) / n);
  for (int gi = g0; gi < g1; gi++) {
    const int i = gi / (rows >> 2), t = (gi % (rows >> 2)) * 4;
    __builtin_memset(p->dwp + (long)(i * rows + t) * nc, 0, sizeof(float) * 4 * nc);
  }
  const long pixel = (long)p->sw * p->in_c, xrow = (long)p->xp_w * p->in_c;
  for (int b = 0; b < p->batch; b++) {
    for (int oy = 0; oy < p->out_h; oy++) {
      const float* dyrow = p->dy + ((long)b * p->out_h + oy) * p->out_w * nc;
      const float* xrows = p->xp + ((long)b * p->xp_h + (long)oy * p->sh) * xrow;
      for (int gi = g0; gi < g1; gi++) {
        const int i = gi / (rows >> 2), t = (gi % (rows >> 2)) * 4;
        const float* a = xrows + i * xrow + t;
        float* c = p->dwp + (long)(i * rows + t) * nc;
        for (int o = 0; o < nc; o += 8) {
          ukernel_4x8s(p->out_w, a, (int)pixel, dyrow + o, nc, c + o, nc);
        }
      }
    }
  }
  for (int gi = g0; gi < g1; gi++) {
    const int i = gi / (rows >> 2), t = (gi % (rows >> 2)) * 4;
    for (int r = t; r < t + 4 && r < run; r++) {
      __builtin_memcpy(p->dw + (long)(i * run + r) * nc, p->dwp + (long)(i * rows + r) * nc,
                       sizeof(float) * nc);
    }
  }
}
