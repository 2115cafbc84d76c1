/**
 * A streaming writer of tiled, pyramidal, 8-bit grayscale TIFF files, as
 * slide viewers open them (vips, OpenSlide's generic TIFF, QuPath): rows go
 * in top to bottom; each level is cut into deflate-compressed tiles as soon
 * as a row of tiles is complete, and halved (2x2 mean) into the next level on
 * the fly, so memory is one row of tiles per level whatever the image's size.
 * Levels are chained IFDs, each reduced one marked as such; the scale goes
 * into the resolution tags (pixels per centimetre). Compression is the web
 * platform's `CompressionStream("deflate")` (zlib, TIFF compression 8).
 *
 * @example
 * ```ts
 * import { PyramidTiffWriter } from "./tiff_writer.ts";
 * const file = new Uint8Array(1 << 16);
 * let size = 0;
 * const writer = new PyramidTiffWriter((offset, bytes) => {
 *   file.set(bytes, offset);
 *   size = Math.max(size, offset + bytes.length);
 *   return Promise.resolve();
 * }, 300, 200, { tile: 128 });
 * await writer.addRows(new Uint8Array(300 * 200).fill(255));
 * await writer.finish();
 * writer.levels.length; // 2 (300x200 and 150x100)
 * ```
 * @module
 */
import type { RandomAccessWriter } from "./slide.ts";

/** Options of {@link PyramidTiffWriter}. */
export interface TiffWriterOptions {
  /** Tile side, a multiple of 16 [256]. */
  tile?: number;
  /** Microns per level-0 pixel, written as resolution tags. */
  mpp?: { x: number; y: number } | null;
  /** ImageDescription of level 0. */
  description?: string;
}

interface Level {
  width: number;
  height: number;
  across: number;
  /** One row of tiles being filled. */
  band: Uint8Array;
  bandRow: number;
  rowsIn: number;
  offsets: number[];
  counts: number[];
  /** Even row waiting for its partner before halving. */
  pending: Uint8Array | null;
}

