// Images given to predict (after a valid one): each names the image and the
// problem. A bad header (not an image, too large) stops the run with nothing
// written; an image corrupt past its header is reported, exit 1, and only the
// valid one gets its files (PAST_HEADER).
import type { CorpusBuilder } from "./builder.ts";
import {
  cat,
  chunk,
  ihdr,
  jpegWithMarker,
  jpegWithSize,
  noise,
  patternPng,
  PNG_SIGNATURE,
  rawPng,
  sofOffset,
  tiff,
  tiffDataOffset,
  utf8,
  webp,
} from "./bytes.ts";

const IEND = chunk("IEND", new Uint8Array());

/** [id, bytes, the problem, extra flags, extension]. */
type Row = [string, Uint8Array, string, string[]?, string?];

/** The cases whose header reads: the batch goes on, and the valid image gets its files. */
const PAST_HEADER = new Set([
  "truncated-half",
  "bad-zlib",
  "no-idat",
  "bad-color-type",
  "bad-bit-depth",
  "palette-without-plte",
  "short-scanlines",
  "bad-filter-byte",
  "tiff-strip-past-end",
  "tiff-zstd-garbage",
  "tiff-compression-unknown",
  "tiff-lzw-garbage",
  "tiff-deflate-garbage",
  "tiff-lzw-loop",
  "tiff-bits-odd",
  "webp-vp8-corrupt",
  "jpeg-scan-cut",
  "jpeg-huge-decoded",
  "jpeg-arithmetic",
  "jpeg-12-bit",
  "jpeg-garbage-scan",
  "progressive-cut",
]);

/** What predict writes for the valid image ({image} is image.png). */
const VALID_OUTPUTS = ["image.json", "image_mask.png", "image_overlay.jpg", "predictions.csv"];

