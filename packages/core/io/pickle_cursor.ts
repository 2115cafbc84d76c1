/**
 * The byte reader under `pickle.ts`: a position in one pickle and the reads
 * its opcodes take (little-endian integers, big-endian floats, counted and
 * line-ended strings), each checked against the end of the bytes. Every
 * failure names the file and the byte it stopped at.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PickleCursor } from "./pickle_cursor.ts";
 * const c = new PickleCursor(new Uint8Array([0x4b, 7, 0x61, 0x0a]), "x.pkl", 0);
 * assert.deepEqual([c.u8(), c.u8(), c.line()], [0x4b, 7, "a"]);
 * assert.throws(() => c.u8(), /^Error: x\.pkl: the pickle is truncated \(pickle byte 4\)$/);
 * ```
 * @module
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A position in one pickle's bytes, with checked reads. */
export class PickleCursor {
  readonly #view: DataView;

  /**
   * @param bytes the pickle (and whatever follows it).
   * @param name the file, for messages.
   * @param pos where to start reading.
   */
  constructor(readonly bytes: Uint8Array, readonly name: string, public pos: number) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws `why`, naming the file and the byte reached. */
  fail(why: string): never {
    throw new Error(`${this.name}: ${why} (pickle byte ${this.pos})`);
  }

  #need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail("the pickle is truncated");
  }

  u8(): number {
    this.#need(1);
    return this.bytes[this.pos++];
  }

  u16(): number {
    this.#need(2);
    this.pos += 2;
    return this.#view.getUint16(this.pos - 2, true);
  }

  u32(): number {
    this.#need(4);
    this.pos += 4;
    return this.#view.getUint32(this.pos - 4, true);
  }

  i32(): number {
    this.#need(4);
    this.pos += 4;
    return this.#view.getInt32(this.pos - 4, true);
  }

  /** A 64-bit length, which must not run past the end of the bytes. */
  u64(): number {
    this.#need(8);
    const v = this.#view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.bytes.length)) {
      this.fail("the pickle is truncated (a length runs past the end)");
    }
    return Number(v);
  }

  /** A big-endian float64 (BINFLOAT). */
  f64(): number {
    this.#need(8);
    this.pos += 8;
    return this.#view.getFloat64(this.pos - 8, false);
  }

  /** The next `n` bytes, as a view. */
  take(n: number): Uint8Array {
    this.#need(n);
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }

  /** The next `n` bytes as UTF-8 text. */
  text(n: number): string {
    const b = this.take(n);
    try {
      return utf8.decode(b);
    } catch {
      return this.fail("a string is not valid UTF-8");
    }
  }

  /** Text up to the next newline (protocol 0's arguments), which it skips. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail("the pickle is truncated (no end of line)");
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
}
