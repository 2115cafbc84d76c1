// Winograd convolutions for stride-1 3x3 layers, NHWC, on tfjs's heap: the
// forward pass (and the input gradient, a forward pass with the filter
// flipped and transposed) and the filter gradient, with F(2x2,3x3) or
// F(4x4,3x3). Every thread that runs a call calls the export with its own
// index (parallel.h); all buffers, the Sync block included, are given by the
// caller (winograd.ts), which owns the heap. See winograd.ts for the maths.
//
// Matrices (Lavin & Gray 2016), with alpha = m + 2 the tile size:
//   F(2,3): B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//           G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//           A^T = [1 1 1 0; 0 1 -1 -1]
//   F(4,3): B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0;
//                  0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//           G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6;
//                1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//           A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// Forward: Y = A^T [(G g G^T) . (B^T d B)] A, summed over input channels.
// Filter gradient: dg = G^T [sum over tiles (A dY A^T) . (B^T d B)] G, the
// transpose of the forward map with respect to g.
#include <wasm_simd128.h>

#include "gemm.h"
#include "parallel.h"

#define EXPORT(name) __attribute__((export_name(#name)))
#define V(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store(p, v)
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define K(c) wasm_f32x4_splat(c)

// ------------------------------------------------------------------ 1D maps
// Each reads n vectors at s + i * ss and writes its results at d + i * ds.

// B^T d.
static inline void in1d(int m, const float* s, long ss, float* d, long ds) {
  if (m == 2) {
    const v128_t d0 = V(s), d1 = V(s + ss), d2 = V(s + 2 * ss), d3 = V(s + 3 * ss);
    ST(d, SUB(d0, d2));
    ST(d + ds, ADD(d1, d2));
    ST(d + 2 * ds, SUB(d2, d1));
    ST(d + 3 * ds, SUB(d1, d3));
    return;
  }
  const v128_t d0 = V(s), d1 = V(s + ss), d2 = V(s + 2 * ss), d3 = V(s + 3 * ss),
               d4 = V(s + 4 * ss), d5 = V(s + 5 * ss);
  ST(d, ADD(SUB(MUL(K(4), d0), MUL(K(5), d2)), d4));
  ST(d + ds, SUB(ADD(d3, d4), MUL(K(4), ADD(d1, d2))));
  ST(d + 2 * ds, ADD(SUB(d4, d3), MUL(K(4), SUB(d1, d2))));
  const v128_t e = SUB(d4, d2), f = MUL(K(2), SUB(d3, d1));
  ST(d + 3 * ds, ADD(e, f));
  ST(d + 4 * ds, SUB(e, f));
  ST(d + 5 * ds, ADD(SUB(MUL(K(4), d1), MUL(K(5), d3)), d5));
}

// G g.
static inline void filter1d(int m, const float* s, long ss, float* d, long ds) {
  const v128_t g0 = V(s), g1 = V(s + ss), g2 = V(s + 2 * ss);
  const v128_t t = ADD(g0, g2);
  if (m == 2) {
    ST(d, g0);
    ST(d + ds, MUL(K(0.5f), ADD(t, g1)));
    ST(d + 2 * ds, MUL(K(0.5f), SUB(t, g1)));
    ST(d + 3 * ds, g2);
    return;
  }
  ST(d, MUL(K(0.25f), g0));
  ST(d + ds, MUL(K(-1.0f / 6), ADD(t, g1)));
  ST(d + 2 * ds, MUL(K(-1.0f / 6), SUB(t, g1)));
  const v128_t a = ADD(MUL(K(1.0f / 24), g0), MUL(K(1.0f / 6), g2)), b = MUL(K(1.0f / 12), g1);
  ST(d + 3 * ds, ADD(a, b));
  ST(d + 4 * ds, SUB(a, b));
  ST(d + 5 * ds, g2);
}

