// Inference batch norm as y = a x + b per channel, a = scale / sqrt(variance
// + eps) and b = offset - mean a: the coefficients, and the epilogue that
// applies them with an optional residual and ReLU. bn_infer (inference.c)
// and the convolutions' fused epilogues (winograd.c, direct_conv.c) share
// them, so the fused convolutions give the bits of the separate ops.
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

// y[k] = relu?((x[k] a[k] + b[k]) [+ r[k]]) for k < c (b: the coefficients'
// second half, r may be 0): vector steps, then scalar ones past a multiple of
// 4, with the same roundings. y may be x.
static inline void bn_row(const float* x, float* y, const float* a, const float* b, const float* r,
                          int c, int relu) {
  int k = 0;
  for (; k + 4 <= c; k += 4) {
    wasm_v128_store(y + k, bn_epilogue(wasm_v128_load(x + k), wasm_v128_load(a + k),
                                       wasm_v128_load(b + k), r ? r + k : 0, relu));
  }
  for (; k < c; k++) {
    float v = x[k] * a[k] + b[k];
    if (r) v += r[k];
    y[k] = relu ? __builtin_wasm_max_f32(v, 0.0f) : v;
  }
}

// The batch norm fused into a convolution: the last fields of winograd.c's
// Conv and direct_conv.c's DirectConv, as conv_batch_norm.ts writes them.
// mean 0 for none; offset, scale and residual (the output's shape) may be 0.
typedef struct {
  const float* mean;
  const float* variance;
  const float* offset;
  const float* scale;
  float eps;
  const float* residual;
  int relu;
  float* coef;  // the coefficients' room (2 out_c floats each)
} ConvBn;

// bn's coefficients for c channels into a (a, then b).
static inline void conv_bn_coefficients(const ConvBn* bn, int c, float* a) {
  bn_coefficients(bn->mean, bn->variance, bn->offset, bn->scale, bn->eps, c, a);
}
