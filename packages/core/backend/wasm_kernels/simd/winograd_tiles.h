// What the Winograd kernels share (winograd.c, winograd_filter_grad.c):
// their geometry, strides that spread slices over L1 sets, and the input
// tile transform B^T d B.
#pragma once
#include <wasm_simd128.h>

#include "parallel.h"
#include "winograd_maps.h"

typedef struct {
  int batch, in_h, in_w, in_c;  // x, NHWC; in_c is the products' depth in the forward pass
  int out_h, out_w, out_c;      // y (or dy)
  int top, left;                // y[oy][ox] += x[oy + i - top][ox + j - left] w[i][j]
  int m;                        // output tile, 2 or 4 (6: the forward pass only)
  int tiles_h, tiles_w;         // tiles per image
  int chunk;                    // tiles per chunk, a multiple of 4
  int nthreads;
  Sync* sync;
} Geometry;

static inline int alpha(const Geometry* g) { return g->m + 2; }
static inline int tiles(const Geometry* g) { return g->batch * g->tiles_h * g->tiles_w; }
static inline int round8(int n) { return (n + 7) & ~7; }

// A stride between slices that are used together, in floats: whole 64-byte
// lines, and an odd number of them, so that up to 64 slices fall in distinct
// L1 sets. (Strides of 1, 2 or 4 KiB put all 36 slices of F(4x4) in one set,
// and transforms that write or read all of them thrashed.) winograd.ts has
// the same formula for the buffer sizes.
static inline long spread(long floats) {
  floats = (floats + 15) & ~15L;
  return (floats & 31) == 0 ? floats + 16 : floats;
}

// The alpha x alpha input tile of tile t at channels [c, c + 4), transformed
// (B^T d B), written at out + (xi * alpha + nu) * os. `p` is alpha^2 vectors of
// staging for edge tiles and `s` as many for the row pass.
static void input_tile(const Geometry* g, const float* x, int t, int c, float* p, float* s,
                       float* out, long os) {
  const int a = alpha(g), per_image = g->tiles_h * g->tiles_w;
  const int b = t / per_image, ty = (t % per_image) / g->tiles_w, tx = t % g->tiles_w;
  const int y0 = ty * g->m - g->top, x0 = tx * g->m - g->left;
  const long cs = g->in_c, rs = (long)g->in_w * g->in_c;
  const float* base;
  long es, ls;
  if (y0 >= 0 && x0 >= 0 && y0 + a <= g->in_h && x0 + a <= g->in_w) {
    base = x + ((long)(b * g->in_h + y0) * g->in_w + x0) * cs + c;
    es = cs;
    ls = rs;
  } else {
    for (int r = 0; r < a; r++) {
      const int y = y0 + r;
      for (int q = 0; q < a; q++) {
        const int xx = x0 + q;
        v128_t v = wasm_f32x4_const_splat(0);
        if (y >= 0 && y < g->in_h && xx >= 0 && xx < g->in_w) {
          v = V(x + ((long)(b * g->in_h + y) * g->in_w + xx) * cs + c);
        }
        ST(p + (r * a + q) * 4, v);
      }
    }
    base = p;
    es = 4;
    ls = 4 * a;
  }
  // Rows: s[r][nu] = (d B)[r][nu]; columns: out[xi][nu] = (B^T s)[xi][nu].
  for (int r = 0; r < a; r++) in1d(g->m, base + r * ls, es, s + r * a * 4, 4);
  for (int nu = 0; nu < a; nu++) in1d(g->m, s + nu * 4, a * 4, out + nu * os, a * os);
}