// A^T m.
static inline void out1d(int m, const float* s, long ss, float* d, long ds) {
  if (m == 2) {
    const v128_t m0 = V(s), m1 = V(s + ss), m2 = V(s + 2 * ss), m3 = V(s + 3 * ss);
    ST(d, ADD(ADD(m0, m1), m2));
    ST(d + ds, SUB(SUB(m1, m2), m3));
    return;
  }
  const v128_t m0 = V(s), m1 = V(s + ss), m2 = V(s + 2 * ss), m3 = V(s + 3 * ss),
               m4 = V(s + 4 * ss), m5 = V(s + 5 * ss);
  const v128_t a = ADD(m1, m2), b = SUB(m1, m2), c = ADD(m3, m4), e = SUB(m3, m4);
  ST(d, ADD(ADD(m0, a), c));
  ST(d + ds, ADD(b, MUL(K(2), e)));
  ST(d + 2 * ds, ADD(a, MUL(K(4), c)));
  ST(d + 3 * ds, ADD(ADD(b, MUL(K(8), e)), m5));
}

// A y (the transpose of out1d).
static inline void grad1d(int m, const float* s, long ss, float* d, long ds) {
  if (m == 2) {
    const v128_t y0 = V(s), y1 = V(s + ss);
    ST(d, y0);
    ST(d + ds, ADD(y0, y1));
    ST(d + 2 * ds, SUB(y0, y1));
    ST(d + 3 * ds, wasm_f32x4_neg(y1));
    return;
  }
  const v128_t y0 = V(s), y1 = V(s + ss), y2 = V(s + 2 * ss), y3 = V(s + 3 * ss);
  const v128_t a = ADD(y0, y2), b = ADD(y1, y3);
  const v128_t c = ADD(y0, MUL(K(4), y2)), e = ADD(MUL(K(2), y1), MUL(K(8), y3));
  ST(d, y0);
  ST(d + ds, ADD(a, b));
  ST(d + 2 * ds, SUB(a, b));
  ST(d + 3 * ds, ADD(c, e));
  ST(d + 4 * ds, SUB(c, e));
  ST(d + 5 * ds, y3);
}

// G^T u (the transpose of filter1d).
static inline void ungrad1d(int m, const float* s, long ss, float* d, long ds) {
  if (m == 2) {
    const v128_t u0 = V(s), u1 = V(s + ss), u2 = V(s + 2 * ss), u3 = V(s + 3 * ss);
    const v128_t h = MUL(K(0.5f), ADD(u1, u2));
    ST(d, ADD(u0, h));
    ST(d + ds, MUL(K(0.5f), SUB(u1, u2)));
    ST(d + 2 * ds, ADD(h, u3));
    return;
  }
  const v128_t u0 = V(s), u1 = V(s + ss), u2 = V(s + 2 * ss), u3 = V(s + 3 * ss),
               u4 = V(s + 4 * ss), u5 = V(s + 5 * ss);
  const v128_t p = ADD(u1, u2), q = ADD(u3, u4);
  ST(d, ADD(SUB(MUL(K(0.25f), u0), MUL(K(1.0f / 6), p)), MUL(K(1.0f / 24), q)));
  ST(d + ds, ADD(MUL(K(1.0f / 6), SUB(u2, u1)), MUL(K(1.0f / 12), SUB(u3, u4))));
  ST(d + 2 * ds, ADD(MUL(K(1.0f / 6), SUB(q, p)), u5));
}

// ------------------------------------------------------------------ geometry

