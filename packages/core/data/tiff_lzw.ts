/**
 * TIFF's LZW (compression 5), decoded with a bound on the output. geotiff's
 * own decoder follows dictionary chains without checking them: a damaged
 * 300-byte strip sent it round a loop that took a minute and gigabytes of
 * memory. Here every code is checked against the table, and a strip may not
 * decode to more bytes than it can hold.
 *
 * The format (TIFF 6.0, section 13): codes are packed most significant bit
 * first, 9 to 12 bits wide; 256 clears the table and 257 ends the data; the
 * width grows one code early (when the next free entry reaches 2^width - 1),
 * as libtiff and every TIFF writer do.
 *
 * @example
 * ```ts
 * import { decodeTiffLzw } from "./tiff_lzw.ts";
 * // Clear, "A", "B", end of information, 9 bits each.
 * const bytes = Uint8Array.of(0x80, 0x10, 0x48, 0x50, 0x10);
 * Array.from(decodeTiffLzw(bytes, 16)); // [65, 66]
 * ```
 * @module
 */

const CLEAR = 256;
const EOI = 257;
const FIRST_FREE = 258;
const TABLE = 4096;

/** Damaged LZW data, or data that decodes to more than its strip or tile holds. */
export class LzwDataError extends Error {
  override name = "LzwDataError";
}

/**
 * Decodes one strip or tile.
 *
 * @param input the compressed bytes.
 * @param maxBytes the most bytes the strip or tile can hold.
 * @returns the decoded bytes (fewer than `maxBytes` when the data ends early).
 * @throws {LzwDataError} for a code past the table, or output past `maxBytes`.
 */
export function decodeTiffLzw(input: Uint8Array, maxBytes: number): Uint8Array {
  const prefix = new Int16Array(TABLE);
  const suffix = new Uint8Array(TABLE);
  const first = new Uint8Array(TABLE);
  const length = new Uint16Array(TABLE);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  let out = new Uint8Array(Math.min(maxBytes, Math.max(1024, 4 * input.length)));
  let n = 0;
  const totalBits = input.length * 8;
  let bit = 0;
  let width = 9;
  let next = FIRST_FREE;
  let prev = -1;

  const read = (): number => {
    if (bit + width > totalBits) return EOI; // data ends without its end code
    let v = 0;
    for (let k = 0; k < width; k++, bit++) {
      v = (v << 1) | ((input[bit >> 3] >> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  const emit = (code: number) => {
    const len = length[code];
    if (n + len > maxBytes) {
      throw new LzwDataError(`the LZW data decodes to more than the ${maxBytes} bytes it may hold`);
    }
    if (n + len > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(2 * out.length, n + len)));
      grown.set(out.subarray(0, n));
      out = grown;
    }
    for (let i = len - 1, c = code; i >= 0; i--, c = prefix[c]) out[n + i] = suffix[c];
    n += len;
  };
  const add = (p: number, c: number) => {
    if (next >= TABLE) return; // a full table takes no entry until the next clear
    prefix[next] = p;
    suffix[next] = c;
    first[next] = first[p];
    length[next] = length[p] + 1;
    next++;
  };

  for (let code = read(); code !== EOI; code = read()) {
    if (code === CLEAR) {
      width = 9;
      next = FIRST_FREE;
      prev = -1;
      continue;
    }
    if (prev === -1) {
      if (code > 255) throw new LzwDataError(`LZW code ${code} where a byte must come`);
      emit(code);
    } else if (code < next) {
      emit(code);
      add(prev, first[code]);
    } else if (code === next && next < TABLE) {
      add(prev, first[prev]);
      emit(code);
    } else {
      throw new LzwDataError(`LZW code ${code} is past the table (${next} entries)`);
    }
    prev = code;
    if (next + 1 >= 1 << width && width < 12) width++;
  }
  return out.subarray(0, n);
}
