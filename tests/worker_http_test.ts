// The HTTP handler of apps/worker on a tiny exported model: every route, the
// answers against the runtime's own prediction, and every kind of bad input
// answered with a JSON error and the right status, while it keeps serving.
import assert from "node:assert/strict";
import { decodeImage } from "@pointwise/core/lite";
import { loadOnnx } from "@pointwise/runtime";
import { createHandler } from "@pointwise/worker";
import { syntheticPngs, tinyOnnx } from "./_helpers.ts";

const model = await tinyOnnx();
const [small, wide] = await syntheticPngs([72, 97]);
const logged: unknown[] = [];
const handler = createHandler({
  model,
  backend: "wasm",
  limits: { maxBytes: 200_000, maxPixels: 120 * 120 },
  log: (_m, e) => logged.push(e),
});
const post = (body: BodyInit | null, headers: HeadersInit = {}) =>
  handler(new Request("http://localhost/v1/localize", { method: "POST", body, headers }));

/** Asserts a JSON error with `status` and `code` whose message leaks no path or stack. */
async function assertError(r: Response, status: number, code: string) {
  assert.equal(r.status, status);
  assert.match(r.headers.get("content-type") ?? "", /application\/json/);
  const body = await r.json();
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, "string");
  assert.doesNotMatch(body.error.message, /file:|\/work\/|\/tmp\/|\n\s+at |\.ts:\d/);
  return body.error.message as string;
}

Deno.test("POST /v1/localize answers what the runtime predicts, with the mask as PNG", async () => {
  const reference = await loadOnnx(model, "model.onnx", { backend: "wasm" });
  for (const png of [small, wide]) {
    const expected = await reference.predict(await decodeImage(png, "png"));
    const r = await post(png as BodyInit, { "content-type": "image/png" });
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.equal(body.class, expected.className);
    assert.equal(body.classIndex, expected.classIndex);
    assert.deepEqual(Object.keys(body.probabilities), ["stripes", "dots"]);
    for (const [k, c] of ["stripes", "dots"].entries()) {
      assert.ok(Math.abs(body.probabilities[c] - expected.probabilities[k]) < 1e-6);
    }
    assert.equal(body.maskArea, expected.maskArea);
    assert.equal(body.mask.type, "image/png");
    const bytes = Uint8Array.from(atob(body.mask.data), (c) => c.charCodeAt(0));
    const mask = await decodeImage(bytes, "mask");
    assert.deepEqual([mask.width, mask.height], [expected.width, expected.height]);
    let on = 0;
    for (let i = 0; i < mask.width * mask.height; i++) {
      assert.equal(mask.data[3 * i] === 255 ? 1 : 0, expected.binary[i]);
      on += mask.data[3 * i] === 255 ? 1 : 0;
    }
    assert.equal(on, body.maskPixels);
  }
  await reference.dispose();
});

Deno.test("Accept: image/png gets the overlay picture at the image's size", async () => {
  const r = await post(wide as BodyInit, { accept: "image/png" });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "image/png");
  const picture = await decodeImage(new Uint8Array(await r.arrayBuffer()), "overlay");
  assert.deepEqual([picture.width, picture.height], [97, 97]);
  // Asking for both keeps JSON.
  const both = await post(wide as BodyInit, { accept: "application/json, image/png" });
  assert.match(both.headers.get("content-type") ?? "", /application\/json/);
  await both.body?.cancel();
});

Deno.test("Accept: image/jpeg or image/webp gets the overlay in that format", async () => {
  const jpeg = await post(wide as BodyInit, { accept: "image/jpeg" });
  assert.equal(jpeg.headers.get("content-type"), "image/jpeg");
  const picture = await decodeImage(new Uint8Array(await jpeg.arrayBuffer()), "overlay");
  assert.deepEqual([picture.width, picture.height], [97, 97]);
  const webp = await post(wide as BodyInit, { accept: "image/webp,image/png;q=0.8" });
  assert.equal(webp.headers.get("content-type"), "image/webp");
  const bytes = new Uint8Array(await webp.arrayBuffer());
  assert.equal(new TextDecoder().decode(bytes.subarray(8, 12)), "WEBP");
});

Deno.test("GET /v1/model and /healthz describe the loaded model", async () => {
  const r = await handler(new Request("http://localhost/v1/model"));
  const info = await r.json();
  assert.deepEqual(info.classes, ["stripes", "dots"]);
  assert.deepEqual(Object.keys(info.normalization).sort(), ["mean", "std"]);
  assert.equal(info.threshold, 0.5);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", model as BufferSource));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(info.hash, `sha256:${hex}`);
  assert.equal(info.bytes, model.length);
  assert.equal(info.provider, "wasm");
  assert.ok(Number.isInteger(info.threads) && info.threads >= 1, `threads ${info.threads}`);
  const h = await handler(new Request("http://localhost/healthz"));
  assert.deepEqual(await h.json(), { status: "ok" });
  const m = await handler(new Request("http://localhost/model.onnx"));
  assert.deepEqual(new Uint8Array(await m.arrayBuffer()), Uint8Array.from(model));
});

