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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new Error(`${name}: not a readable zip archive (${why})`);
  };
  const u16 = (p: number) => view.getUint16(p, true);
  const u32 = (p: number) => view.getUint32(p, true);
  const u64 = (p: number) => {
    const v = view.getBigUint64(p, true);
    if (v > BigInt(bytes.length)) fail("a zip64 field runs past the end of the file");
    return Number(v);
  };
  // The end-of-central-directory record sits in the last 22 + 65535 bytes.
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 65535); p--) {
    if (u32(p) === EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail("no end-of-central-directory record: truncated?");
  let count = u16(eocd + 10);
  let dirSize = u32(eocd + 12);
  let dirOffset = u32(eocd + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== EOCD64_LOCATOR) fail("zip64 fields without a zip64 locator");
    const e64 = u64(loc + 8);
    if (e64 + 56 > bytes.length || u32(e64) !== EOCD64) fail("bad zip64 end record");
    count = u64(e64 + 32);
    dirSize = u64(e64 + 40);
    dirOffset = u64(e64 + 48);
  }
  if (dirOffset + dirSize > bytes.length) fail("the central directory runs past the end");
  const entries = new Map<string, ZipEntry>();
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || u32(p) !== CENTRAL) fail(`bad central directory entry ${i}`);
    const method = u16(p + 10);
    let compressed = u32(p + 20);
    let size = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let local = u32(p + 42);
    if (p + 46 + nameLen + extraLen > bytes.length) fail(`entry ${i} runs past the end`);
    const entryName = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // Zip64 extra field (id 1): the 0xffffffff fields follow in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = u16(e);
      const len = u16(e + 2);
      if (id === 1) {
        let q = e + 4;
        if (size === 0xffffffff) size = u64(q), q += 8;
        if (compressed === 0xffffffff) compressed = u64(q), q += 8;
        if (local === 0xffffffff) local = u64(q);
      }
      e += 4 + len;
    }
    if (local + 30 > bytes.length || u32(local) !== LOCAL) fail(`no local header for ${entryName}`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + compressed > bytes.length) fail(`${entryName} runs past the end: truncated?`);
    entries.set(entryName, {
      name: entryName,
      method,
      size,
      data: () => {
        if (method !== 0) {
          throw new Error(
            `${name}: ${entryName} is compressed (zip method ${method}); PyTorch writes ` +
              "uncompressed archives: re-save it with torch.save",
          );
        }
        return bytes.subarray(start, start + size);
      },
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
