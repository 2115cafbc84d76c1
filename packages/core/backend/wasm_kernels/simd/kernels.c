// WASM-SIMD loops of Pointwise's training kernels, run on the wasm backend's
// own (imported, shared) memory: the data re-layouts of the convolution
// gradients and the fused batch norm. Each has a JavaScript twin in the
// parent folder, which runs where this module is not loaded and against which
// it is tested. No function may use the stack, statics or data: the memory
// belongs to tfjs (build.sh checks the output for globals and data).
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// dst[j * rows + i] = src[i * cols + j], in 4x4 blocks.
EXPORT(transpose)
void transpose(const float* src, int rows, int cols, float* dst) {
  const int r4 = rows & ~3, c4 = cols & ~3;
  for (int i = 0; i < r4; i += 4) {
    const float* s = src + (long)i * cols;
    for (int j = 0; j < c4; j += 4) {
      v128_t a = wasm_v128_load(s + j);
      v128_t b = wasm_v128_load(s + cols + j);
      v128_t c = wasm_v128_load(s + 2 * cols + j);
      v128_t d = wasm_v128_load(s + 3 * cols + j);
      v128_t ab0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
      v128_t ab1 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
      v128_t cd0 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
      v128_t cd1 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
      float* o = dst + (long)j * rows + i;
      wasm_v128_store(o, wasm_i64x2_shuffle(ab0, cd0, 0, 2));
      wasm_v128_store(o + rows, wasm_i64x2_shuffle(ab0, cd0, 1, 3));
      wasm_v128_store(o + 2 * rows, wasm_i64x2_shuffle(ab1, cd1, 0, 2));
      wasm_v128_store(o + 3 * rows, wasm_i64x2_shuffle(ab1, cd1, 1, 3));
    }
    for (int j = c4; j < cols; j++) {
      for (int ii = i; ii < i + 4; ii++) dst[(long)j * rows + ii] = src[(long)ii * cols + j];
    }
  }
  for (int i = r4; i < rows; i++) {
    for (int j = 0; j < cols; j++) dst[(long)j * rows + i] = src[(long)i * cols + j];
  }
}

// Geometry shared by im2col_t and col2im (see col2im.ts).
typedef struct {
  int batch, in_h, in_w, channels, out_h, out_w, kh, kw, sh, sw, top, left;
} Geometry;

// Stride 1 with the width kept (out_w == in_w): for one (tap, channel,
// image) the rows whose tap lands inside are one contiguous run of the source
// plane shifted by off = (i - top) * w + (j - left), so they are one copy; the
// columns that fell off the left or right edge are zeroed after.
static void im2col_t_same(const float* plane, float* out, int i, int j, const Geometry* g) {
  const int w = g->in_w, h = g->out_h;
  int oy0 = g->top - i, oy1 = g->in_h + g->top - i;
  if (oy0 < 0) oy0 = 0;
  if (oy1 > h) oy1 = h;
  if (oy1 <= oy0) {
    __builtin_memset(out, 0, sizeof(float) * (long)h * w);
    return;
  }
  const int dx = j - g->left;
  const long off = (long)(i - g->top) * w + dx;
  __builtin_memset(out, 0, sizeof(float) * (long)oy0 * w);
  // Skip the |dx| elements at the ends that would be read from outside the plane.
  const long k0 = (long)oy0 * w + (dx < 0 ? -dx : 0);
  const long k1 = (long)oy1 * w - (dx > 0 ? dx : 0);
  if (k1 > k0) __builtin_memcpy(out + k0, plane + k0 + off, sizeof(float) * (k1 - k0));
  if (dx < 0) {
    for (int oy = oy0; oy < oy1; oy++) {
      for (int ox = 0; ox < -dx && ox < w; ox++) out[(long)oy * w + ox] = 0;
    }
  } else if (dx > 0) {
    for (int oy = oy0; oy < oy1; oy++) {
      for (int ox = w - dx < 0 ? 0 : w - dx; ox < w; ox++) out[(long)oy * w + ox] = 0;
    }
  }
  __builtin_memset(out + (long)oy1 * w, 0, sizeof(float) * (long)(h - oy1) * w);
}