typedef struct {
  int batch, in_h, in_w, in_c;  // x, NHWC; in_c is the products' depth in the forward pass
  int out_h, out_w, out_c;      // y (or dy)
  int top, left;                // y[oy][ox] += x[oy + i - top][ox + j - left] w[i][j]
  int m;                        // output tile, 2 or 4
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

// ------------------------------------------------------------------ forward

typedef struct {
  Geometry g;
  const float* x;
  const float* w;   // [3][3][in_c][out_c], or with flip [3][3][out_c][in_c] read rotated
  int flip;         // 1: the input gradient's filter, w[2 - i][2 - j] with in and out swapped
  float* y;
  float* v;         // transformed input of a chunk: [chunk / 4][alpha^2][in_c][4]
  float* mm;        // products of a chunk: [chunk][alpha^2][out_c8]
  float* u;         // 0, or the transformed filter: [alpha^2][out_c8 / 8][in_c][8]
  float* scratch;   // per thread: scratch_floats each (a transformed filter block, staging)
  int scratch_floats;
} Conv;

// The transformed filter G g G^T for input channel k and output channels
// [n, n + 4), into u[xi nu * su][k][n % 8] (u: the block of 8 channels).
static void filter_tile(const Conv* p, int k, int n, float* u, long su, float* stage, float* s) {
  const Geometry* g = &p->g;
  const int a = alpha(g), kc = g->in_c, nc = g->out_c;
  float* out = u + (long)k * 8 + (n & 7);
  if (n >= nc) {
    for (int i = 0; i < a * a; i++) ST(out + i * su, wasm_f32x4_const_splat(0));
    return;
  }
  const float* base;
  long js, is;
  if (!p->flip) {
    base = p->w + (long)k * nc + n;
    js = (long)kc * nc;
    is = 3 * js;
  } else {
    // w[2 - i][2 - j][n + lane][k]: gathered into stage[i][j].
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        const float* w = p->w + ((long)((2 - i) * 3 + 2 - j) * nc + n) * kc + k;
        ST(stage + (i * 3 + j) * 4, wasm_f32x4_make(w[0], w[kc], w[2 * kc], w[3 * kc]));
      }
    }
    base = stage;
    js = 4;
    is = 12;
  }
  for (int i = 0; i < 3; i++) filter1d(g->m, base + i * is, js, s + i * a * 4, 4);
  for (int nu = 0; nu < a; nu++) filter1d(g->m, s + nu * 4, a * 4, out + nu * su, a * su);
}

// Output tile t at channels [n, n + 4), from its products src[xi nu * sm].
static void output_tile(const Conv* p, const float* src, long sm, int t, int n, float* s,
                        float* q) {
  const Geometry* g = &p->g;
  const int a = alpha(g), m = g->m, per_image = g->tiles_h * g->tiles_w, nc = g->out_c;
  const int b = t / per_image, ty = (t % per_image) / g->tiles_w, tx = t % g->tiles_w;
  const int oy = ty * m, ox = tx * m;
  src += n;
  // Rows: s[xi][j] = (M A)[xi][j]; columns: (A^T s)[i][j].
  for (int xi = 0; xi < a; xi++) out1d(m, src + xi * a * sm, sm, s + xi * m * 4, 4);
  if (oy + m <= g->out_h && ox + m <= g->out_w) {
    float* dst = p->y + ((long)(b * g->out_h + oy) * g->out_w + ox) * nc + n;
    for (int j = 0; j < m; j++) out1d(m, s + j * 4, m * 4, dst + (long)j * nc, (long)g->out_w * nc);
    return;
  }
  for (int j = 0; j < m; j++) out1d(m, s + j * 4, m * 4, q + j * 4, m * 4);
  for (int i = 0; i < m && oy + i < g->out_h; i++) {
    for (int j = 0; j < m && ox + j < g->out_w; j++) {
      ST(p->y + ((long)(b * g->out_h + oy + i) * g->out_w + ox + j) * nc + n, V(q + (i * m + j) * 4));
    }
  }
}

// 4 x 4 transpose: rows r0..r3 (one per tile) to columns (one per channel).
static inline void store_transposed(float* d, long ds, v128_t r0, v128_t r1, v128_t r2,
                                    v128_t r3) {
  const v128_t a = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
  const v128_t b = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const v128_t c = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
  const v128_t e = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  ST(d, wasm_i64x2_shuffle(a, c, 0, 2));
  ST(d + ds, wasm_i64x2_shuffle(a, c, 1, 3));
  ST(d + 2 * ds, wasm_i64x2_shuffle(b, e, 0, 2));
  ST(d + 3 * ds, wasm_i64x2_shuffle(b, e, 1, 3));
}

