/**
 * The entries of a zip archive as views into its bytes, without copying:
 * enough for PyTorch's checkpoints, which store every record uncompressed
 * (miniz, method 0) and use zip64 fields past 4 GiB. Compressed entries are
 * listed but refused when read. Written here rather than taken from a zip
 * library because those copy (or inflate) every entry, and a ResNet-101
 * checkpoint is 170 MB of storages that only need a view.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isZip, zipEntries } from "./zip_entries.ts";
 * // A PyTorch .pth file is a zip archive: the pickle and one member per tensor's storage.
 * const bytes = await Deno.readFile(new URL("../../../tests/fixtures/pth/tensors.pth", import.meta.url));
 * assert.ok(isZip(bytes));
 * const entries = zipEntries(bytes, "tensors.pth");
 * const pickle = entries.get("tensors/data.pkl")!.data();
 * assert.equal(pickle[0], 0x80); // a pickle's PROTO opcode
 * ```
 * @module
 */

/** One archive member. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate, ... */
  method: number;
  size: number;
  /** The member's bytes (a view); throws for a compressed member. */
  data(): Uint8Array;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** True when `bytes` start like a zip archive ("PK\x03\x04"). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 &&
    bytes[3] === 4;
}

/** Lists the members of a zip archive; `name` (the file) goes into every error. */
export function zipEntries(bytes: Uint8Array, name: string): Map<string, ZipEntry> {
  const r = new ZipReader(bytes, name);
  const { count, dirSize, dirOffset } = r.centralDirectory();
  if (dirOffset + dirSize > bytes.length) r.fail("the central directory runs past the end");
  const entries = new Map<string, ZipEntry>();
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    const { entry, next } = r.entry(p, i);
    entries.set(entry.name, entry);
    p = next;
  }
  return entries;
}

/** Little-endian fields of an archive's bytes, each read checked against its end. */
class ZipReader {
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array, readonly name: string) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(why: string): never {
    throw new Error(`${this.name}: not a readable zip archive (${why})`);
  }

  u16(p: number): number {
    return this.#view.getUint16(p, true);
  }

  u32(p: number): number {
    return this.#view.getUint32(p, true);
  }

  u64(p: number): number {
    const v = this.#view.getBigUint64(p, true);
    if (v > BigInt(this.bytes.length)) this.fail("a zip64 field runs past the end of the file");
    return Number(v);
  }

  /** Where the central directory is and how many entries it holds (zip64 too). */
  centralDirectory(): { count: number; dirSize: number; dirOffset: number } {
    const n = this.bytes.length;
    // The end-of-central-directory record sits in the last 22 + 65535 bytes.
    let eocd = -1;
    for (let p = n - 22; p >= Math.max(0, n - 22 - 65535); p--) {
      if (this.u32(p) === EOCD) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) this.fail("no end-of-central-directory record: truncated?");
    const count = this.u16(eocd + 10), dirSize = this.u32(eocd + 12);
    const dirOffset = this.u32(eocd + 16);
    if (count !== 0xffff && dirSize !== 0xffffffff && dirOffset !== 0xffffffff) {
      return { count, dirSize, dirOffset };
    }
    const loc = eocd - 20;
    if (loc < 0 || this.u32(loc) !== EOCD64_LOCATOR) {
      this.fail("zip64 fields without a zip64 locator");
    }
    const e64 = this.u64(loc + 8);
    if (e64 + 56 > n || this.u32(e64) !== EOCD64) this.fail("bad zip64 end record");
    return {
      count: this.u64(e64 + 32),
      dirSize: this.u64(e64 + 40),
      dirOffset: this.u64(e64 + 48),
    };
  }

  /** The `i`-th central directory entry, at `p`, and where the next begins. */
  entry(p: number, i: number): { entry: ZipEntry; next: number } {
    const { bytes, name } = this;
    if (p + 46 > bytes.length || this.u32(p) !== CENTRAL) {
      this.fail(`bad central directory entry ${i}`);
    }
    const method = this.u16(p + 10);
    const nameLen = this.u16(p + 28), extraLen = this.u16(p + 30), commentLen = this.u16(p + 32);
    if (p + 46 + nameLen + extraLen > bytes.length) this.fail(`entry ${i} runs past the end`);
    const entryName = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    const { size, compressed, local } = this.zip64Fields(p + 46 + nameLen, extraLen, {
      size: this.u32(p + 24),
      compressed: this.u32(p + 20),
      local: this.u32(p + 42),
    });
    if (local + 30 > bytes.length || this.u32(local) !== LOCAL) {
      this.fail(`no local header for ${entryName}`);
    }
    const start = local + 30 + this.u16(local + 26) + this.u16(local + 28);
    if (start + compressed > bytes.length) this.fail(`${entryName} runs past the end: truncated?`);
    const data = () => {
      if (method !== 0) {
        throw new Error(
          `${name}: ${entryName} is compressed (zip method ${method}); PyTorch writes ` +
            "uncompressed archives: re-save it with torch.save",
        );
      }
      return bytes.subarray(start, start + size);
    };
    return {
      entry: { name: entryName, method, size, data },
      next: p + 46 + nameLen + extraLen + commentLen,
    };
  }

  /** The fields that are 0xffffffff, from the zip64 extra field (id 1), where they follow in this order. */
  zip64Fields(
    extra: number,
    extraLen: number,
    f: { size: number; compressed: number; local: number },
  ): { size: number; compressed: number; local: number } {
    let { size, compressed, local } = f;
    for (let e = extra; e + 4 <= extra + extraLen;) {
      const id = this.u16(e);
      const len = this.u16(e + 2);
      if (id === 1) {
        let q = e + 4;
        if (size === 0xffffffff) size = this.u64(q), q += 8;
        if (compressed === 0xffffffff) compressed = this.u64(q), q += 8;
        if (local === 0xffffffff) local = this.u64(q);
      }
      e += 4 + len;
    }
    return { size, compressed, local };
  }
}
