// The filter gradient of a stride-1 3x3 layer by the transpose of Winograd's
// F(m x m, 3 x 3) (winograd.c has the matrices):
//   dg = G^T [sum over tiles (A dY A^T) . (B^T d B)] G,
// one product per transform point with the tiles as depth, chunk by chunk
// of tiles in a fixed order, whatever the thread count.
#include <wasm_simd128.h>

#include "gemm.h"
#include "parallel.h"
#include "winograd_tiles.h"

#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct {
  Geometry g;       // x is the input, y = dy the output gradient
  const float* x;
  const float* dy;
  float* dw;        // [3][3][in_c][out_c]
  float* v;         // [alpha^2][in_c / 4][chunk][4]: B^T x B of a chunk
  float* mdy;       // [alpha^2][out_c8 / 8][chunk][8]: A dy A^T of a chunk
  float* acc;       // [alpha^2][in_c][out_c8]: the sum over tiles
  float* scratch;   // per thread: scratch_floats each
  int scratch_floats;
} FilterGrad;

// A dy A^T of tile t at channels [n, n + 4), written at out + (xi * alpha + nu) * os.
static void grad_tile(const FilterGrad* p, int t, int n, float* pad, float* s, float* out,
                      long os) {
  const Geometry* g = &p->g;
  const int a = alpha(g), m = g->m, per_image = g->tiles_h * g->tiles_w, nc = g->out_c;
  if (n >= nc) {
    for (int i = 0; i < a * a; i++) ST(out + i * os, wasm_f32x4_const_splat(0));
    return;
  }
  const int b = t / per_image, ty = (t % per_image) / g->tiles_w, tx = t % g->tiles_w;
  const int oy = ty * m, ox = tx * m;
  const float* base;
  long es, ls;
  if (oy + m <= g->out_h && ox + m <= g->out_w) {
    base = p->dy + ((long)(b * g->out_h + oy) * g->out_w + ox) * nc + n;
    es = nc;
    ls = (long)g->out_w * nc;
  } else {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        v128_t v = wasm_f32x4_const_splat(0);
        if (oy + i < g->out_h && ox + j < g->out_w) {
          v = V(p->dy + ((long)(b * g->out_h + oy + i) * g->out_w + ox + j) * nc + n);
        }
        ST(pad + (i * m + j) * 4, v);
      }
    }
    base = pad;
    es = 4;
    ls = 4 * m;
  }
  for (int i = 0; i < m; i++) grad1d(m, base + i * ls, es, s + i * a * 4, 4);
  for (int nu = 0; nu < a; nu++) grad1d(m, s + nu * 4, a * 4, out + nu * os, a * os);
}

// dw = G^T acc G for input channel k and output channels [n, n + 4).
static void filter_grad_tile(const FilterGrad* p, int k, int n, float* s) {
  const Geometry* g = &p->g;
  const int a = alpha(g), nc = g->out_c, nc8 = round8(nc);
  const long sa = spread((long)g->in_c * nc8);
  const float* src = p->acc + (long)k * nc8 + n;
  for (int xi = 0; xi < a; xi++) ungrad1d(g->m, src + xi * a * sa, sa, s + xi * 3 * 4, 4);
  const long tap = (long)g->in_c * nc;
  float* dst = p->dw + (long)k * nc + n;
  for (int j = 0; j < 3; j++) ungrad1d(g->m, s + j * 4, 3 * 4, dst + j * tap, 3 * tap);
}

// dw[i][j][c][o] = sum over b, y, x of x[b][y + i - top][x + j - left][c] dy[b][y][x][o].
EXPORT(winograd_filter_grad)
void winograd_filter_grad(const FilterGrad* p, int tid) {
  const Geometry* g = &p->g;
  const int n = g->nthreads, a2 = alpha(g) * alpha(g), kc = g->in_c, nc8 = round8(g->out_c);
  const int total = tiles(g);
  float* scratch = p->scratch + (long)tid * p->scratch_floats;
  float* pad = scratch;
  float* s = pad + a2 * 4;
  for (int t0 = 0; t0 < total; t0 += g->chunk) {
    const int nt = t0 + g->chunk < total ? g->chunk : total - t0;
    // Strides: a panel of 4 input or 8 output channels, and a point's panels.
    const long spv = spread((long)nt * 4), spm = spread((long)nt * 8), sa = spread((long)kc * nc8);
    const long sv = (kc >> 2) * spv, sm = (nc8 >> 3) * spm;
    // Transforms of the chunk, 4 tiles per item (a 64-byte line of each panel).
    for (int item = claim(g->sync); item * 4 < nt; item = claim(g->sync)) {
     for (int tl = item * 4; tl < item * 4 + 4 && tl < nt; tl++) {
      for (int c = 0; c < kc; c += 4) {
        input_tile(g, p->x, t0 + tl, c, pad, s, p->v + (c >> 2) * spv + tl * 4, sv);
      }
      for (int o = 0; o < nc8; o += 4) {
        grad_tile(p, t0 + tl, o, pad, s, p->mdy + (o >> 3) * spm + tl * 8 + (o & 7), sm);
      }
     }
    }
    barrier(g->sync, n, tid);
    // acc[xi nu] (+)= V[xi nu]^T Mdy[xi nu], a row of 4 input channels per item.
    const int rows = kc >> 2;
    for (int item = claim(g->sync); item < a2 * rows; item = claim(g->sync)) {
      const int i = item / rows, cb = item % rows;
      const float* ap = p->v + i * sv + cb * spv;
      float* c = p->acc + i * sa + (long)cb * 4 * nc8;
      for (int nb = 0; nb < nc8; nb += 8) {
        ukernel_4x8(nt, ap, p->mdy + i * sm + (nb >> 3) * spm, c + nb, nc8, t0 > 0);
      }
    }
    barrier(g->sync, n, tid);
  }
  const long k0 = (long)kc * tid / n, k1 = (long)kc * (tid + 1) / n;
  for (int k = (int)k0; k < k1; k++) {
    for (int o = 0; o < g->out_c; o += 4) filter_grad_tile(p, k, o, s);
  }
}