// y = conv(x, w) by F(m x m, 3 x 3); thread `tid` of g.nthreads. Chunk by
// chunk of tiles, the threads transform the input tiles, multiply at each of
// the alpha^2 points (a block of 8 output channels per work item, its filter
// transformed on the spot) and transform the products back.
EXPORT(winograd_conv)
void winograd_conv(const Conv* p, int tid) {
  const Geometry* g = &p->g;
  const int n = g->nthreads, a = alpha(g), a2 = a * a, kc = g->in_c, nc8 = round8(g->out_c);
  float* stage = p->scratch + (long)tid * p->scratch_floats;  // [a2][4 tiles][4]
  float* pad = stage + a2 * 16;                               // a2 vectors
  float* s = pad + a2 * 4;                                    // a2 vectors
  const int total = tiles(g);
  // Strides: a point's panel in a group's V, a group; a point's row of M, a
  // tile; a point's filter (all channels if stored, else a block of 8).
  const long svp = spread((long)kc * 4), sv = a2 * svp, smp = spread(nc8), sm = a2 * smp;
  const long su = p->u ? spread((long)nc8 * kc) : spread((long)kc * 8);
  // Stored filter: transformed once, 8 output channels per item.
  float* u = p->u ? p->u : s + a2 * 4;
  if (p->u) {
    for (int item = claim(g->sync); item < (nc8 >> 3); item = claim(g->sync)) {
      for (int k = 0; k < kc; k++) {
        filter_tile(p, k, item * 8, u + (long)item * 8 * kc, su, pad, s);
        filter_tile(p, k, item * 8 + 4, u + (long)item * 8 * kc, su, pad, s);
      }
    }
    barrier(g->sync, n, tid);
  }
  for (int t0 = 0; t0 < total; t0 += g->chunk) {
    const int t1 = t0 + g->chunk < total ? t0 + g->chunk : total, groups = (t1 - t0 + 3) >> 2;
    // Input transforms, 4 tiles x 4 channels per item, transposed so that
    // each channel holds its 4 tiles together (the A panels of the products);
    // a group's panels for all points sit together, and so do a tile's products.
    const int cgroups = kc >> 2;
    for (int item = claim(g->sync); item < groups * cgroups; item = claim(g->sync)) {
      const int gi = item / cgroups, c = (item % cgroups) * 4;
      for (int q = 0; q < 4; q++) {
        const int t = t0 + gi * 4 + q;
        if (t < t1) {
          input_tile(g, p->x, t, c, pad, s, stage + q * 4, 16);
        } else {
          for (int i = 0; i < a2; i++) ST(stage + i * 16 + q * 4, wasm_f32x4_const_splat(0));
        }
      }
      float* d = p->v + gi * sv + (long)c * 4;
      for (int i = 0; i < a2; i++) {
        const float* st = stage + i * 16;
        store_transposed(d + i * svp, 4, V(st), V(st + 4), V(st + 8), V(st + 12));
      }
    }
    barrier(g->sync, n, tid);
    // Products at one point and 8 output channels per item, over all tiles.
    if (p->u) {
      const int nblocks = nc8 >> 3;
      for (int item = claim(g->sync); item < a2 * nblocks; item = claim(g->sync)) {
        const int i = item / nblocks, nb = (item % nblocks) * 8;
        const float* bp = u + i * su + (long)nb * kc;
        for (int gi = 0; gi < groups; gi++) {
          ukernel_4x8(kc, p->v + gi * sv + i * svp, bp, p->mm + gi * 4 * sm + i * smp + nb,
                      (int)sm, 0);
        }
      }
    }
    // Or 8 output channels at every point per item: the item transforms its
    // block of the filter first, into the thread's scratch (it stays in cache).
    for (int item = p->u ? nc8 : claim(g->sync); item < (nc8 >> 3); item = claim(g->sync)) {
      const int nb = item * 8;
      for (int k = 0; k < kc; k++) {
        filter_tile(p, k, nb, u, su, pad, s);
        filter_tile(p, k, nb + 4, u, su, pad, s);
      }
      for (int i = 0; i < a2; i++) {
        for (int gi = 0; gi < groups; gi++) {
          ukernel_4x8(kc, p->v + gi * sv + i * svp, u + i * su, p->mm + gi * 4 * sm + i * smp + nb,
                      (int)sm, 0);
        }
      }
    }
    barrier(g->sync, n, tid);
    // Output transforms, a tile per item.
    for (int t = t0 + claim(g->sync); t < t1; t = t0 + claim(g->sync)) {
      const float* src = p->mm + (t - t0) * sm;
      for (int c = 0; c < g->out_c; c += 4) output_tile(p, src, smp, t, c, s, pad);
    }
    barrier(g->sync, n, tid);
  }
}

// ------------------------------------------------------------ filter gradient

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
