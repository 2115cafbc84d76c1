// Images given to predict (after a valid one): each names the image and the
// problem, and nothing is written for any of them.
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
  utf8,
} from "./bytes.ts";

const IEND = chunk("IEND", new Uint8Array());

/** [id, bytes, the problem, extra flags, extension]. */
type Row = [string, Uint8Array, string, string[]?, string?];

/** Adds the image cases. */
export async function imageCases(b: CorpusBuilder): Promise<void> {
  const good = await patternPng(20, 12);
  const jpeg = b.fixtures.rgbJpeg;
  const noFrame = jpeg.slice();
  noFrame[sofOffset(noFrame) + 1] = 0xfe; // the frame header becomes a comment
  const garbageScan = jpeg.slice();
  garbageScan.set(noise(40, 9), garbageScan.length - 42);
  const rows: Row[] = [
    ["empty", new Uint8Array(), "the file is empty"],
    ["text", utf8("hello, this is text\n"), "not a PNG or JPEG"],
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
      "not a PNG or JPEG",
      [],
      "gif",
    ],
    ["bmp", cat(utf8("BM"), noise(60, 5)), "not a PNG or JPEG", [], "bmp"],
    ["tiff", cat(Uint8Array.of(0x49, 0x49, 0x2a, 0), noise(60, 6)), "not a PNG or JPEG", [], "tif"],
    [
      "webp",
      cat(utf8("RIFF"), Uint8Array.of(30, 0, 0, 0), utf8("WEBPVP8 "), noise(20, 7)),
      "not a PNG or JPEG",
      [],
      "webp",
    ],
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
  for (const [id, bytes, problem, extra = [], ext = "png"] of rows) {
    const path = b.file(`images/${id}.${ext}`, bytes);
    const argv = ["predict", "--model", "{ckpt}", "{image}", path, "--out", "{out}", ...extra];
    b.cli("images", `image-${id}`, argv, 1, `${id}.${ext}`, problem);
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
  b.cli("images", "image-is-folder", predict("{files}/images"), 1, "images", "it is a folder");
}
