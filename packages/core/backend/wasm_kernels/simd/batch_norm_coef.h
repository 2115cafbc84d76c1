// Inference batch norm as y = a x + b per channel, a = scale / sqrt(variance
// + eps) and b = offset - mean a: the coefficients, and the epilogue that
// applies them with an optional residual and ReLU. bn_infer (inference.c)
// and the Winograd convolution's fused epilogue (winograd.c) share both, so
// the fused convolution gives the bits of the separate ops.
#pragma once
#include <wasm_simd128.h>

// a[k] and b[k] = a[k + c] for channels [0, c); offset and scale may be 0 (absent).
static inline void bn_coefficients(const float* mean, const float* variance, const float* offset,
                                   const float* scale, float eps, int c, float* a) {
  float* b = a + c;
  for (int k = 0; k < c; k++) {
    const float s = (scale ? scale[k] : 1.0f) / __builtin_sqrtf(variance[k] + eps);
    a[k] = s;
    b[k] = (offset ? offset[k] : 0.0f) - mean[k] * s;
  }
}

// (x a + b), then + r (r may be 0: none), then the ReLU if asked: the
// roundings of the separate ops.
static inline v128_t bn_epilogue(v128_t x, v128_t a, v128_t b, const float* r, int relu) {
  v128_t v = wasm_f32x4_add(wasm_f32x4_mul(x, a), b);
  if (r) v = wasm_f32x4_add(v, wasm_v128_load(r));
  return relu ? wasm_f32x4_max(v, wasm_f32x4_const_splat(0)) : v;
}
