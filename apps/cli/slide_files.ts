/**
 * Slides from files for the CLI: a tiled TIFF read through a random-access
 * reader over the open file, or a PNG or JPEG decoded whole when its header
 * says it fits the pixel limit; and a random-access writer over a temporary
 * file that is renamed into place only when complete.
 *
 * @example
 * ```ts ignore
 * const slide = await openSlideFile("slide.tif", 200_000_000);
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import { decodeImage, readImageHeader } from "@pointwise/core/lite";
import {
  memorySlide,
  openTiffSlide,
  type RandomAccessReader,
  type RandomAccessWriter,
  type Slide,
} from "@pointwise/core/slide";
import { describe } from "./files.ts";

/** Runs calls one after another: a file handle has one position. */
function serial<A extends unknown[], R>(f: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  let last: Promise<unknown> = Promise.resolve();
  return (...a: A) => {
    const run = last.then(() => f(...a));
    last = run.catch(() => {});
    return run;
  };
}

/** A random-access reader over an open file. */
export function fileReader(file: Deno.FsFile): RandomAccessReader {
  return serial(async (offset: number, length: number) => {
    const buf = new Uint8Array(length);
    await file.seek(offset, Deno.SeekMode.Start);
    let n = 0;
    while (n < length) {
      const r = await file.read(buf.subarray(n));
      if (r === null) break;
      n += r;
    }
    return n === length ? buf : buf.subarray(0, n);
  });
}

/** A random-access writer over an open file. */
export function fileWriter(file: Deno.FsFile): RandomAccessWriter {
  return serial(async (offset: number, bytes: Uint8Array) => {
    await file.seek(offset, Deno.SeekMode.Start);
    let n = 0;
    while (n < bytes.length) n += await file.write(bytes.subarray(n));
  });
}

const isTiff = (b: Uint8Array) =>
  (b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0) ||
  (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43));

/** Opens a slide file; errors name it and say what is wrong. */
export async function openSlideFile(
  path: string,
  maxPixels: number,
  decodeWorkers = 0,
): Promise<Slide> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (e) {
    throw new Error(`cannot read slide ${path}: ${describe(e)}`);
  }
  try {
    const read = fileReader(file);
    const head = await read(0, 64 << 10);
    if (head.length === 0) throw new Error(`${path}: the file is empty`);
    if (isTiff(head)) {
      const slide = await openTiffSlide(read, path, { decodeWorkers });
      return {
        ...slide,
        close: async () => {
          await slide.close();
          file.close();
        },
      };
    }
    let header;
    try {
      header = readImageHeader(head);
    } catch (e) {
      throw new Error(
        `${path}: not a TIFF, PNG or JPEG slide (${(e as Error).message}); ` +
          `convert it to a tiled TIFF, e.g. vips tiffsave IN OUT.tif --tile --pyramid`,
      );
    }
    const pixels = header.width * header.height;
    if (pixels > maxPixels) {
      throw new Error(
        `${path}: the ${header.format} image is ${header.width}x${header.height}, over the limit of ` +
          `${maxPixels} pixels read whole; raise --max-pixels or convert it to a tiled TIFF ` +
          `(vips tiffsave IN OUT.tif --tile --pyramid)`,
      );
    }
    file.close();
    const image = await decodeImage(await Deno.readFile(path), path);
    return memorySlide(image, path, header.format);
  } catch (e) {
    try {
      file.close();
    } catch { /* already closed */ }
    throw e;
  }
}

/** A file written through a temporary name and renamed into place by `commit()`. */
export interface PendingFile {
  path: string;
  write: RandomAccessWriter;
  commit(): Promise<void>;
  abandon(): Promise<void>;
}

/** Opens a temporary file beside `path` for random-access writing. */
export async function pendingFile(path: string): Promise<PendingFile> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${Deno.pid}.tmp`);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  } catch (e) {
    throw new Error(`cannot write ${path}: ${describe(e)}`);
  }
  let open = true;
  const close = () => {
    if (open) file.close(), open = false;
  };
  return {
    path,
    write: fileWriter(file),
    async commit() {
      close();
      await Deno.rename(tmp, path);
    },
    async abandon() {
      close();
      await Deno.remove(tmp).catch(() => {});
    },
  };
}
