// A register-blocked 6x8 GEMM microkernel: the fastest rate 128-bit WASM
// SIMD code reaches on a machine. C[6x8] += A[6xK] B[Kx8], A and B packed and
// resident in L1, 12 accumulators in registers. `deno task bench` runs it
// as the ceiling to which convolutions are compared. Built by build.sh.
#include <wasm_simd128.h>

#ifdef RELAXED
// LLVM 14 has only the prototype of f32x4.relaxed_madd. build.sh moves its
// opcode to the standard one, which computes a * b + c from the same operands.
#define MADD(a, b, c) __builtin_wasm_fma_f32x4(a, b, c)
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul(a, b), c)
#endif

__attribute__((export_name("ukernel")))
void ukernel(int k, int reps, const float* a, const float* b, float* c) {
  for (int r = 0; r < reps; r++) {
    v128_t c00 = wasm_v128_load(c + 0), c01 = wasm_v128_load(c + 4);
    v128_t c10 = wasm_v128_load(c + 8), c11 = wasm_v128_load(c + 12);
    v128_t c20 = wasm_v128_load(c + 16), c21 = wasm_v128_load(c + 20);
    v128_t c30 = wasm_v128_load(c + 24), c31 = wasm_v128_load(c + 28);
    v128_t c40 = wasm_v128_load(c + 32), c41 = wasm_v128_load(c + 36);
    v128_t c50 = wasm_v128_load(c + 40), c51 = wasm_v128_load(c + 44);
    const float* pa = a;
    const float* pb = b;
    for (int i = 0; i < k; i++) {
      v128_t b0 = wasm_v128_load(pb), b1 = wasm_v128_load(pb + 4);
      v128_t a0 = wasm_v128_load32_splat(pa + 0);
      c00 = MADD(a0, b0, c00); c01 = MADD(a0, b1, c01);
      v128_t a1 = wasm_v128_load32_splat(pa + 1);
      c10 = MADD(a1, b0, c10); c11 = MADD(a1, b1, c11);
      v128_t a2 = wasm_v128_load32_splat(pa + 2);
      c20 = MADD(a2, b0, c20); c21 = MADD(a2, b1, c21);
      v128_t a3 = wasm_v128_load32_splat(pa + 3);
      c30 = MADD(a3, b0, c30); c31 = MADD(a3, b1, c31);
      v128_t a4 = wasm_v128_load32_splat(pa + 4);
      c40 = MADD(a4, b0, c40); c41 = MADD(a4, b1, c41);
      v128_t a5 = wasm_v128_load32_splat(pa + 5);
      c50 = MADD(a5, b0, c50); c51 = MADD(a5, b1, c51);
      pa += 6;
      pb += 8;
    }
    wasm_v128_store(c + 0, c00); wasm_v128_store(c + 4, c01);
    wasm_v128_store(c + 8, c10); wasm_v128_store(c + 12, c11);
    wasm_v128_store(c + 16, c20); wasm_v128_store(c + 20, c21);
    wasm_v128_store(c + 24, c30); wasm_v128_store(c + 28, c31);
    wasm_v128_store(c + 32, c40); wasm_v128_store(c + 36, c41);
    wasm_v128_store(c + 40, c50); wasm_v128_store(c + 44, c51);
  }
}