/** Adds the image cases. */
export async function imageCases(b: CorpusBuilder): Promise<void> {
  const good = await patternPng(20, 12);
  const jpeg = b.fixtures.rgbJpeg;
  const noFrame = jpeg.slice();
  noFrame[sofOffset(noFrame) + 1] = 0xfe; // the frame header becomes a comment
  const garbageScan = jpeg.slice();
  garbageScan.set(noise(40, 9), garbageScan.length - 42);
  // A 4x4 grey TIFF: one uncompressed strip of 16 bytes.
  const greyTiff = (over: Record<number, [number, number]> = {}) => {
    const tags: Record<number, [number, number]> = {
      256: [3, 4],
      257: [3, 4],
      258: [3, 8],
      259: [3, 1],
      262: [3, 1],
      273: [4, tiffDataOffset(9)],
      277: [3, 1],
      278: [3, 4],
      279: [4, 16],
      ...over,
    };
    const entries = Object.entries(tags).filter(([, v]) => v[0] > 0)
      .map(([t, [type, value]]) => [Number(t), type, value] as [number, number, number]);
    return tiff(entries, noise(16, 13));
  };
  const vp8x = (w: number, h: number, flags = 0) => {
    const p = new Uint8Array(10);
    p[0] = flags;
    p.set([(w - 1) & 255, ((w - 1) >> 8) & 255, (w - 1) >> 16], 4);
    p.set([(h - 1) & 255, ((h - 1) >> 8) & 255, (h - 1) >> 16], 7);
    return webp("VP8X", cat(p, new Uint8Array(8)));
  };
  const vp8 = cat(Uint8Array.of(0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 100, 0, 100, 0), noise(40, 14));
  const rows: Row[] = [
    ["empty", new Uint8Array(), "the file is empty"],
    ["text", utf8("hello, this is text\n"), "not a PNG, JPEG, TIFF or WebP"],
    ["signature-only", PNG_SIGNATURE, "truncated"],
    ["truncated-half", good.slice(0, Math.floor(good.length / 2)), "corrupt or truncated"],
    ["truncated-header", good.slice(0, 20), "truncated"],
    ["zero-size", cat(PNG_SIGNATURE, ihdr(0, 0), IEND), "gives no pixels"],
    ["zero-width", cat(PNG_SIGNATURE, ihdr(0, 10), IEND), "gives no pixels"],
    [
      "huge-header",
      cat(PNG_SIGNATURE, ihdr(100_000, 100_000), IEND),
      "100000x100000 .*over --max-pixels",
    ],
    [
      "huge-tall",
      cat(PNG_SIGNATURE, ihdr(1, 2 ** 31 - 1), IEND),
      "1x2147483647 .*over --max-pixels",
    ],
    ["over-max-pixels", await patternPng(50, 50), "50x50 .*over --max-pixels 2000", [
      "--max-pixels",
      "2000",
    ]],
    ["first-chunk-not-ihdr", cat(PNG_SIGNATURE, IEND, ihdr(4, 4)), "first chunk is not IHDR"],
    ["bad-zlib", cat(PNG_SIGNATURE, ihdr(8, 8), chunk("IDAT", noise(40, 3)), IEND), "corrupt"],
    ["no-idat", cat(PNG_SIGNATURE, ihdr(8, 8), IEND), "corrupt|truncated"],
    ["bad-color-type", await rawPng(4, 4, new Uint8Array(4 * 13), { colorType: 5 }), "corrupt"],
    ["bad-bit-depth", await rawPng(4, 4, new Uint8Array(4 * 13), { depth: 3 }), "corrupt"],
    [
      "palette-without-plte",
      await rawPng(4, 4, new Uint8Array(4 * 5), { colorType: 3 }),
      "corrupt",
    ],
    ["short-scanlines", await rawPng(16, 16, new Uint8Array(10)), "corrupt|truncated"],
    [
      "bad-filter-byte",
      await rawPng(2, 2, Uint8Array.of(9, 1, 2, 3, 4, 5, 6, 9, 1, 2, 3, 4, 5, 6)),
      "corrupt",
    ],
    [
      "gif",
      utf8("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;"),
      "not a PNG, JPEG, TIFF or WebP",
      [],
      "gif",
    ],
    ["bmp", cat(utf8("BM"), noise(60, 5)), "not a PNG, JPEG, TIFF or WebP", [], "bmp"],
    [
      "tiff-noise",
      cat(Uint8Array.of(0x49, 0x49, 0x2a, 0), noise(60, 6)),
      "truncated|not a valid TIFF",
      [],
      "tif",
    ],
    [
      "tiff-huge",
      greyTiff({ 256: [4, 100_000], 257: [4, 100_000] }),
      "100000x100000 .*over --max-pixels",
      [],
      "tif",
    ],
    ["tiff-no-size", greyTiff({ 256: [0, 0] }), "gives no pixels", [], "tif"],
    ["tiff-size-as-text", greyTiff({ 256: [2, 4] }), "tag 256 has type 2", [], "tif"],
    [
      "tiff-strip-past-end",
      greyTiff({ 273: [4, 100_000] }),
      "corrupt|truncated|outside|offset|bounds",
      [],
      "tif",
    ],
    [
      "tiff-zstd-garbage",
      greyTiff({ 259: [3, 50_000] }),
      "compression 50000 is not read",
      [],
      "tif",
    ],
    [
      "tiff-compression-unknown",
      greyTiff({ 259: [3, 12_345] }),
      "compression 12345 is not read",
      [],
      "tif",
    ],
    ["tiff-lzw-garbage", greyTiff({ 259: [3, 5] }), "LZW", [], "tif"],
    ["tiff-deflate-garbage", greyTiff({ 259: [3, 8] }), "header check|corrupt", [], "tif"],
    ["tiff-lzw-loop", b.fixtures.lzwLoopTiff, "corrupt or truncated \\(LZW code", [], "tif"],
    ["tiff-bits-odd", greyTiff({ 258: [3, 5] }), "bits|sample|support", [], "tif"],
    [
      "webp-noise",
      cat(utf8("RIFF"), Uint8Array.of(30, 0, 0, 0), utf8("WEBPVP8 "), noise(20, 7)),
      "not a valid WebP|truncated",
      [],
      "webp",
    ],
    ["webp-huge", vp8x(16384, 16384), "16384x16384 .*over --max-pixels", [], "webp"],
    ["webp-animated", vp8x(8, 8, 0x02), "animated WebP is not read", [], "webp"],
    ["webp-unknown-chunk", webp("ABCD", new Uint8Array(20)), "first chunk 'ABCD'", [], "webp"],
    ["webp-vp8-corrupt", webp("VP8 ", vp8), "corrupt|cannot decode|decode", [], "webp"],
    [
      "jpeg-soi-only",
      Uint8Array.of(0xff, 0xd8, 0xff),
      "truncated or has no frame header",
      [],
      "jpg",
    ],
    ["jpeg-header-cut", jpeg.slice(0, 100), "truncated", [], "jpg"],
    ["jpeg-scan-cut", jpeg.slice(0, jpeg.length - 30), "corrupt or truncated", [], "jpg"],
    [
      "jpeg-huge-header",
      jpegWithSize(jpeg, 65535, 65535),
      "65535x65535 .*over --max-pixels",
      [],
      "jpg",
    ],
    ["jpeg-huge-decoded", jpegWithSize(jpeg, 65535, 65535), "corrupt|too large", [
      "--max-pixels",
      "10000000000",
    ], "jpg"],
    ["jpeg-zero-size", jpegWithSize(jpeg, 0, 0), "gives no pixels", [], "jpg"],
    ["jpeg-no-frame", noFrame, "no frame header", [], "jpg"],
    ["jpeg-arithmetic", jpegWithMarker(jpeg, 0xc9), "corrupt|unsupported", [], "jpg"],
    ["jpeg-12-bit", jpegWithMarker(jpeg, 0xc1, 12), "corrupt|unsupported", [], "jpg"],
    ["jpeg-garbage-scan", garbageScan, "corrupt|not a valid JPEG", [], "jpg"],
    [
      "progressive-cut",
      b.fixtures.progressiveJpeg.slice(0, 400),
      "corrupt or truncated",
      [],
      "jpg",
    ],
  ];
  // The TIFF that the cases break decodes: a control (tests/bad_input_corpus_test.ts).
  b.file("images/valid-grey.tif", greyTiff());
  for (const [id, bytes, problem, extra = [], ext = "png"] of rows) {
    const path = b.file(`images/${id}.${ext}`, bytes);
    const argv = ["predict", "--model", "{ckpt}", "{image}", path, "--out", "{out}", ...extra];
    const expect = { exit: 1, names: `${id}.${ext}`, problem };
    b.add({
      id: `image-${id}`,
      category: "images",
      run: "cli",
      argv,
      expect: PAST_HEADER.has(id) ? { ...expect, writes: VALID_OUTPUTS } : expect,
    });
  }
  const predict = (path: string) => ["predict", "--model", "{ckpt}", path, "--out", "{out}"];
  b.cli(
    "images",
    "image-missing",
    predict("{files}/images/none.png"),
    1,
    "none.png",
    "no such file",
  );
  // A folder is an input; every header is read before anything is written, so
  // the valid a.png gets nothing either.
  b.file("folder/a.png", good);
  b.file("folder/b.png", utf8("hello, this is text\n"));
  b.cli(
    "images",
    "image-folder-bad-header",
    predict("{files}/folder"),
    1,
    "folder/b.png",
    "not a PNG, JPEG, TIFF or WebP.*nothing was written",
  );
  b.file("no-images/notes.txt", utf8("no image here\n"));
  b.cli(
    "images",
    "image-folder-without-images",
    predict("{files}/no-images"),
    2,
    "no-images",
    "holds no PNG, JPEG, TIFF or WebP image",
  );
  b.cli("images", "image-glob-none", predict("{files}/images/*.gif"), 2, "*.gif", "no image");
  b.cli(
    "images",
    "image-only-masks",
    predict("{files}/a_mask.png"),
    2,
    "no image left",
    "1 file\\(s\\) look like masks.*--skip none",
  );
  // A device never ends: refused before reading, not read until memory runs out.
  b.cli("images", "image-is-device", predict("/dev/zero"), 1, "/dev/zero", "not a regular file");
  b.cli(
    "images",
    "image-name-too-long",
    predict(`{files}/${"x".repeat(300)}.png`),
    1,
    "xxxxxxxxxx",
    "too long|no such file",
  );
}
