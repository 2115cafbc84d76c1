// The GEMM microkernel of Pointwise's own kernels: a 4x8 block of C from a
// 4-row panel of A and an 8-column panel of B, both packed k-major.
//
// Why 4x8: V8 gives wasm 15 usable xmm registers on x64. 4x8 needs 8
// accumulators, 2 B vectors, 1 splat of A and 1 product: 12, so nothing
// spills. A 6x8 block (12 accumulators) spills one accumulator per k-step and
// ran at 27-29 GFLOP/s per core here against 43-45 for this one (compiled by
// clang 19, operands in L1, best of 300 interleaved runs; `deno run
// --v8-flags=--print-wasm-code` or `node --print-wasm-code` shows the loop:
// 2 loads, 4 broadcasts, 8 mul, 8 add, no stack traffic). Clang 19 folds the
// constant offsets into the loads' immediates; clang 14 computed each address
// with a separate instruction.
//
// build.sh compiles everything twice; with RELAXED (the second build) each
// multiply-add is relaxed SIMD's fused one, which also frees the product's
// register.
#pragma once
#include <wasm_simd128.h>

// A 4 x 4 transpose, rows r0..r3 to columns stored ds floats apart: how 4
// rows of A become a k-major panel (gemm.c, direct_conv.c) and 4 tiles a
// channel-major one (winograd.c).
static inline void store_transposed(float* d, long ds, v128_t r0, v128_t r1, v128_t r2,
                                    v128_t r3) {
  const v128_t a = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
  const v128_t b = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const v128_t c = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
  const v128_t e = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(d, wasm_i64x2_shuffle(a, c, 0, 2));
  wasm_v128_store(d + ds, wasm_i64x2_shuffle(a, c, 1, 3));
  wasm_v128_store(d + 2 * ds, wasm_i64x2_shuffle(b, e, 0, 2));
  wasm_v128_store(d + 3 * ds, wasm_i64x2_shuffle(b, e, 1, 3));
}
#ifdef RELAXED
#define MADD(acc, a, b) wasm_f32x4_relaxed_madd(a, b, acc)
#else
#define MADD(acc, a, b) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif

// One k-step of the 4x8 block: A's 4 values at `pa`, B's 8 at `pb`.
#define K_STEP(pa, pb)                                                     \
  do {                                                                     \
    const v128_t b0 = wasm_v128_load(pb), b1 = wasm_v128_load((pb) + 4);   \
    v128_t ar = wasm_v128_load32_splat(pa);                                \
    c00 = MADD(c00, ar, b0);                                               \
    c01 = MADD(c01, ar, b1);                                               \
    ar = wasm_v128_load32_splat((pa) + 1);                                 \
    c10 = MADD(c10, ar, b0);                                               \
    c11 = MADD(c11, ar, b1);                                               \
    ar = wasm_v128_load32_splat((pa) + 2);                                 \
    c20 = MADD(c20, ar, b0);                                               \
    c21 = MADD(c21, ar, b1);                                               \
    ar = wasm_v128_load32_splat((pa) + 3);                                 \
    c30 = MADD(c30, ar, b0);                                               \
    c31 = MADD(c31, ar, b1);                                               \
  } while (0)

// C[4][8] (row stride ldc) = (acc ? C : 0) + A B, where a[4k + r] = A[r][k]
// and b[8k + j] = B[k][j].
__attribute__((noinline)) static void ukernel_4x8(int k, const float* a, const float* b, float* c, int ldc,
                               int acc) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (acc) {
    c00 = wasm_v128_load(c), c01 = wasm_v128_load(c + 4);
    c10 = wasm_v128_load(c + ldc), c11 = wasm_v128_load(c + ldc + 4);
    c20 = wasm_v128_load(c + 2 * ldc), c21 = wasm_v128_load(c + 2 * ldc + 4);
    c30 = wasm_v128_load(c + 3 * ldc), c31 = wasm_v128_load(c + 3 * ldc + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_const_splat(0);
  }
  // Two k-steps a round: V8 re-reads a shared memory's size and keeps a
  // round's overhead (interrupt check, counter, bounds) per round, and with
  // one step a round the shared build ran at 35-39 GFLOP/s per core against
  // 49-51 with two (four: 34-37, spilled). Each sum still runs in k order.
  int i = 0;
  for (; i + 2 <= k; i += 2) {
    K_STEP(a, b);
    K_STEP(a + 4, b + 8);
    a += 8;
    b += 16;
  }
  if (i < k) K_STEP(a, b);
  wasm_v128_store(c, c00), wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + ldc, c10), wasm_v128_store(c + ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20), wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30), wasm_v128_store(c + 3 * ldc + 4, c31);
}

// The same with strided operands: A[r][k] = a[k * lda + r] (4 consecutive
// values at each k) and B[k][j] = b[k * ldb + j], for products that read
// their operands where they lie (direct.c). A runtime stride leaves no
// constant offsets to fold, so A comes as one vector, spread by shuffles (as
// fast as 4 broadcasts in L1, measured) rather than 4 broadcasts at computed
// addresses.
__attribute__((noinline)) static void ukernel_4x8s(int k, const float* a, int lda, const float* b,
                                                   int ldb, float* c, int ldc) {
  v128_t c00 = wasm_v128_load(c), c01 = wasm_v128_load(c + 4);
  v128_t c10 = wasm_v128_load(c + ldc), c11 = wasm_v128_load(c + ldc + 4);
  v128_t c20 = wasm_v128_load(c + 2 * ldc), c21 = wasm_v128_load(c + 2 * ldc + 4);
  v128_t c30 = wasm_v128_load(c + 3 * ldc), c31 = wasm_v128_load(c + 3 * ldc + 4);
  // One k-step a round: two (as ukernel_4x8) made direct.c's filter gradients
  // 30-50% slower here (the stem's 36 to 55 ms at batch 8).
  for (int i = 0; i < k; i++) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4), av = wasm_v128_load(a);
    v128_t ar = wasm_i32x4_shuffle(av, av, 0, 0, 0, 0);
    c00 = MADD(c00, ar, b0);
    c01 = MADD(c01, ar, b1);
    ar = wasm_i32x4_shuffle(av, av, 1, 1, 1, 1);
    c10 = MADD(c10, ar, b0);
    c11 = MADD(c11, ar, b1);
    ar = wasm_i32x4_shuffle(av, av, 2, 2, 2, 2);
    c20 = MADD(c20, ar, b0);
    c21 = MADD(c21, ar, b1);
    ar = wasm_i32x4_shuffle(av, av, 3, 3, 3, 3);
    c30 = MADD(c30, ar, b0);
    c31 = MADD(c31, ar, b1);
    a += lda;
    b += ldb;
  }
  wasm_v128_store(c, c00), wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + ldc, c10), wasm_v128_store(c + ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20), wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30), wasm_v128_store(c + 3 * ldc + 4, c31);
}
