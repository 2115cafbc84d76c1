// The 1D maps of Winograd's F(2,3), F(4,3) and F(6,3) (winograd.c has the
// matrices): each reads n vectors at s + i * ss and writes its results at
// d + i * ds, 4 channels per vector. Applied along rows, then columns, they
// give the 2D transforms. F(6,3) has the forward maps only (B^T, G, A^T):
// it serves inference, where no gradient is taken.
#pragma once
#include <wasm_simd128.h>

#define V(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store(p, v)
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define K(c) wasm_f32x4_splat(c)

// F(6,3)'s B^T d, at the points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity
// (NNPACK's arrangement of the same matrix).
static inline void in1d6(const float* s, long ss, float* d, long ds) {
  const v128_t x0 = V(s), x1 = V(s + ss), x2 = V(s + 2 * ss), x3 = V(s + 3 * ss),
               x4 = V(s + 4 * ss), x5 = V(s + 5 * ss), x6 = V(s + 6 * ss), x7 = V(s + 7 * ss);
  ST(d, ADD(SUB(x0, x6), MUL(K(5.25f), SUB(x4, x2))));
  const v128_t t1 = SUB(ADD(x2, x6), MUL(K(4.25f), x4)), t2 = SUB(ADD(x1, x5), MUL(K(4.25f), x3));
  ST(d + ds, ADD(t1, t2));
  ST(d + 2 * ds, SUB(t1, t2));
  const v128_t t3 = SUB(ADD(x6, MUL(K(0.25f), x2)), MUL(K(1.25f), x4));
  const v128_t t4 = ADD(SUB(MUL(K(0.5f), x1), MUL(K(2.5f), x3)), MUL(K(2.0f), x5));
  ST(d + 3 * ds, ADD(t3, t4));
  ST(d + 4 * ds, SUB(t3, t4));
  const v128_t t5 = ADD(x6, MUL(K(4.0f), SUB(x2, MUL(K(1.25f), x4))));
  const v128_t t6 = ADD(SUB(MUL(K(2.0f), x1), MUL(K(2.5f), x3)), MUL(K(0.5f), x5));
  ST(d + 5 * ds, ADD(t5, t6));
  ST(d + 6 * ds, SUB(t5, t6));
  ST(d + 7 * ds, ADD(SUB(x7, x1), MUL(K(5.25f), SUB(x3, x5))));
}

// B^T d.
static inline void in1d(int m, const float* s, long ss, float* d, long ds) {
  if (m == 6) {
    in1d6(s, ss, d, ds);
    return;
  }
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
  if (m == 6) {
    ST(d, g0);
    ST(d + ds, MUL(K(-2.0f / 9), ADD(t, g1)));
    ST(d + 2 * ds, MUL(K(-2.0f / 9), SUB(t, g1)));
    const v128_t a = ADD(MUL(K(1.0f / 90), g0), MUL(K(2.0f / 45), g2)), b = MUL(K(1.0f / 45), g1);
    ST(d + 3 * ds, ADD(a, b));
    ST(d + 4 * ds, SUB(a, b));
    const v128_t c = ADD(MUL(K(32.0f / 45), g0), MUL(K(8.0f / 45), g2)), e = MUL(K(16.0f / 45), g1);
    ST(d + 5 * ds, ADD(c, e));
    ST(d + 6 * ds, SUB(c, e));
    ST(d + 7 * ds, g2);
    return;
  }
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
  if (m == 6) {
    const v128_t m1 = V(s + ss), m2 = V(s + 2 * ss), m3 = V(s + 3 * ss), m4 = V(s + 4 * ss),
                 m5 = V(s + 5 * ss), m6 = V(s + 6 * ss);
    const v128_t a = ADD(m1, m2), b = SUB(m1, m2), c = ADD(m3, m4), e = SUB(m3, m4);
    const v128_t f = ADD(m5, m6), h = SUB(m5, m6);
    ST(d, ADD(ADD(V(s), a), ADD(c, f)));
    ST(d + ds, ADD(ADD(b, MUL(K(2.0f), e)), MUL(K(0.5f), h)));
    ST(d + 2 * ds, ADD(ADD(a, MUL(K(4.0f), c)), MUL(K(0.25f), f)));
    ST(d + 3 * ds, ADD(ADD(b, MUL(K(8.0f), e)), MUL(K(0.125f), h)));
    ST(d + 4 * ds, ADD(ADD(a, MUL(K(16.0f), c)), MUL(K(0.0625f), f)));
    ST(d + 5 * ds, ADD(ADD(ADD(b, MUL(K(32.0f), e)), MUL(K(0.03125f), h)), V(s + 7 * ss)));
    return;
  }
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

