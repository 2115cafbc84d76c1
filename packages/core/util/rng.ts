/**
 * A small seeded random generator (xoshiro128**) whose whole state is four
 * 32-bit words, so a checkpoint can save and restore it exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./rng.ts";
 * const rng = new Rng(42);
 * const copy = Rng.fromState(rng.state());
 * const u = rng.next();
 * assert.ok(u >= 0 && u < 1);
 * assert.equal(copy.next(), u); // the saved state replays the sequence
 * ```
 * @module
 */

/** Seeded pseudo-random generator with a serialisable state. */
export class Rng {
  #s: Uint32Array;

  /**
   * Seeds the generator; equal seeds give equal sequences.
   *
   * @param seed any number; its low 32 bits are used.
   */
  constructor(seed = 0) {
    this.#s = new Uint32Array(4);
    // splitmix32 expands the seed so that nearby seeds give unrelated states.
    let z = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (t ^ (t >>> 16)) >>> 0;
    }
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
  }

  /**
   * Restores a generator from {@link Rng.state}.
   *
   * @param state four 32-bit words.
   * @returns the generator.
   * @throws {Error} for a state that is not four 32-bit words.
   */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new Error(`invalid RNG state: ${JSON.stringify(state)}`);
    }
    const r = new Rng(0);
    r.#s.set(state);
    return r;
  }

  /** The four state words. */
  state(): number[] {
    return Array.from(this.#s);
  }

  /**
   * Next 32-bit unsigned integer.
   *
   * @returns a number in [0, 2^32).
   */
  uint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /**
   * Uniform float in [0, 1).
   *
   * @returns a number in [0, 1).
   */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /**
   * Uniform float in [lo, hi).
   *
   * @param lo the lower bound.
   * @param hi the upper bound.
   * @returns a number in [lo, hi).
   */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /**
   * Uniform integer in [0, n).
   *
   * @param n the number of values.
   * @returns an integer in [0, n).
   */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * Standard normal sample (Box-Muller).
   *
   * @returns a standard normal sample.
   */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * True with probability p.
   *
   * @param p the probability of true.
   * @returns true with probability `p`.
   */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /**
   * Shuffles `a` in place (Fisher-Yates) and returns it.
   *
   * @param a the array, shuffled in place.
   */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  /**
   * A new generator seeded from this one, for an independent stream.
   *
   * @returns a new generator seeded from this one.
   */
  fork(): Rng {
    return new Rng(this.uint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
