// Work sharing between the threads that run one kernel call together (see
// thread_pool.ts): every thread calls the same export with its own thread
// index; they meet at barriers and claim work items from a shared counter.
// The state lives in a Sync block on the heap that the caller zeroes, never in
// statics (the memory is tfjs's). Without THREADS (the build for tfjs's
// single-threaded, unshared memory) there is one thread and no atomics.
//
// Results never depend on which thread took an item: the kernels split
// outputs, never a sum, so one thread and many give the same bits.
#pragma once

typedef struct {
  int arrived;     // threads at the barrier
  int generation;  // barrier round
  int next;        // next unclaimed work item of the current phase
  int main_blocks; // 1 if thread 0 may block in memory.atomic.wait
} Sync;

#ifdef THREADS
// Claims the next work item of the phase; returns >= items when none is left.
static inline int claim(Sync* s) { return __atomic_fetch_add(&s->next, 1, __ATOMIC_SEQ_CST); }

// Waits for all `n` threads. The last to arrive resets the work counter for
// the next phase before it releases the others. Threads spin briefly, then
// sleep; the browser's main thread may not sleep, so thread 0 only spins
// unless the host allows it.
static inline void barrier(Sync* s, int n, int tid) {
  if (n <= 1) {
    s->next = 0;
    return;
  }
  const int gen = __atomic_load_n(&s->generation, __ATOMIC_SEQ_CST);
  if (__atomic_fetch_add(&s->arrived, 1, __ATOMIC_SEQ_CST) == n - 1) {
    __atomic_store_n(&s->arrived, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&s->next, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&s->generation, gen + 1, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&s->generation, n);
    return;
  }
  const int may_block = tid != 0 || s->main_blocks;
  for (int spin = 0; __atomic_load_n(&s->generation, __ATOMIC_SEQ_CST) == gen; spin++) {
    if (may_block && spin > 2000) {
      __builtin_wasm_memory_atomic_wait32(&s->generation, gen, 1000000);  // 1 ms, then re-check
    }
  }
}
#else
static inline int claim(Sync* s) { return s->next++; }
static inline void barrier(Sync* s, int n, int tid) {
  (void)n;
  (void)tid;
  s->next = 0;
}
#endif
