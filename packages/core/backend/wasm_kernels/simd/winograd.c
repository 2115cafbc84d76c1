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
//   F(6,3): winograd_maps.h (in1d6 and the m == 6 branches), at the points
//           0, 1, -1, 2, -2, 1/2, -1/2 and infinity; forward pass only.
// Forward: Y = A^T [(G g G^T) . (B^T d B)] A, summed over input channels.
// Filter gradient: dg = G^T [sum over tiles (A dY A^T) . (B^T d B)] G, the
// transpose of the forward map with respect to g.
#include <wasm_simd128.h>

#include "batch_norm_coef.h"
#include "gemm.h"
#include "parallel.h"
#include "winograd_tiles.h"

#define EXPORT(name) __attribute__((export_name(#name)))
// The steps take a thread's Work by address; inlined, it stays in locals.
// Left out of line, it would need a stack, which the module may not use
// (its memory is tfjs's: build.sh checks).
#define INLINE static inline __attribute__((always_inline))

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
  int u_ready;      // 1: u already holds this filter's transform (kept from an earlier call)
  // An inference batch norm fused into the output transform (forward only);
  // its coef: 2 out_c floats, the batch norm's a, then b.
  ConvBn bn;
  // 0, or tiles per block of the local schedule (a multiple of 4; u stored):
  // each thread takes blocks of tiles through all three steps on its own,
  // its transforms and products in its scratch after the staging.
  int local;
} Conv;

// y at `dst` (element offset `at` of y) through the fused batch norm, if any.
static inline void store_y(const Conv* p, long at, int n, v128_t v) {
  const ConvBn* bn = &p->bn;
  if (bn->mean) {
    const int nc = p->g.out_c;
    v = bn_epilogue(v, V(bn->coef + n), V(bn->coef + nc + n), bn->residual ? bn->residual + at : 0,
                    bn->relu);
  }
  ST(p->y + at, v);
}

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
  if (!p->bn.mean && oy + m <= g->out_h && ox + m <= g->out_w) {
    float* dst = p->y + ((long)(b * g->out_h + oy) * g->out_w + ox) * nc + n;
    for (int j = 0; j < m; j++) out1d(m, s + j * 4, m * 4, dst + (long)j * nc, (long)g->out_w * nc);
    return;
  }
  for (int j = 0; j < m; j++) out1d(m, s + j * 4, m * 4, q + j * 4, m * 4);
  for (int i = 0; i < m && oy + i < g->out_h; i++) {
    for (int j = 0; j < m && ox + j < g->out_w; j++) {
      store_y(p, ((long)(b * g->out_h + oy + i) * g->out_w + ox + j) * nc + n, n, V(q + (i * m + j) * 4));
    }
  }
}

// A thread's view of one call: its staging and the buffers' strides.
typedef struct {
  const Conv* p;
  int a2, kc, nc8;
  float* stage;  // [a2][4 tiles][4]
  float* pad;    // a2 vectors
  float* s;      // a2 vectors
  float* u;      // the stored filter, or this thread's block of 8 output channels
  float* v;      // the transformed inputs: the call's (p->v) or, local, this thread's
  float* mm;     // the products: the call's (p->mm) or, local, this thread's
  // A point's panel in a group's V, a group; a point's row of M, a tile; a
  // point's filter (all channels if stored, else a block of 8).
  long svp, sv, smp, sm, su;
} Work;

// Input transforms of tile group gi (tiles t0 + 4 gi .. + 3, those before
// t1) at channels [c, c + 4), transposed so that each channel holds its 4
// tiles together (the A panels of the products); a group's panels for all
// points sit together.
INLINE void transform_group(const Work* w, int t0, int t1, int gi, int c) {
  const Conv* p = w->p;
  const int a2 = w->a2;
  for (int q = 0; q < 4; q++) {
    const int t = t0 + gi * 4 + q;
    if (t < t1) {
      input_tile(&p->g, p->x, t, c, w->pad, w->s, w->stage + q * 4, 16);
    } else {
      for (int i = 0; i < a2; i++) ST(w->stage + i * 16 + q * 4, wasm_f32x4_const_splat(0));
    }
  }
  float* d = w->v + gi * w->sv + (long)c * 4;
  for (int i = 0; i < a2; i++) {
    const float* st = w->stage + i * 16;
    store_transposed(d + i * w->svp, 4, V(st), V(st + 4), V(st + 8), V(st + 12));
  }
}

// Input transforms of tiles [t0, t1). An item is a tile group at up to 8
// channel groups: a claim per 4 channels cost more than their transform (the
// counter's cache line moves between the cores at every claim).
INLINE void transform_inputs(const Work* w, int t0, int t1) {
  const Conv* p = w->p;
  const int cgroups = w->kc >> 2, groups = (t1 - t0 + 3) >> 2;
  const int per = cgroups < 8 ? cgroups : 8, blocks = (cgroups + per - 1) / per;
  for (int item = claim(p->g.sync); item < groups * blocks; item = claim(p->g.sync)) {
    const int gi = item / blocks, c0 = (item % blocks) * per;
    const int c1 = c0 + per < cgroups ? c0 + per : cgroups;
    for (int cg = c0; cg < c1; cg++) transform_group(w, t0, t1, gi, cg * 4);
  }
}

// The products of `groups` tile groups at one point, 8 output channels.
INLINE void multiply(const Work* w, int i, int nb, const float* bp, int groups) {
  for (int gi = 0; gi < groups; gi++) {
    ukernel_4x8(w->kc, w->v + gi * w->sv + i * w->svp, bp, w->mm + gi * 4 * w->sm + i * w->smp + nb,
                (int)w->sm, 0);
  }
}