// cols[(i*kw + j)*c + ch, (b*out_h + oy)*out_w + ox] =
//   xT[ch, b, oy*sh + i - top, ox*sw + j - left], or 0 outside.
EXPORT(im2col_t)
void im2col_t(const float* xT, float* cols, const Geometry* g) {
  const int plane = g->in_h * g->in_w;
  const int same = g->sh == 1 && g->sw == 1 && g->out_w == g->in_w;
  long d = 0;
  for (int i = 0; i < g->kh; i++) {
    for (int j = 0; j < g->kw; j++) {
      int ox0 = 0;
      while (ox0 < g->out_w && ox0 * g->sw + j - g->left < 0) ox0++;
      int ox1 = ox0;
      while (ox1 < g->out_w && ox1 * g->sw + j - g->left < g->in_w) ox1++;
      // With stride 2, four outputs are the even lanes of eight inputs, as
      // long as the eighth stays inside the row.
      int ox2 = ox0;
      if (g->sw == 2) {
        while (ox2 + 4 <= ox1 && (ox2 + 3) * 2 + 1 + j - g->left < g->in_w) ox2 += 4;
      }
      for (int ch = 0; ch < g->channels; ch++) {
        for (int b = 0; b < g->batch; b++) {
          const float* base = xT + (long)(ch * g->batch + b) * plane;
          if (same) {
            im2col_t_same(base, cols + d, i, j, g);
            d += (long)g->out_h * g->out_w;
            continue;
          }
          for (int oy = 0; oy < g->out_h; oy++, d += g->out_w) {
            float* out = cols + d;
            const int y = oy * g->sh + i - g->top;
            if (y < 0 || y >= g->in_h) {
              for (int ox = 0; ox < g->out_w; ox++) out[ox] = 0;
              continue;
            }
            for (int ox = 0; ox < ox0; ox++) out[ox] = 0;
            const float* s = base + (long)y * g->in_w + j - g->left;
            int ox = ox0;
            if (g->sw == 1) {
              for (; ox < ox1; ox++) out[ox] = s[ox];
            } else if (g->sw == 2) {
              for (; ox < ox2; ox += 4) {
                const v128_t lo = wasm_v128_load(s + 2 * ox);
                const v128_t hi = wasm_v128_load(s + 2 * ox + 4);
                wasm_v128_store(out + ox, wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6));
              }
              for (; ox < ox1; ox++) out[ox] = s[2 * ox];
            } else {
              for (; ox < ox1; ox++) out[ox] = s[ox * g->sw];
            }
            for (ox = ox1; ox < g->out_w; ox++) out[ox] = 0;
          }
        }
      }
    }
  }
}

// dx[b, oy*sh + i - top, ox*sw + j - left, c] += cols[b, oy, ox, i, j, c]; dx starts at 0.
EXPORT(col2im)
void col2im(const float* cols, float* dx, const Geometry* g) {
  const int ch = g->channels;
  const long row_len = (long)g->in_w * ch;
  long s = 0;
  for (int b = 0; b < g->batch; b++) {
    float* image = dx + (long)b * g->in_h * row_len;
    for (int oy = 0; oy < g->out_h; oy++) {
      for (int ox = 0; ox < g->out_w; ox++) {
        for (int i = 0; i < g->kh; i++) {
          const int y = oy * g->sh + i - g->top;
          if (y < 0 || y >= g->in_h) {
            s += (long)g->kw * ch;
            continue;
          }
          for (int j = 0; j < g->kw; j++, s += ch) {
            const int x = ox * g->sw + j - g->left;
            if (x < 0 || x >= g->in_w) continue;
            float* d = image + y * row_len + (long)x * ch;
            const float* c = cols + s;
            int k = 0;
            for (; k + 4 <= ch; k += 4) {
              wasm_v128_store(d + k, wasm_f32x4_add(wasm_v128_load(d + k), wasm_v128_load(c + k)));
            }
            for (; k < ch; k++) d[k] += c[k];
          }
        }
      }
    }
  }
}

