// The forward convolution of layers with few input channels (a network's
// first layer: 7x7, stride 2, 3 channels), NHWC, as a product of image
// columns by the filter without the columns' matrix: for a kernel row i the
// taps (j, c) of one output pixel are kw * in_c consecutive floats of the
// input (staged with zeros where the window crosses the padding: padding the
// whole input took 7 ms of a 41 ms layer), so a panel of 4 pixels is packed
// from 4 runs per kernel row
// straight into the microkernel's layout (gemm.h), and the filter, [K][out_c]
// as stored, into blocks of 8 output channels. Each thread packs its own
// copy of the filter and takes rows of 4 * PANELS pixels; every output is
// summed in one order (the taps' order) whatever the thread count. An
// inference batch norm (with a residual and a ReLU) may follow on each
// item's outputs while they are in cache, by bn_infer's epilogue and
// coefficients (batch_norm_coef.h): the bits of the separate ops.
#include <wasm_simd128.h>

#include "batch_norm_coef.h"
#include "gemm.h"
#include "parallel.h"

#define EXPORT(name) __attribute__((export_name(#name)))
#define PANELS 8  // panels of 4 pixels per work item

typedef struct {
  int batch, out_h, out_w, out_c;
  int kh, kw, in_c, sh, sw;
  int in_h, in_w, top, left;  // y[oy][ox] reads x[oy * sh + i - top][ox * sw + j - left]
  const float* x;
  const float* w;        // [kh][kw][in_c][out_c]
  float* y;              // [batch][out_h][out_w][out_c]
  float* scratch;        // per thread: scratch_floats (packed filter, panels, a 4 x 8 tile, 4 runs)
  int scratch_floats;
  int nthreads;
  Sync* sync;
  // The batch norm; its coef: 2 out_c floats per thread.
  ConvBn bn;
} DirectConv;

// The batch norm on output pixels [ox, ox + count) of row `row` (of all
// images' rows), in place, by bn_infer's steps.
static void bn_pixels(const DirectConv* p, const float* a, long row, int ox, int count) {
  const int nc = p->out_c;
  for (int q = ox; q < ox + count; q++) {
    const long at = (row * p->out_w + q) * nc;
    bn_row(p->y + at, p->y + at, a, a + nc, p->bn.residual ? p->bn.residual + at : 0, nc, p->bn.relu);
  }
}

// The filter as [n8 / 8][k][8], zero past out_c.
static void pack_filter(const DirectConv* p, int k, float* out) {
  const int nc = p->out_c, n8 = (nc + 7) & ~7;
  for (int j = 0; j < n8; j += 8) {
    for (int t = 0; t < k; t++) {
      for (int q = 0; q < 8; q++) out[(long)j * k + t * 8 + q] = j + q < nc ? p->w[(long)t * nc + j + q] : 0.0f;
    }
  }
}

// The run of kernel row i (its kw * in_c taps) of output pixel (oy, ox) of
// image b: a pointer into x, or `stage` filled with it where the window
// crosses the padding.
static const float* tap_run(const DirectConv* p, int b, int oy, int ox, int i, float* stage) {
  const int c = p->in_c;
  const int y = oy * p->sh + i - p->top, x0 = ox * p->sw - p->left;
  const float* row = p->x + (long)(b * p->in_h + y) * p->in_w * c;
  if (y >= 0 && y < p->in_h && x0 >= 0 && x0 + p->kw <= p->in_w) return row + (long)x0 * c;
  for (int j = 0; j < p->kw; j++) {
    const int x = x0 + j, inside = y >= 0 && y < p->in_h && x >= 0 && x < p->in_w;
    for (int ch = 0; ch < c; ch++) stage[j * c + ch] = inside ? row[(long)x * c + ch] : 0.0f;
  }
  return stage;
}

// Pixels [ox, ox + 4) of output row oy of image b as [k][4]; pixels past
// the row's end repeat pixel ox (their products are dropped). `stage` holds
// 4 runs.
static void pack_panel(const DirectConv* p, int b, int oy, int ox, float* out, float* stage) {
  const int run = p->kw * p->in_c, valid = p->out_w - ox;
  for (int i = 0; i < p->kh; i++) {
    const float* s[4];
    for (int r = 0; r < 4; r++) s[r] = tap_run(p, b, oy, r < valid ? ox + r : ox, i, stage + r * run);
    float* o = out + (long)i * run * 4;
    int t = 0;
    for (; t + 4 <= run; t += 4) {
      store_transposed(o + t * 4, 4, wasm_v128_load(s[0] + t), wasm_v128_load(s[1] + t),
                       wasm_v128_load(s[2] + t), wasm_v128_load(s[3] + t));
    }
    for (; t < run; t++) o[t * 4] = s[0][t], o[t * 4 + 1] = s[1][t], o[t * 4 + 2] = s[2][t], o[t * 4 + 3] = s[3][t];
  }
}

EXPORT(direct_conv)
void direct_conv(const DirectConv* p, int tid) {
  const int k = p->kh * p->kw * p->in_c, nc = p->out_c, n8 = (nc + 7) & ~7;
  float* bpack = p->scratch + (long)tid * p->scratch_floats;
  float* apack = bpack + (long)n8 * k;
  float* tile = apack + (long)PANELS * 4 * k;
  float* stage = tile + 32;
  float* coef = p->bn.coef + (long)tid * 2 * nc;
  pack_filter(p, k, bpack);
  if (p->bn.mean) conv_bn_coefficients(&p->bn, nc, coef);
  const int per_row = (p->out_w + 4 * PANELS - 1) / (4 * PANELS);
  const int items = p->batch * p->out_h * per_row;
  for (int item = claim(p->sync); item < items; item = claim(p->sync)) {
    const int row = item / per_row, b = row / p->out_h, oy = row % p->out_h;
    const int ox0 = (item % per_row) * 4 * PANELS;
    int panels = 0;
    for (int ox = ox0; ox < p->out_w && panels < PANELS; ox += 4) pack_panel(p, b, oy, ox, apack + (long)(panels++) * 4 * k, stage);
    float* yrow = p->y + (long)row * p->out_w * nc;
    for (int j = 0; j < n8; j += 8) {
      const float* bp = bpack + (long)j * k;
      for (int q = 0; q < panels; q++) {
        const int ox = ox0 + 4 * q;
        if (ox + 4 <= p->out_w && j + 8 <= nc) {
          ukernel_4x8(k, apack + (long)q * 4 * k, bp, yrow + (long)ox * nc + j, nc, 0);
          continue;
        }
        ukernel_4x8(k, apack + (long)q * 4 * k, bp, tile, 8, 0);
        for (int r = 0; r < 4 && ox + r < p->out_w; r++) {
          for (int c = 0; c < 8 && j + c < nc; c++) yrow[(long)(ox + r) * nc + j + c] = tile[r * 8 + c];
        }
      }
    }
    if (p->bn.mean) bn_pixels(p, coef, row, ox0, p->out_w - ox0 < 4 * PANELS ? p->out_w - ox0 : 4 * PANELS);
  }
}