Deno.test("bad input gets a JSON error with the right status, and serving goes on", async () => {
  const png = small;
  assert.match(await assertError(await post(null), 400, "empty_body"), /no image/);
  assert.match(await assertError(await post(new Uint8Array()), 400, "empty_body"), /no image/);
  assert.match(
    await assertError(await post("hello, this is text"), 415, "not_an_image"),
    /not a PNG, JPEG, TIFF or WebP/,
  );
  // A truncated PNG: the header is there, the pixel data is not.
  await assertError(await post(png.slice(0, Math.floor(png.length / 2))), 400, "bad_image");
  await assertError(await post(png.slice(0, 20)), 400, "bad_image");
  const jpeg = await Deno.readFile(new URL("./fixtures/rgb.jpg", import.meta.url));
  await assertError(await post(jpeg.slice(0, jpeg.length - 200)), 400, "bad_image");
  // 100000x100000 declared in a 40-byte file: refused from the header, never decoded.
  const huge = png.slice(0, 40);
  huge.set([0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0], 16);
  assert.match(
    await assertError(await post(huge), 413, "too_many_pixels"),
    /100000x100000, over the limit of 14400 pixels/,
  );
  // Over the byte limit: declared, and streamed without a declared length.
  const big = new Uint8Array(300_000);
  big.set(png);
  await assertError(await post(big), 413, "too_large");
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 5; i++) c.enqueue(big.subarray(i * 60_000, (i + 1) * 60_000));
      c.close();
    },
  });
  await assertError(await post(stream), 413, "too_large");
  // Wrong method, wrong route.
  const get = await handler(new Request("http://localhost/v1/localize"));
  await assertError(get, 405, "method_not_allowed");
  assert.equal(get.headers.get("allow"), "POST");
  await assertError(
    await handler(new Request("http://localhost/v1/model", { method: "DELETE" })),
    405,
    "method_not_allowed",
  );
  await assertError(await handler(new Request("http://localhost/nope")), 404, "not_found");
  await assertError(
    await handler(new Request("http://localhost/", { method: "POST", body: "x" })),
    404,
    "not_found",
  );
  // Still serving.
  const ok = await post(png as BodyInit);
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  assert.deepEqual(logged, [], "client errors are not logged as failures");
});

Deno.test("a model that does not load gives a 500 with no detail, and the detail is logged", async () => {
  const errors: unknown[] = [];
  const broken = createHandler({
    model: () => Promise.resolve(new TextEncoder().encode("not onnx")),
    log: (_m, e) => errors.push(e),
  });
  const r = await broken(new Request("http://localhost/healthz"));
  const message = await assertError(r, 500, "internal");
  assert.equal(message, "the request could not be processed");
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /not a valid ONNX model/);
});

Deno.test("past the limits on requests at once, a 503 busy with Retry-After", async () => {
  const narrow = createHandler({ model, limits: { maxConcurrent: 1, maxQueued: 1 } });
  const send = () =>
    narrow(
      new Request("http://localhost/v1/localize", { method: "POST", body: small as BodyInit }),
    );
  await (await send()).body?.cancel(); // load the model first
  const answers = await Promise.all([send(), send(), send(), send()]);
  const statuses = answers.map((r) => r.status);
  assert.deepEqual(statuses, [200, 200, 503, 503]);
  assert.equal(answers[2].headers.get("retry-after"), "1");
  await assertError(answers[3], 503, "busy");
  for (const r of answers.slice(0, 3)) await r.body?.cancel();
  assert.equal((await send()).status, 200, "places are given back");
});

Deno.test("a model that fails to load once is loaded again on the next request", async () => {
  let calls = 0;
  const flaky = createHandler({
    model: () => ++calls === 1 ? Promise.reject(new Error("network down")) : Promise.resolve(model),
    log: () => {},
  });
  assert.equal((await flaky(new Request("http://localhost/healthz"))).status, 500);
  assert.deepEqual(await (await flaky(new Request("http://localhost/healthz"))).json(), {
    status: "ok",
  });
  assert.equal(calls, 2);
});

Deno.test("concurrent requests get the answers of sequential ones", async () => {
  const images = [small, wide, small, wide, wide, small, small, wide];
  const sequential = [];
  for (const png of images) sequential.push(await (await post(png as BodyInit)).json());
  const concurrent = await Promise.all(
    images.map(async (png) => (await post(png as BodyInit)).json()),
  );
  assert.deepEqual(concurrent, sequential);
});
