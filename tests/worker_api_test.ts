// The HTTP API's request forms and options: multipart uploads (what `curl -F`
// sends), ?threshold= and ?heatmap=1, the localizer's probabilities, and one
// JSON log line per request.
import assert from "node:assert/strict";
import { decodeHeatmapPng } from "@pointwise/core/io";
import { decodeImage } from "@pointwise/core/lite";
import { loadOnnx } from "@pointwise/runtime";
import { createHandler, type RequestLogEntry } from "@pointwise/worker";
import { syntheticPngs, tinyOnnx } from "./_helpers.ts";

const model = await tinyOnnx();
const [png] = await syntheticPngs([72]);
const lines: RequestLogEntry[] = [];
const handler = createHandler({ model, backend: "wasm", requestLog: (e) => lines.push(e) });
const localize = (body: BodyInit | null, query = "", headers: HeadersInit = {}) =>
  handler(new Request(`http://localhost/v1/localize${query}`, { method: "POST", body, headers }));
const form = (name: string, value: Blob | string) => {
  const f = new FormData();
  f.append("note", "a text part beside it");
  f.append(name, value, ...(typeof value === "string" ? [] : ["a.png"]) as []);
  return f;
};
const reference = await loadOnnx(model, "model.onnx", { backend: "wasm" });
const expected = await reference.predict(await decodeImage(png, "png"));
await reference.dispose();

async function errorOf(r: Response, status: number): Promise<{ code: string; message: string }> {
  assert.equal(r.status, status);
  return (await r.json()).error;
}

Deno.test("a multipart upload localizes as the raw body does, with both heads' probabilities", async () => {
  const raw = await (await localize(png as BodyInit)).json();
  const multi = await localize(form("file", new Blob([png as BlobPart], { type: "image/png" })));
  assert.equal(multi.status, 200);
  assert.deepEqual(await multi.json(), raw);
  assert.equal(raw.class, expected.className);
  assert.deepEqual(Object.keys(raw.localizerProbabilities), ["stripes", "dots"]);
  for (const [k, c] of ["stripes", "dots"].entries()) {
    assert.ok(Math.abs(raw.localizerProbabilities[c] - expected.localizerProbabilities[k]) < 1e-6);
  }
  assert.ok(!("heatmap" in raw));
});

Deno.test("a form without the file part gets a 400 naming the field and the curl form", async () => {
  const missing = await errorOf(await localize(form("image", new Blob([png as BlobPart]))), 400);
  assert.equal(missing.code, "missing_file");
  assert.match(missing.message, /the form has no 'file' part \(its parts are 'note', 'image'\)/);
  assert.match(missing.message, /curl -F file=@image\.png/);
  const text = await errorOf(await localize(form("file", "slide.png")), 400);
  assert.equal(text.code, "missing_file");
  assert.match(text.message, /'file' part is text, not a file/);
  const broken = await errorOf(
    await localize("--x\r\nnot a form", "", { "content-type": "multipart/form-data; boundary=y" }),
    400,
  );
  assert.equal(broken.code, "bad_form");
});

Deno.test("?threshold= cuts this request's mask; bad values and unknown parameters are refused", async () => {
  const at = async (t: string) => await (await localize(png as BodyInit, `?threshold=${t}`)).json();
  const [low, mid, high] = [await at("0.2"), await at("0.5"), await at("0.8")];
  const area = (t: number) => expected.mask.filter((v) => v >= t).length / expected.mask.length;
  assert.equal(low.threshold, 0.2);
  assert.equal(low.maskArea, area(0.2));
  assert.equal(mid.maskArea, expected.maskArea);
  assert.equal(high.maskArea, area(0.8));
  assert.ok(low.maskArea > mid.maskArea && mid.maskArea > high.maskArea, "an untrained R+ spreads");
  assert.deepEqual(low.probabilities, mid.probabilities);
  // The model's threshold is untouched by a request's.
  const after = await (await localize(png as BodyInit)).json();
  assert.equal(after.threshold, 0.5);
  for (const bad of ["1.5", "-0.1", "abc", ""]) {
    const e = await errorOf(await localize(png as BodyInit, `?threshold=${bad}`), 400);
    assert.equal(e.code, "bad_threshold");
    assert.match(e.message, /threshold must be a number in \[0, 1\]/);
  }
  const typo = await errorOf(await localize(png as BodyInit, "?treshold=0.3"), 400);
  assert.equal(typo.code, "unknown_parameter");
  assert.match(typo.message, /'treshold' \(known: threshold, heatmap\)/);
});

Deno.test("?heatmap=1 adds the continuous map as a base64 16-bit PNG", async () => {
  const body = await (await localize(png as BodyInit, "?heatmap=1&threshold=0.4")).json();
  assert.equal(body.heatmap.type, "image/png");
  assert.equal(body.heatmap.bitDepth, 16);
  const bytes = Uint8Array.from(atob(body.heatmap.data), (c) => c.charCodeAt(0));
  const map = decodeHeatmapPng(bytes, "heatmap");
  assert.deepEqual([map.width, map.height], [72, 72]);
  for (let i = 0; i < map.data.length; i++) {
    assert.ok(Math.abs(map.data[i] - expected.mask[i]) <= 0.5 / 65535 + 1e-7, `pixel ${i}`);
  }
  const e = await errorOf(await localize(png as BodyInit, "?heatmap=yes"), 400);
  assert.equal(e.code, "bad_heatmap");
});

Deno.test("one JSON log line per request: method, path, status, bytes, ms", async () => {
  lines.length = 0;
  const r = await localize(form("file", new Blob([png as BlobPart])));
  const body = new Uint8Array(await r.arrayBuffer());
  const bad = await localize(png as BodyInit, "?threshold=2");
  await bad.text();
  const noFile = await localize(form("image", new Blob([png as BlobPart])));
  await noFile.text();
  const head = await handler(new Request("http://localhost/healthz", { method: "HEAD" }));
  assert.equal(head.body, null);
  assert.equal(lines.length, 4);
  const [ok, refused, formError, probe] = lines;
  assert.deepEqual(
    [ok.method, ok.path, ok.status, ok.bytes],
    ["POST", "/v1/localize", 200, body.length],
  );
  assert.ok(ok.requestBytes > png.length, "the whole form was read");
  assert.ok(ok.ms > 0);
  assert.ok(!Number.isNaN(Date.parse(ok.time)));
  assert.equal(ok.error, undefined);
  assert.deepEqual([refused.status, refused.error, refused.requestBytes], [
    400,
    "bad_threshold",
    0,
  ]);
  // A body that was read is counted even when the request is refused after it.
  assert.deepEqual([formError.status, formError.error], [400, "missing_file"]);
  assert.ok(formError.requestBytes > png.length);
  assert.deepEqual([probe.method, probe.status, probe.bytes], ["HEAD", 200, 0]);
  // The default logger writes each entry as one line of JSON.
  assert.doesNotMatch(JSON.stringify(ok), /\n/);
});
