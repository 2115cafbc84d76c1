/**
 * A progress line for long work. On a terminal it redraws one line in place
 * (bar, counts, message, ETA); elsewhere (CI logs, pipes) it prints a plain
 * line at most every few seconds, and always the last one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Progress } from "./progress.ts";
 * const bar = new Progress("epoch 1/12"); // a line on stderr, redrawn on a terminal
 * bar.update(3, 16, "loss 1.23");
 * bar.done();
 * assert.equal(bar.label, "epoch 1/12");
 * ```
 * @module
 */
import { duration } from "./table.ts";

const encoder = new TextEncoder();

/** One progress line on stderr. */
export class Progress {
  readonly #tty = Deno.stderr.isTerminal();
  readonly #start = performance.now();
  #lastPrint = 0;
  #active = false;

  /**
   * @param label what is in progress, first on the line.
   * @param plainEverySeconds off a terminal, the least time between two printed lines.
   */
  constructor(readonly label: string, readonly plainEverySeconds = 10) {}

  /**
   * Shows `done` of `total`, a message, and the time left at the current pace.
   *
   * @param done units done.
   * @param total units in all.
   * @param message shown after the counts.
   */
  update(done: number, total: number, message = ""): void {
    const elapsed = (performance.now() - this.#start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const counts = `${String(done).padStart(String(total).length)}/${total}`;
    const tail = `${message} ETA ${duration(eta)}`;
    if (this.#tty) {
      const width = 24;
      const filled = total > 0 ? Math.round((width * done) / total) : 0;
      const bar = "#".repeat(filled) + ".".repeat(width - filled);
      this.#write(`\r\x1b[2K${this.label} [${bar}] ${counts} ${tail}`);
      this.#active = true;
    } else if (done === total || elapsed - this.#lastPrint >= this.plainEverySeconds) {
      this.#lastPrint = elapsed;
      this.#write(`${this.label} ${counts} ${tail}\n`);
    }
  }

  /** Ends the line. */
  done(): void {
    if (this.#tty && this.#active) this.#write("\r\x1b[2K");
    this.#active = false;
  }

  #write(s: string): void {
    Deno.stderr.writeSync(encoder.encode(s));
  }
}
