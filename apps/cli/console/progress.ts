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
 * bar.update(3, 16, "loss 1.23", (eta) => `run ${eta + 60} s`);
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
  readonly #start: number;
  #lastPrint = 0;
  #active = false;
  #line = "";

  /**
   * @param label what is in progress.
   * @param plainEverySeconds how often a plain (not a terminal) output gets a line.
   * @param startedSecondsAgo time already spent on it (the first step, when the bar starts after it).
   */
  constructor(readonly label: string, readonly plainEverySeconds = 10, startedSecondsAgo = 0) {
    this.#start = performance.now() - startedSecondsAgo * 1000;
  }

  /**
   * Shows `done` of `total`, a message, and the time left at the current pace;
   * `more`, given that time in seconds, adds to it (the time left of the whole run).
   *
   * @param done units done.
   * @param total units in all.
   * @param message shown after the counts.
   * @param more the whole run's time left, given this one's.
   */
  update(done: number, total: number, message = "", more?: (eta: number) => string): void {
    const elapsed = (performance.now() - this.#start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const counts = `${String(done).padStart(String(total).length)}/${total}`;
    const tail = `${message ? `${message} ` : ""}ETA ${duration(eta)}${
      more ? `, ${more(eta)}` : ""
    }`;
    if (this.#tty) {
      const width = 24;
      const filled = total > 0 ? Math.round((width * done) / total) : 0;
      const bar = "#".repeat(filled) + ".".repeat(width - filled);
      this.#line = `${this.label} [${bar}] ${counts} ${tail}`;
      this.#write(`\r\x1b[2K${this.#line}`);
      this.#active = true;
    } else if (done === total || elapsed - this.#lastPrint >= this.plainEverySeconds) {
      this.#lastPrint = elapsed;
      this.#write(`${this.label} ${counts} ${tail}\n`);
    }
  }

  /** Prints a line of results on stdout, above the progress line, which stays. */
  print(line: string): void {
    if (this.#tty && this.#active) this.#write("\r\x1b[2K");
    console.log(line);
    if (this.#tty && this.#active) this.#write(this.#line);
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
