// The 128-bit FMA peak of this machine, natively: each thread runs 12
// independent chains of 4-lane fused multiply-adds (enough to fill two FMA
// pipes of latency 4 or more), with no loads. `deno task bench` compiles it
// with the host's C compiler when there is one (bench_fma_peak.ts) and
// reports the steps' FLOPs at this rate as their hardware bound: what any
// 128-bit code, WASM-SIMD included, could reach at best.
// Usage: fma128 THREADS; prints GFLOP/s over all threads.
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPS 100000000L

static void* chains(void* out) {
  const __m128 a = _mm_set1_ps(0.5f), b = _mm_set1_ps(1.0f);
  __m128 c0 = _mm_set1_ps(0), c1 = _mm_set1_ps(1), c2 = _mm_set1_ps(2), c3 = _mm_set1_ps(3);
  __m128 c4 = _mm_set1_ps(4), c5 = _mm_set1_ps(5), c6 = _mm_set1_ps(6), c7 = _mm_set1_ps(7);
  __m128 c8 = _mm_set1_ps(8), c9 = _mm_set1_ps(9), c10 = _mm_set1_ps(10), c11 = _mm_set1_ps(11);
  for (long r = 0; r < REPS; r++) {
    c0 = _mm_fmadd_ps(c0, a, b), c1 = _mm_fmadd_ps(c1, a, b), c2 = _mm_fmadd_ps(c2, a, b);
    c3 = _mm_fmadd_ps(c3, a, b), c4 = _mm_fmadd_ps(c4, a, b), c5 = _mm_fmadd_ps(c5, a, b);
    c6 = _mm_fmadd_ps(c6, a, b), c7 = _mm_fmadd_ps(c7, a, b), c8 = _mm_fmadd_ps(c8, a, b);
    c9 = _mm_fmadd_ps(c9, a, b), c10 = _mm_fmadd_ps(c10, a, b), c11 = _mm_fmadd_ps(c11, a, b);
  }
  __m128 s = _mm_add_ps(_mm_add_ps(_mm_add_ps(c0, c1), _mm_add_ps(c2, c3)),
                        _mm_add_ps(_mm_add_ps(c4, c5), _mm_add_ps(c6, c7)));
  s = _mm_add_ps(s, _mm_add_ps(_mm_add_ps(c8, c9), _mm_add_ps(c10, c11)));
  _mm_storeu_ps((float*)out, s);
  return 0;
}

int main(int argc, char** argv) {
  const int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 64) return 2;
  pthread_t t[64];
  float out[64][4];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < threads; i++) pthread_create(&t[i], 0, chains, out[i]);
  for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  const double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  // The chains converge to 2; a different value means the loop was not run as written.
  for (int i = 0; i < threads; i++) {
    if (out[i][0] < 23.9f || out[i][0] > 24.1f) return 3;
  }
  printf("%.2f\n", threads * REPS * 12.0 * 8.0 / s / 1e9);
  return 0;
}