const encoder = new TextEncoder();

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("deflate"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Writes a pyramidal TIFF through a random-access writer. */
export class PyramidTiffWriter {
  readonly levels: Level[] = [];
  readonly tile: number;
  #pos = 8;
  #finished = false;
  /** Compressed bytes of uniform tiles, by value: most mask tiles are all 0 or all 255. */
  readonly #uniform = new Map<number, Uint8Array>();

  constructor(
    readonly write: RandomAccessWriter,
    readonly width: number,
    readonly height: number,
    readonly options: TiffWriterOptions = {},
  ) {
    const tile = options.tile ?? 256;
    if (tile % 16 !== 0 || tile <= 0) {
      throw new RangeError(`the tile side must be a multiple of 16`);
    }
    if (!(width > 0 && height > 0)) throw new RangeError(`the image has no pixels`);
    this.tile = tile;
    let w = width, h = height;
    for (;;) {
      const across = Math.ceil(w / tile);
      this.levels.push({
        width: w,
        height: h,
        across,
        band: new Uint8Array(across * tile * tile),
        bandRow: 0,
        rowsIn: 0,
        offsets: [],
        counts: [],
        pending: null,
      });
      if (w <= tile && h <= tile) break;
      w = Math.ceil(w / 2);
      h = Math.ceil(h / 2);
    }
  }

  /** Appends whole rows of level 0 (row-major, `width` bytes each). */
  async addRows(rows: Uint8Array): Promise<void> {
    if (rows.length % this.width !== 0) {
      throw new RangeError(
        `${rows.length} bytes is not a whole number of ${this.width}-pixel rows`,
      );
    }
    for (let o = 0; o < rows.length; o += this.width) {
      await this.#addRow(0, rows.subarray(o, o + this.width));
    }
  }

  async #addRow(l: number, row: Uint8Array): Promise<void> {
    const level = this.levels[l];
    if (level.rowsIn >= level.height) throw new RangeError(`more than ${level.height} rows`);
    const t = this.tile;
    // Row r of the band: tile tx holds pixels [tx*t, tx*t+t) at offset (tx*t + r) * t.
    for (let tx = 0; tx < level.across; tx++) {
      const x0 = tx * t, x1 = Math.min(level.width, x0 + t);
      level.band.set(row.subarray(x0, x1), (tx * t + level.bandRow) * t);
    }
    level.rowsIn++;
    level.bandRow++;
    if (level.bandRow === t || level.rowsIn === level.height) await this.#flushBand(level);
    if (l + 1 < this.levels.length) {
      if (level.pending === null) {
        level.pending = row.slice();
        if (level.rowsIn === level.height) await this.#halve(l, level.pending, level.pending);
      } else {
        const above = level.pending;
        level.pending = null;
        await this.#halve(l, above, row);
      }
    }
  }

  async #halve(l: number, a: Uint8Array, b: Uint8Array): Promise<void> {
    const next = this.levels[l + 1];
    const out = new Uint8Array(next.width);
    const w = this.levels[l].width;
    for (let x = 0; x < next.width; x++) {
      const i = 2 * x, j = Math.min(w - 1, 2 * x + 1);
      out[x] = (a[i] + a[j] + b[i] + b[j] + 2) >> 2;
    }
    await this.#addRow(l + 1, out);
  }

  async #flushBand(level: Level): Promise<void> {
    const t = this.tile;
    const size = t * t;
    for (let tx = 0; tx < level.across; tx++) {
      const tile = level.band.subarray(tx * size, (tx + 1) * size);
      if (level.bandRow < t) tile.fill(0, level.bandRow * t);
      const bytes = await this.#compress(tile);
      level.offsets.push(this.#pos);
      level.counts.push(bytes.length);
      await this.#append(bytes);
    }
    level.bandRow = 0;
    level.band.fill(0);
  }

  async #compress(tile: Uint8Array): Promise<Uint8Array> {
    const v = tile[0];
    let uniform = true;
    for (let i = 1; i < tile.length && uniform; i++) uniform = tile[i] === v;
    if (!uniform) return await deflate(tile);
    let bytes = this.#uniform.get(v);
    if (bytes === undefined) this.#uniform.set(v, bytes = await deflate(tile));
    return bytes;
  }

  async #append(bytes: Uint8Array): Promise<void> {
    await this.write(this.#pos, bytes);
    this.#pos += bytes.length + (bytes.length & 1); // word-aligned, as TIFF recommends
    if (this.#pos > 0xffff_ffff) throw new RangeError("the TIFF would pass 4 GiB");
  }

  /** Writes the directories and the header; every row must have been added. */
  async finish(): Promise<void> {
    if (this.#finished) return;
    const top = this.levels[0];
    if (top.rowsIn !== top.height) {
      throw new RangeError(`${top.rowsIn} rows of ${top.height} were added`);
    }
    this.#finished = true;
    const starts: number[] = [];
    const ifds = this.levels.map((level, l) => this.#ifd(level, l));
    // Lay the directories out one after another, each pointing at the next.
    let at = this.#pos;
    for (const ifd of ifds) starts.push(at), at += ifd.size;
    for (let l = 0; l < ifds.length; l++) {
      await this.write(starts[l], ifds[l].encode(starts[l], starts[l + 1] ?? 0));
    }
    const header = new Uint8Array(8);
    const view = new DataView(header.buffer);
    header.set([0x49, 0x49]);
    view.setUint16(2, 42, true);
    view.setUint32(4, starts[0], true);
    await this.write(0, header);
  }

  /** The directory of level `l`: its entries, laid out by {@link ifdTable}. */
  #ifd(level: Level, l: number): IfdTable {
    const entries: IfdEntry[] = [
      { tag: 254, type: LONG, values: [l === 0 ? 0 : 1] },
      { tag: 256, type: LONG, values: [level.width] },
      { tag: 257, type: LONG, values: [level.height] },
      { tag: 258, type: SHORT, values: [8] },
      { tag: 259, type: SHORT, values: [8] },
      { tag: 262, type: SHORT, values: [1] },
      { tag: 277, type: SHORT, values: [1] },
      { tag: 284, type: SHORT, values: [1] },
      { tag: 305, type: ASCII, values: encoder.encode("Pointwise\0") },
      { tag: 322, type: LONG, values: [this.tile] },
      { tag: 323, type: LONG, values: [this.tile] },
      { tag: 324, type: LONG, values: level.offsets },
      { tag: 325, type: LONG, values: level.counts },
      { tag: 339, type: SHORT, values: [1] },
    ];
    if (l === 0 && this.options.description) {
      entries.push({
        tag: 270,
        type: ASCII,
        values: encoder.encode(this.options.description + "\0"),
      });
    }
    const mpp = this.options.mpp;
    if (mpp) {
      const dx = this.width / level.width, dy = this.height / level.height;
      const perCm = (m: number) => [Math.round(1e7 / m), 1000];
      entries.push({ tag: 282, type: RATIONAL, values: perCm(mpp.x * dx) });
      entries.push({ tag: 283, type: RATIONAL, values: perCm(mpp.y * dy) });
      entries.push({ tag: 296, type: SHORT, values: [3] });
    }
    return ifdTable(entries);
  }
}

const ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5;

/** One directory entry: its tag, its field type and its values (a RATIONAL's as pairs). */
interface IfdEntry {
  tag: number;
  type: number;
  values: number[] | Uint8Array;
}

/** A directory's byte size, and its bytes once its place and the next one's are known. */
interface IfdTable {
  size: number;
  encode(start: number, next: number): Uint8Array;
}

/**
 * The directory of `entries`, sorted by tag: the table, then the values that
 * do not fit in an entry's 4 bytes, each at an even offset.
 */
function ifdTable(unsorted: IfdEntry[]): IfdTable {
  const entries = [...unsorted].sort((a, b) => a.tag - b.tag);
  const width = (type: number) => (type === SHORT ? 2 : type === ASCII ? 1 : 4);
  const count = (e: IfdEntry) => (e.type === RATIONAL ? e.values.length / 2 : e.values.length);
  const bytesOf = (e: IfdEntry) => e.values.length * width(e.type);
  const tableSize = 2 + 12 * entries.length + 4;
  const extra = entries.reduce(
    (s, e) => s + (bytesOf(e) > 4 ? bytesOf(e) + (bytesOf(e) & 1) : 0),
    0,
  );
  return {
    size: tableSize + extra,
    encode(start: number, next: number): Uint8Array {
      const out = new Uint8Array(tableSize + extra);
      const v = new DataView(out.buffer);
      v.setUint16(0, entries.length, true);
      let far = tableSize;
      const put = (e: IfdEntry, at: number) => {
        for (let i = 0; i < e.values.length; i++) {
          const x = e.values[i];
          if (e.type === SHORT) v.setUint16(at + 2 * i, x, true);
          else if (e.type === ASCII) out[at + i] = x;
          else v.setUint32(at + 4 * i, x, true);
        }
      };
      entries.forEach((e, k) => {
        const p = 2 + 12 * k;
        v.setUint16(p, e.tag, true);
        v.setUint16(p + 2, e.type, true);
        v.setUint32(p + 4, count(e), true);
        if (bytesOf(e) <= 4) put(e, p + 8);
        else {
          v.setUint32(p + 8, start + far, true);
          put(e, far);
          far += bytesOf(e) + (bytesOf(e) & 1);
        }
      });
      v.setUint32(tableSize - 4, next, true);
      return out;
    },
  };
}
