// Requests to the service (limits in the test: 65536 bytes, 65536 pixels):
// each gets its status and error code, never 500.
import type { Case, CorpusBuilder } from "./builder.ts";
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
  utf8,
} from "./bytes.ts";

const IEND = chunk("IEND", new Uint8Array());

/** [id, body (null: none), status, code, the problem, request changes]. */
type Row = [string, Uint8Array | null, number, string, string, Partial<Case>?];

/** Adds the HTTP cases. */
export async function httpCases(b: CorpusBuilder): Promise<void> {
  const good = await patternPng(20, 12);
  const jpeg = b.fixtures.rgbJpeg;
  const form = '--x\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n' +
    "Content-Type: image/png\r\n\r\n\x89PNG\r\n--x--\r\n";
  // A 'file' part that holds only the PNG signature.
  const fileForm = cat(
    utf8('--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'),
    PNG_SIGNATURE,
    utf8("\r\n--x--\r\n"),
  );
  const rows: Row[] = [
    ["no-body", null, 400, "empty_body", "no image"],
    ["empty", new Uint8Array(), 400, "empty_body", "no image"],
    ["text", utf8("hello"), 415, "not_an_image", "not a PNG, JPEG, TIFF or WebP"],
    ["json", utf8('{"image":"aGVsbG8="}'), 415, "not_an_image", "not a PNG, JPEG, TIFF or WebP"],
    // Forms are read; the image must be the 'file' part.
    ["multipart", utf8(form), 400, "missing_file", "no 'file' part \\(its parts are 'image'\\)", {
      headers: { "content-type": "multipart/form-data; boundary=x" },
    }],
    ["multipart-file-truncated", fileForm, 400, "bad_image", "truncated", {
      headers: { "content-type": "multipart/form-data; boundary=x" },
    }],
    [
      "base64-png",
      utf8(btoa(String.fromCharCode(...good))),
      415,
      "not_an_image",
      "not a PNG, JPEG, TIFF or WebP",
    ],
    [
      "gif",
      utf8("GIF89a\u0001\u0000\u0001\u0000"),
      415,
      "not_an_image",
      "not a PNG, JPEG, TIFF or WebP",
    ],
    ["noise", noise(500, 21), 415, "not_an_image", "not a PNG, JPEG, TIFF or WebP"],
    ["signature-only", PNG_SIGNATURE, 400, "bad_image", "truncated"],
    [
      "truncated-png",
      good.slice(0, Math.floor(good.length / 2)),
      400,
      "bad_image",
      "truncated or corrupt",
    ],
    ["zero-size", cat(PNG_SIGNATURE, ihdr(0, 0), IEND), 400, "bad_image", "no pixels"],
    [
      "huge-header",
      cat(PNG_SIGNATURE, ihdr(100_000, 100_000), IEND),
      413,
      "too_many_pixels",
      "100000x100000",
    ],
    [
      "over-pixels",
      await rawPng(300, 300, new Uint8Array(300 * 901)),
      413,
      "too_many_pixels",
      "300x300, over the limit of 65536",
    ],
    [
      "over-bytes",
      cat(good, new Uint8Array(70_000)),
      413,
      "too_large",
      "over the limit of 65536 bytes",
    ],
    [
      "bad-zlib",
      cat(PNG_SIGNATURE, ihdr(8, 8), chunk("IDAT", noise(40, 3)), IEND),
      400,
      "bad_image",
      "truncated or corrupt",
    ],
    [
      "bad-color-type",
      await rawPng(4, 4, new Uint8Array(4 * 13), { colorType: 5 }),
      400,
      "bad_image",
      "truncated or corrupt",
    ],
    [
      "short-scanlines",
      await rawPng(16, 16, new Uint8Array(10)),
      400,
      "bad_image",
      "truncated or corrupt",
    ],
    ["jpeg-scan-cut", jpeg.slice(0, jpeg.length - 30), 400, "bad_image", "truncated or corrupt"],
    ["jpeg-header-cut", jpeg.slice(0, 100), 400, "bad_image", "truncated"],
    ["jpeg-huge-header", jpegWithSize(jpeg, 65535, 65535), 413, "too_many_pixels", "65535x65535"],
    ["jpeg-no-frame", Uint8Array.of(0xff, 0xd8, 0xff, 0xd9), 400, "bad_image", "no frame header"],
    ["tiff-lzw-loop", b.fixtures.lzwLoopTiff, 400, "bad_image", "truncated or corrupt"],
    ["jpeg-arithmetic", jpegWithMarker(jpeg, 0xc9), 400, "bad_image", "truncated or corrupt"],
    ["get-localize", null, 405, "method_not_allowed", "takes POST", { method: "GET" }],
    ["put-localize", utf8("x"), 405, "method_not_allowed", "takes POST", { method: "PUT" }],
    ["post-model", utf8("x"), 405, "method_not_allowed", "takes GET", { path: "/v1/model" }],
    ["delete-health", null, 405, "method_not_allowed", "takes GET", {
      method: "DELETE",
      path: "/healthz",
    }],
    ["unknown-route", null, 404, "not_found", "no route", { method: "GET", path: "/v2/localize" }],
    ["traversal", null, 404, "not_found", "no route", {
      method: "GET",
      path: "/vendor/ort/..%2f..%2fdeno.json",
    }],
    ["traversal-dots", null, 404, "not_found", "no route", {
      method: "GET",
      path: "/vendor/ort/%2e%2e/%2e%2e/deno.json",
    }],
  ];
  for (const [id, body, status, code, problem, o = {}] of rows) {
    if (body !== null) b.file(`http/${id}.bin`, body);
    b.add({
      id: `http-${id}`,
      category: "http",
      run: "http",
      ...(body === null ? {} : { body: `http/${id}.bin` }),
      method: "POST",
      path: "/v1/localize",
      ...o,
      expect: { status, code, names: "", problem },
    });
  }
}