// Adds a row of f32 values, promoted, into per-channel f64 sums.
static inline void accumulate(double* acc, const float* v, int c) {
  int k = 0;
  for (; k + 4 <= c; k += 4) {
    v128_t x = wasm_v128_load(v + k);
    v128_t lo = wasm_f64x2_promote_low_f32x4(x);
    v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1));
    wasm_v128_store(acc + k, wasm_f64x2_add(wasm_v128_load(acc + k), lo));
    wasm_v128_store(acc + k + 2, wasm_f64x2_add(wasm_v128_load(acc + k + 2), hi));
  }
  for (; k < c; k++) acc[k] += v[k];
}

// Scratch of the batch-norm kernels: 2c doubles of sums, then 3c floats of
// per-channel coefficients.
#define COEF(acc, c) ((float*)((acc) + 2 * (c)))

// Train-mode batch norm over `rows` rows of `c` channels. Writes y, the batch mean, the biased variance and
// 1 / sqrt(variance + eps).
EXPORT(bn_forward)
void bn_forward(const float* x, int rows, int c, const float* gamma, const float* beta, float eps,
                float* y, float* mean_out, float* var_out, float* inv_out, double* acc) {
  double* sq = acc + c;
  for (int k = 0; k < c; k++) acc[k] = sq[k] = 0;
  for (int r = 0; r < rows; r++) accumulate(acc, x + (long)r * c, c);
  for (int k = 0; k < c; k++) mean_out[k] = (float)(acc[k] / rows);
  // Centred squares: x - mean in f32, then squared and summed in f64.
  for (int r = 0; r < rows; r++) {
    const float* xr = x + (long)r * c;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean_out + k));
      v128_t lo = wasm_f64x2_promote_low_f32x4(d);
      v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(d, d, 2, 3, 0, 1));
      wasm_v128_store(sq + k, wasm_f64x2_add(wasm_v128_load(sq + k), wasm_f64x2_mul(lo, lo)));
      wasm_v128_store(sq + k + 2,
                      wasm_f64x2_add(wasm_v128_load(sq + k + 2), wasm_f64x2_mul(hi, hi)));
    }
    for (; k < c; k++) {
      const double d = (double)(xr[k] - mean_out[k]);
      sq[k] += d * d;
    }
  }
  // y = (x - mean) * scale + beta.
  float* scale = COEF(acc, c);
  for (int k = 0; k < c; k++) {
    const double variance = sq[k] / rows;
    const double inv = 1.0 / __builtin_sqrt(variance + eps);
    var_out[k] = (float)variance;
    inv_out[k] = (float)inv;
    scale[k] = (float)(gamma[k] * inv);
  }
  for (int r = 0; r < rows; r++) {
    const float* xr = x + (long)r * c;
    float* yr = y + (long)r * c;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean_out + k));
      wasm_v128_store(yr + k, wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(scale + k)),
                                             wasm_v128_load(beta + k)));
    }
    for (; k < c; k++) yr[k] = (xr[k] - mean_out[k]) * scale[k] + beta[k];
  }
}

