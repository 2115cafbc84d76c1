import assert from "node:assert/strict";
import { LocalizationMetrics } from "./localization_metrics.ts";

const u8 = (a: number[]) => Uint8Array.from(a);
const f32 = (a: number[]) => Float32Array.from(a);
// Exact up to the last bit: 100 * (1/3) and 100 / 3 round differently.
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12, `${a} != ${b}`);

function addImages(m: LocalizationMetrics) {
  // 2x2 maps, row-major.
  m.add({
    scores: f32([0.9, 0.2, 0.1, 0.1]),
    gt: u8([1, 1, 0, 0]),
    predicted: 1,
    label: 1,
    width: 2,
  });
  m.add({
    scores: f32([0.9, 0.9, 0.9, 0.1]),
    gt: u8([1, 0, 0, 0]),
    predicted: 0,
    label: 1,
    width: 2,
  });
  m.add({
    scores: f32([0.6, 0.1, 0.1, 0.1]),
    gt: u8([0, 0, 0, 0]),
    predicted: 0,
    label: 0,
    width: 2,
  });
  m.add({ scores: f32([0.3]), gt: null, predicted: 0, label: 0 });
}

Deno.test("per-image IoU and PxAP on hand-computed maps", () => {
  const m = new LocalizationMetrics();
  addImages(m);
  const [a, b, c, d] = m.perImage;
  // a: mask at 0.5 is {0}, truth {0, 1}: IoU 1/2. Both truth pixels rank above both others: AP 100.
  assert.equal(a.iou, 50);
  assert.equal(a.pxap, 100);
  // b: mask {0, 1, 2}, truth {0}: IoU 1/3. The truth pixel ties with two others at 0.9: AP 1/3.
  close(b.iou, 100 / 3);
  close(b.pxap, 100 / 3);
  // c: no truth pixel: IoU 0 (a mask where none is), PxAP undefined.
  assert.equal(c.iou, 0);
  assert.ok(Number.isNaN(c.pxap));
  assert.ok(Number.isNaN(d.iou) && Number.isNaN(d.pxap));
});

Deno.test("box accuracy is added beside the other scores without changing them", () => {
  const plain = new LocalizationMetrics();
  const boxed = new LocalizationMetrics({ boxes: true });
  addImages(plain);
  addImages(boxed);
  const { box, ...rest } = boxed.summary();
  assert.deepEqual(rest, plain.summary());
  assert.equal(plain.summary().box, undefined);
  // a: truth box [0, 0, 1, 0]. Whatever pixels a threshold keeps, the box is [0, 0, 1, 1]
  //    (x + w and y + h clipped to the 2x2 map): IoU 2/4 at every threshold.
  // b: truth [0, 0, 0, 0]; every box is [0, 0, 1, 1] too: IoU 1/4.
  // c has no truth box and is left out, as wsolevaluation has a box for every image.
  assert.deepEqual(box!.maxBoxAcc, { 30: 50, 50: 50, 70: 0 });
  close(box!.maxBoxAccV2, 100 / 3);
  assert.equal(box!.images, 2);
  const noWidth = new LocalizationMetrics({ boxes: true });
  assert.throws(
    () => noWidth.add({ scores: f32([1, 0]), gt: u8([1, 0]), predicted: 0, label: 0 }),
    /box accuracy needs each map's width/,
  );
});
