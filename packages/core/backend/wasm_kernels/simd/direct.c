// The filter gradient of any undilated convolution, NHWC, without image
// columns: dw[i][j][c][o] = sum over b, oy, ox of
// xp[b][oy * sh + i][ox * sw + j][c] dy[b][oy][ox][o], xp the padded input.
// For a kernel row i the taps (j, c) are kw * in_c consecutive floats of xp,
// so 4 taps at one output pixel are one contiguous group, read in place; an
// output row of dy is the other operand. Rows of the tap axis are padded to
// a multiple of 4 per kernel row (the extra rows read the next floats and
// are dropped). Each thread owns a range of tap groups for all pixels, so
// every element is summed in one order whatever the thread count.
#include <wasm_simd128.h>

#include "gemm.h"
#include "parallel.h"

#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct {
  int batch, out_h, out_w, out_c;  // dy; out_c by 8
  int kh, kw, in_c, sh, sw;
  int xp_h, xp_w;                  // the padded input, with slack after its end
  const float* xp;
  const float* dy;
  float* dwp;                      // [kh][round4(kw * in_c)][out_c]
  float* dw;                       // [kh][kw][in_c][out_c]
  int nthreads;
  Sync* sync;
} DirectFilterGrad;

EXPORT(direct_filter_grad)
void direct_filter_grad(const DirectFilterGrad* p, int tid) {
  const int run = p->kw * p->in_c, rows = (run + 3) & ~3, groups = p->kh * (rows >> 2);
  const int nc = p->out_c, n = p->nthreads;
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