// Its gradient, dx = gamma * inv * (dy - mean(dy) - xhat * mean(dy * xhat)),
// with dgamma = sum(dy * xhat) and dbeta = sum(dy).
EXPORT(bn_backward)
void bn_backward(const float* dy, const float* x, const float* mean, const float* inv,
                 const float* gamma, int rows, int c, float* dx, float* dgamma, float* dbeta,
                 double* acc) {
  double* dg = acc + c;
  for (int k = 0; k < c; k++) acc[k] = dg[k] = 0;
  for (int r = 0; r < rows; r++) {
    const float* d = dy + (long)r * c;
    const float* xr = x + (long)r * c;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t g = wasm_v128_load(d + k);
      v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean + k)),
                                 wasm_v128_load(inv + k));
      v128_t p = wasm_f32x4_mul(g, xh);
      v128_t glo = wasm_f64x2_promote_low_f32x4(g);
      v128_t ghi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(g, g, 2, 3, 0, 1));
      v128_t plo = wasm_f64x2_promote_low_f32x4(p);
      v128_t phi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(p, p, 2, 3, 0, 1));
      wasm_v128_store(acc + k, wasm_f64x2_add(wasm_v128_load(acc + k), glo));
      wasm_v128_store(acc + k + 2, wasm_f64x2_add(wasm_v128_load(acc + k + 2), ghi));
      wasm_v128_store(dg + k, wasm_f64x2_add(wasm_v128_load(dg + k), plo));
      wasm_v128_store(dg + k + 2, wasm_f64x2_add(wasm_v128_load(dg + k + 2), phi));
    }
    for (; k < c; k++) {
      const float xh = (xr[k] - mean[k]) * inv[k];
      acc[k] += d[k];
      dg[k] += d[k] * xh;
    }
  }
  // dx = a * dy + b * (x - mean) + e per channel.
  float* a = COEF(acc, c);
  float* b = a + c;
  float* e = b + c;
  for (int k = 0; k < c; k++) {
    const double sum_dy = acc[k], sum_dyx = dg[k];
    dbeta[k] = (float)sum_dy;
    dgamma[k] = (float)sum_dyx;
    const double ak = (double)gamma[k] * inv[k];
    a[k] = (float)ak;
    b[k] = (float)(-ak * inv[k] * sum_dyx / rows);
    e[k] = (float)(-ak * sum_dy / rows);
  }
  for (int r = 0; r < rows; r++) {
    const float* d = dy + (long)r * c;
    const float* xr = x + (long)r * c;
    float* o = dx + (long)r * c;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t xc = wasm_f32x4_sub(wasm_v128_load(xr + k), wasm_v128_load(mean + k));
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + k), wasm_v128_load(d + k)),
                                wasm_f32x4_mul(wasm_v128_load(b + k), xc));
      wasm_v128_store(o + k, wasm_f32x4_add(v, wasm_v128_load(e + k)));
    }
    for (; k < c; k++) o[k] = a[k] * d[k] + b[k] * (xr[k] - mean[k]) + e[k];
  }
}

// MaxPoolGrad: routes dy to the first maximum of every pooling window, per
// channel; the geometry's kh/kw are the window. dx must start at zero.
EXPORT(max_pool_grad)
void max_pool_grad(const float* x, const float* dy, float* dx, const Geometry* g) {
  const int ch = g->channels;
  const long row_len = (long)g->in_w * ch;
  const float* gy = dy;
  for (int b = 0; b < g->batch; b++) {
    const long image = (long)b * g->in_h * row_len;
    for (int oy = 0; oy < g->out_h; oy++) {
      const int y0 = oy * g->sh - g->top;
      const int ys = y0 < 0 ? 0 : y0;
      const int ye = y0 + g->kh < g->in_h ? y0 + g->kh : g->in_h;
      for (int ox = 0; ox < g->out_w; ox++, gy += ch) {
        const int x0 = ox * g->sw - g->left;
        const int xs = x0 < 0 ? 0 : x0;
        const int xe = x0 + g->kw < g->in_w ? x0 + g->kw : g->in_w;
        if (ys >= ye || xs >= xe) continue;
        const long first = image + ys * row_len + (long)xs * ch;
        int c = 0;
        for (; c + 4 <= ch; c += 4) {
          v128_t best = wasm_v128_load(x + first + c);
          v128_t at = wasm_i32x4_add(wasm_i32x4_splat((int)(first + c)), wasm_i32x4_make(0, 1, 2, 3));
          for (int y = ys; y < ye; y++) {
            for (int xx = xs; xx < xe; xx++) {
              const long i = image + y * row_len + (long)xx * ch + c;
              if (i == first + c) continue;
              const v128_t v = wasm_v128_load(x + i);
              const v128_t up = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, up);
              const v128_t here = wasm_i32x4_add(wasm_i32x4_splat((int)i), wasm_i32x4_make(0, 1, 2, 3));
              at = wasm_v128_bitselect(here, at, up);
            }
          }
          dx[wasm_i32x4_extract_lane(at, 0)] += gy[c];
          dx[wasm_i32x4_extract_lane(at, 1)] += gy[c + 1];
          dx[wasm_i32x4_extract_lane(at, 2)] += gy[c + 2];
          dx[wasm_i32x4_extract_lane(at, 3)] += gy[c + 3];
        }
        for (; c < ch; c++) {
          long at = first + c;
          float best = x[at];
          for (int y = ys; y < ye; y++) {
            for (int xx = xs; xx < xe; xx++) {
              const long i = image + y * row_len + (long)xx * ch + c;
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          dx[at] += gy[c];
        }
      }
    }
  }
}
