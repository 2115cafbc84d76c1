/**
 * Admission control: at most `concurrency` requests do their work (read,
 * decode, run, encode) at once, at most `queue` more wait, and the rest are
 * turned away with 503. This bounds the memory a burst can take: waiting
 * requests have not read their bodies yet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Gate } from "./gate.ts";
 * const gate = new Gate(1, 0); // one at work, none waiting
 * let release = () => {};
 * const first = gate.run(() => new Promise<number>((r) => (release = () => r(1))));
 * await assert.rejects(gate.run(() => Promise.resolve(2)), /busy/);
 * release();
 * assert.equal(await first, 1);
 * assert.equal(await gate.run(() => Promise.resolve(42)), 42);
 * ```
 * @module
 */
import { ServiceError } from "./errors.ts";

/** A counting semaphore with a bounded wait list. */
export class Gate {
  #active = 0;
  #waiting: (() => void)[] = [];

  constructor(readonly concurrency: number, readonly queue: number) {}

  /** Requests working now, and waiting. */
  get load(): { active: number; waiting: number } {
    return { active: this.#active, waiting: this.#waiting.length };
  }

  /** True when a new request could neither run nor wait now. */
  get full(): boolean {
    return this.#active >= this.concurrency && this.#waiting.length >= this.queue;
  }

  /** Throws the 503 `busy` error when {@link full}. */
  check(): void {
    if (this.full) throw new ServiceError(503, "busy", "the service is busy; retry shortly");
  }

  /** Runs `f` when a place is free; throws a 503 `busy` error when the wait list is full. */
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.#active >= this.concurrency) {
      this.check();
      // The place is handed over by the finishing request, so #active stays counted.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await f();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
