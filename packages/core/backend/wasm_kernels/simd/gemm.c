// C = A B on the threads of one call (parallel.h), for the convolution
// gradients that go by columns (gemm.ts): blocks of K, B packed by all the
// threads, then rows of C claimed by one thread each, so that each element of
// C is summed in the same order whatever the thread count.
#include <wasm_simd128.h>

#include "gemm.h"
#include "parallel.h"

#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct {
  int m, n, k;
  const float* a;  // A[i][p] = a[i * lda + p], or with a_trans a[p * lda + i]
  int lda, a_trans;
  const float* b;  // B[p][j] = b[p * ldb + j], or with b_trans b[j * ldb + p]
  int ldb, b_trans;
  float* c;  // C[i][j] = c[i * ldc + j]
  int ldc;
  int kc;             // depth of a block of K
  int mc;             // rows of C per work item, a multiple of 4
  float* pack_b;      // shared: [n8 / 8][kc][8]
  float* scratch;     // per thread: A panels [mc / 4][kc][4], then a 4 x 8 tile
  int scratch_floats;
  int nthreads;
  Sync* sync;
} Gemm;

static inline float a_at(const Gemm* g, int i, int p) {
  return g->a_trans ? g->a[(long)p * g->lda + i] : g->a[(long)i * g->lda + p];
}

static inline float b_at(const Gemm* g, int p, int j) {
  return g->b_trans ? g->b[(long)j * g->ldb + p] : g->b[(long)p * g->ldb + j];
}

// Columns [j, j + 8) of B's rows [p0, p0 + kn) as [kn][8], zero past n.
static void pack_b_block(const Gemm* g, int p0, int kn, int j, float* out) {
  if (!g->b_trans && j + 8 <= g->n) {
    const float* src = g->b + (long)p0 * g->ldb + j;
    for (int p = 0; p < kn; p++, src += g->ldb) {
      wasm_v128_store(out + p * 8, wasm_v128_load(src));
      wasm_v128_store(out + p * 8 + 4, wasm_v128_load(src + 4));
    }
    return;
  }
  for (int p = 0; p < kn; p++) {
    for (int q = 0; q < 8; q++) out[p * 8 + q] = j + q < g->n ? b_at(g, p0 + p, j + q) : 0.0f;
  }
}

// Rows [i, i + 4) of A's columns [p0, p0 + kn) as [kn][4], zero past m.
static void pack_a_panel(const Gemm* g, int i, int p0, int kn, float* out) {
  if (i + 4 <= g->m && g->a_trans) {
    const float* src = g->a + (long)p0 * g->lda + i;
    for (int p = 0; p < kn; p++, src += g->lda) wasm_v128_store(out + p * 4, wasm_v128_load(src));
    return;
  }
  if (i + 4 <= g->m) {
    const float* r0 = g->a + (long)i * g->lda + p0;
    const float* r1 = r0 + g->lda;
    const float* r2 = r1 + g->lda;
    const float* r3 = r2 + g->lda;
    int p = 0;
    for (; p + 4 <= kn; p += 4) {
      store_transposed(out + p * 4, 4, wasm_v128_load(r0 + p), wasm_v128_load(r1 + p),
                       wasm_v128_load(r2 + p), wasm_v128_load(r3 + p));
    }
    for (; p < kn; p++) {
      out[p * 4] = r0[p], out[p * 4 + 1] = r1[p], out[p * 4 + 2] = r2[p], out[p * 4 + 3] = r3[p];
    }
    return;
  }
  for (int p = 0; p < kn; p++) {
    for (int r = 0; r < 4; r++) out[p * 4 + r] = i + r < g->m ? a_at(g, i + r, p0 + p) : 0.0f;
  }
}

// C = A B, thread `tid` of g->nthreads.
EXPORT(gemm)
void gemm(const Gemm* g, int tid) {
  const int n8 = (g->n + 7) & ~7, nthreads = g->nthreads;
  float* apack = g->scratch + (long)tid * g->scratch_floats;
  float* tile = apack + (long)g->mc * g->kc;
  const int mitems = (g->m + g->mc - 1) / g->mc, nitems = n8 >> 3;
  for (int p0 = 0; p0 < g->k; p0 += g->kc) {
    const int kn = p0 + g->kc < g->k ? g->kc : g->k - p0, acc = p0 > 0;
    for (int item = claim(g->sync); item < nitems; item = claim(g->sync)) {
      pack_b_block(g, p0, kn, item * 8, g->pack_b + (long)item * 8 * kn);
    }
    barrier(g->sync, nthreads, tid);
    for (int item = claim(g->sync); item < mitems; item = claim(g->sync)) {
      const int i0 = item * g->mc, i1 = i0 + g->mc < g->m ? i0 + g->mc : g->m;
      for (int i = i0; i < i1; i += 4) pack_a_panel(g, i, p0, kn, apack + (long)(i - i0) * kn);
      for (int j = 0; j < n8; j += 8) {
        const float* bp = g->pack_b + (long)j * kn;
        for (int i = i0; i < i1; i += 4) {
          const float* ap = apack + (long)(i - i0) * kn;
          if (i + 4 <= g->m && j + 8 <= g->n) {
            ukernel_4x8(kn, ap, bp, g->c + (long)i * g->ldc + j, g->ldc, acc);
            continue;
          }
          // An edge tile: through a 4 x 8 copy of C.
          for (int r = 0; r < 4; r++) {
            for (int q = 0; q < 8; q++) {
              tile[r * 8 + q] =
                  acc && i + r < g->m && j + q < g->n ? g->c[(long)(i + r) * g->ldc + j + q] : 0.0f;
            }
          }
          ukernel_4x8(kn, ap, bp, tile, 8, acc);
          for (int r = 0; r < 4 && i + r < g->m; r++) {
            for (int q = 0; q < 8 && j + q < g->n; q++) {
              g->c[(long)(i + r) * g->ldc + j + q] = tile[r * 8 + q];
            }
          }
        }
      }
    }
    barrier(g->sync, nthreads, tid);
  }
}
