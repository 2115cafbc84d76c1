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
  const d = new LzwDecoder(input, maxBytes);
  let prev = -1;
  for (let code = d.read(); code !== EOI; code = d.read()) {
    if (code === CLEAR) {
      d.clear();
      prev = -1;
      continue;
    }
    if (prev === -1) {
      if (code > 255) throw new LzwDataError(`LZW code ${code} where a byte must come`);
      d.emit(code);
    } else if (code < d.next) {
      d.emit(code);
      d.add(prev, d.first[code]);
    } else if (code === d.next && d.next < TABLE) {
      d.add(prev, d.first[prev]);
      d.emit(code);
    } else {
      throw new LzwDataError(`LZW code ${code} is past the table (${d.next} entries)`);
    }
    prev = code;
    d.widen();
  }
  return d.output();
}

/** The decoder's state: the code table, the bit reader and the output. */
class LzwDecoder {
  readonly prefix = new Int16Array(TABLE);
  readonly suffix = new Uint8Array(TABLE);
  /** The first byte of each entry's string. */
  readonly first = new Uint8Array(TABLE);
  readonly length = new Uint16Array(TABLE);
  /** The next free entry. */
  next = FIRST_FREE;
  #out: Uint8Array;
  #n = 0;
  #bit = 0;
  #width = 9;
  readonly #totalBits: number;

  constructor(readonly input: Uint8Array, readonly maxBytes: number) {
    for (let i = 0; i < 256; i++) {
      this.prefix[i] = -1;
      this.suffix[i] = i;
      this.first[i] = i;
      this.length[i] = 1;
    }
    this.#out = new Uint8Array(Math.min(maxBytes, Math.max(1024, 4 * input.length)));
    this.#totalBits = input.length * 8;
  }

  /** The next code, or EOI where the data ends without its end code. */
  read(): number {
    if (this.#bit + this.#width > this.#totalBits) return EOI;
    let v = 0;
    for (let k = 0; k < this.#width; k++, this.#bit++) {
      const bit = this.#bit;
      v = (v << 1) | ((this.input[bit >> 3] >> (7 - (bit & 7))) & 1);
    }
    return v;
  }

  /** Empties the table (a clear code). */
  clear(): void {
    this.#width = 9;
    this.next = FIRST_FREE;
  }

  /** Appends the string of `code`, within `maxBytes`. */
  emit(code: number): void {
    const len = this.length[code], n = this.#n;
    if (n + len > this.maxBytes) {
      throw new LzwDataError(
        `the LZW data decodes to more than the ${this.maxBytes} bytes it may hold`,
      );
    }
    if (n + len > this.#out.length) {
      const grown = new Uint8Array(
        Math.min(this.maxBytes, Math.max(2 * this.#out.length, n + len)),
      );
      grown.set(this.#out.subarray(0, n));
      this.#out = grown;
    }
    const out = this.#out;
    for (let i = len - 1, c = code; i >= 0; i--, c = this.prefix[c]) out[n + i] = this.suffix[c];
    this.#n = n + len;
  }

  /** A new entry: the string of `p` and the byte `c`; none while the table is full. */
  add(p: number, c: number): void {
    const next = this.next;
    if (next >= TABLE) return; // a full table takes no entry until the next clear
    this.prefix[next] = p;
    this.suffix[next] = c;
    this.first[next] = this.first[p];
    this.length[next] = this.length[p] + 1;
    this.next = next + 1;
  }

  /** One bit wider, one code early, as libtiff does, up to 12. */
  widen(): void {
    if (this.next + 1 >= 1 << this.#width && this.#width < 12) this.#width++;
  }

  /** The bytes decoded. */
  output(): Uint8Array {
    return this.#out.subarray(0, this.#n);
  }
}