// All products of a chunk: with a stored filter, one point and 8 output
// channels per item; otherwise 8 output channels at every point per item,
// whose block of the filter the item transforms first, into the thread's
// scratch (it stays in cache).
INLINE void multiply_chunk(const Work* w, int groups) {
  const Conv* p = w->p;
  const int nblocks = w->nc8 >> 3;
  if (p->u) {
    for (int item = claim(p->g.sync); item < w->a2 * nblocks; item = claim(p->g.sync)) {
      const int i = item / nblocks, nb = (item % nblocks) * 8;
      multiply(w, i, nb, w->u + i * w->su + (long)nb * w->kc, groups);
    }
    return;
  }
  for (int item = claim(p->g.sync); item < nblocks; item = claim(p->g.sync)) {
    for (int k = 0; k < w->kc; k++) {
      filter_tile(p, k, item * 8, w->u, w->su, w->pad, w->s);
      filter_tile(p, k, item * 8 + 4, w->u, w->su, w->pad, w->s);
    }
    for (int i = 0; i < w->a2; i++) multiply(w, i, item * 8, w->u + i * w->su, groups);
  }
}

// The local schedule: blocks of p->local tiles, each taken by one thread
// through the input transforms, the products at every point and the output
// transforms, in its own scratch (it stays in its core's cache), with no
// barrier between the steps. The same operations as the shared schedule on
// each tile, so the same bits.
INLINE void conv_local(Work* w, int tid) {
  const Conv* p = w->p;
  const Geometry* g = &p->g;
  const int block = p->local, total = tiles(g), nc8 = w->nc8, kc = w->kc;
  w->v = w->s + w->a2 * 4;
  w->mm = w->v + (block >> 2) * w->sv;
  (void)tid;
  for (int item = claim(g->sync); item * block < total; item = claim(g->sync)) {
    const int t0 = item * block, t1 = t0 + block < total ? t0 + block : total;
    const int groups = (t1 - t0 + 3) >> 2;
    for (int gi = 0; gi < groups; gi++) {
      for (int c = 0; c < kc; c += 4) transform_group(w, t0, t1, gi, c);
    }
    for (int i = 0; i < w->a2; i++) {
      for (int nb = 0; nb < nc8; nb += 8) multiply(w, i, nb, w->u + i * w->su + (long)nb * kc, groups);
    }
    for (int t = t0; t < t1; t++) {
      const float* src = w->mm + (t - t0) * w->sm;
      for (int c = 0; c < g->out_c; c += 4) output_tile(p, src, w->smp, t, c, w->s, w->pad);
    }
  }
}

// y = conv(x, w) by F(m x m, 3 x 3); thread `tid` of g.nthreads. Chunk by
// chunk of tiles, the threads transform the input tiles, multiply at each of
// the alpha^2 points and transform the products back; a stored filter is
// transformed first, 8 output channels per item, unless an earlier call left
// it in u (u_ready).
EXPORT(winograd_conv)
void winograd_conv(const Conv* p, int tid) {
  const Geometry* g = &p->g;
  const int a2 = alpha(g) * alpha(g), kc = g->in_c, nc8 = round8(g->out_c);
  Work w = {p, a2, kc, nc8};
  w.stage = p->scratch + (long)tid * p->scratch_floats;
  w.pad = w.stage + a2 * 16;
  w.s = w.pad + a2 * 4;
  w.u = p->u ? p->u : w.s + a2 * 4;
  w.svp = spread((long)kc * 4), w.sv = a2 * w.svp;
  w.smp = spread(nc8), w.sm = a2 * w.smp;
  w.su = p->u ? spread((long)nc8 * kc) : spread((long)kc * 8);
  w.v = p->v, w.mm = p->mm;
  if (p->u && !p->u_ready) {
    for (int item = claim(g->sync); item < (nc8 >> 3); item = claim(g->sync)) {
      for (int k = 0; k < kc; k++) {
        filter_tile(p, k, item * 8, w.u + (long)item * 8 * kc, w.su, w.pad, w.s);
        filter_tile(p, k, item * 8 + 4, w.u + (long)item * 8 * kc, w.su, w.pad, w.s);
      }
    }
    barrier(g->sync, g->nthreads, tid);
  }
  // The batch norm's coefficients: read only after a barrier.
  if (p->bn.mean) {
    if (tid == 0) conv_bn_coefficients(&p->bn, g->out_c, p->bn.coef);
    if (p->local) barrier(g->sync, g->nthreads, tid);
  }
  if (p->local) {
    conv_local(&w, tid);
    return;
  }
  const int total = tiles(g);
  for (int t0 = 0; t0 < total; t0 += g->chunk) {
    const int t1 = t0 + g->chunk < total ? t0 + g->chunk : total;
    transform_inputs(&w, t0, t1);
    barrier(g->sync, g->nthreads, tid);
    multiply_chunk(&w, (t1 - t0 + 3) >> 2);
    barrier(g->sync, g->nthreads, tid);
    // Output transforms, a tile per item.
    for (int t = t0 + claim(g->sync); t < t1; t = t0 + claim(g->sync)) {
      const float* src = w.mm + (t - t0) * w.sm;
      for (int c = 0; c < g->out_c; c += 4) output_tile(p, src, w.smp, t, c, w.s, w.pad);
    }
    barrier(g->sync, g->nthreads, tid);
  }
}
