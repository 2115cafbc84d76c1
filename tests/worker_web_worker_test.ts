// The Web Worker entry of apps/worker with its promise client: the model is
// loaded once, answers match the HTTP handler's, errors come back as
// { id, error } without killing the worker, and many images can be in flight.
import assert from "node:assert/strict";
import { createHandler, LocalizerClient, WorkerError } from "@pointwise/worker";
import { decodeImage } from "@pointwise/core/lite";
import { syntheticPngs, tinyOnnx } from "./_helpers.ts";

const model = await tinyOnnx(["a", "b", "c"], 5);
const images = await syntheticPngs([64, 81, 100]);
const spawn = () => new Worker(import.meta.resolve("@pointwise/worker/worker"), { type: "module" });

Deno.test("the worker localizes like the HTTP handler, and survives bad input", async () => {
  const client = await LocalizerClient.create(spawn(), model);
  try {
    assert.deepEqual(client.model?.classes, ["a", "b", "c"]);
    const handler = createHandler({ model });
    const results = await Promise.all(images.map((png) => client.localize(png)));
    for (const [i, png] of images.entries()) {
      const r = await handler(
        new Request("http://localhost/v1/localize", { method: "POST", body: png as BodyInit }),
      );
      const http = await r.json();
      const { maskPng, overlayPng, ...summary } = results[i];
      const { mask, ...httpSummary } = http;
      assert.deepEqual(summary, httpSummary);
      assert.equal(btoa(String.fromCharCode(...maskPng)), mask.data);
      assert.ok(overlayPng.length > 100);
    }
    await assert.rejects(
      client.localize(new TextEncoder().encode("not an image")),
      (e: Error) => e instanceof WorkerError && e.code === "not_an_image",
    );
    await assert.rejects(
      client.localize(images[0].slice(0, 60)),
      (e: Error) => e instanceof WorkerError && e.code === "bad_image",
    );
    const again = await client.localize(images[1]);
    assert.equal(again.class, results[1].class);
    assert.equal(again.map, undefined);
    // With raw: the map the mask was cut from, and the pixels the model saw.
    const raw = await client.localize(images[2], { raw: true });
    const { width: w, height: h } = raw;
    assert.equal(raw.map?.length, w * h);
    assert.equal(raw.map!.filter((v) => v >= raw.threshold).length, raw.maskPixels);
    const seen = await decodeImage(images[2], "image");
    const rgba = new Uint8ClampedArray(4 * w * h).map((_, i) =>
      i % 4 === 3 ? 255 : seen.data[3 * (i >> 2) + (i % 4)]
    );
    assert.deepEqual(raw.rgba, rgba);
  } finally {
    client.terminate();
  }
});

Deno.test("images before the model, or a second model, are refused with a code", async () => {
  const worker = spawn();
  const answers: unknown[] = [];
  const got = new Promise<void>((resolve) => {
    worker.onmessage = (e) => {
      answers.push(e.data);
      if (answers.length === 1) worker.postMessage({ id: 8, model: new Uint8Array([1, 2]) });
      if (answers.length === 2) resolve();
    };
  });
  worker.postMessage({ id: 7, image: images[0] });
  await got;
  // After a failed load, the model can be sent again; a malformed message gets a code.
  const more = await new Promise<unknown[]>((resolve) => {
    const replies: unknown[] = [];
    worker.onmessage = (e) => {
      replies.push(e.data);
      if (replies.length === 2) resolve(replies);
    };
    worker.postMessage({ id: 9, hello: true });
    worker.postMessage({ id: 10, model });
  });
  worker.terminate();
  assert.deepEqual(more[0], {
    id: 9,
    error: { code: "bad_message", message: "messages are { id, model } or { id, image }" },
  });
  assert.deepEqual((more[1] as { result: { classes: string[] } }).result.classes, ["a", "b", "c"]);
  assert.deepEqual(answers[0], {
    id: 7,
    error: { code: "not_loaded", message: "send { id, model } before images" },
  });
  // A model that is not ONNX: the load fails with a generic error, no detail leaks.
  assert.deepEqual(answers[1], {
    id: 8,
    error: { code: "internal", message: "the request could not be processed" },
  });
});
