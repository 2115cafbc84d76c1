import assert from "node:assert/strict";
import { dice, f1PosNeg } from "./dice.ts";
import { binIndex, PxapAccumulator, thresholdGrid } from "./pxap.ts";
import { BestThresholdAccumulator } from "./best_threshold.ts";
import { LocalizationMetrics } from "./localization_metrics.ts";

const u8 = (a: number[]) => Uint8Array.from(a);
const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

Deno.test("Dice and F1+/F1- on hand-computed masks, including empty ones", () => {
  close(dice(u8([1, 1, 0, 0]), u8([1, 0, 1, 0])), 0.5);
  close(dice(u8([1, 1, 1, 0]), u8([1, 0, 0, 0])), 0.5);
  close(dice(u8([0, 0]), u8([0, 0])), 1);
  close(dice(u8([1, 0]), u8([0, 0])), 0);
  const f = f1PosNeg(u8([1, 1, 1, 0]), u8([1, 0, 0, 0]));
  close(f.pos, 0.5);
  close(f.neg, 2 / 4); // background: pred {3}, gt {1,2,3}: 2*1/(1+3)
  // All-ones prediction: F1- is 0 whenever the image has background.
  close(f1PosNeg(u8([1, 1, 1, 1]), u8([1, 0, 0, 0])).neg, 0);
  // Empty ground truth and empty prediction agree perfectly on the foreground.
  close(f1PosNeg(u8([0, 0]), u8([0, 0])).pos, 1);
  assert.throws(() => dice(u8([1]), u8([1, 0])), /mask sizes differ/);
});

Deno.test("PxAP equals hand-computed average precision", () => {
  const acc = new PxapAccumulator();
  // Ranked: 0.9 (fg), 0.8 (bg), 0.3 (fg), 0.1 (bg): AP = (1 * 1/2) + (2/3 * 1/2).
  acc.add(Float32Array.from([0.9, 0.8]), u8([1, 0]));
  acc.add(Float32Array.from([0.3, 0.1]), u8([1, 0]));
  close(acc.compute(), 100 * (0.5 + (2 / 3) * 0.5), 1e-9);
  // A perfect ranking scores 100; a constant map scores the foreground rate.
  const perfect = new PxapAccumulator();
  perfect.add(Float32Array.from([0.9, 0.6, 0.2, 0.1]), u8([1, 1, 0, 0]));
  close(perfect.compute(), 100);
  const flat = new PxapAccumulator();
  flat.add(Float32Array.from([1, 1, 1, 1]), u8([1, 0, 0, 0]));
  close(flat.compute(), 25);
  assert.throws(() => new PxapAccumulator().compute(), /at least one foreground pixel/);
  assert.throws(() => acc.add(Float32Array.from([1.5]), u8([1])), /outside \[0, 1\]/);
});

Deno.test("score bins follow numpy.histogram on the 0.01 grid", () => {
  const edges = [...thresholdGrid(0.01), 1, 2, 3];
  assert.equal(thresholdGrid(0.01).length, 100);
  assert.equal(binIndex(0, edges), 0);
  assert.equal(binIndex(0.0099, edges), 0);
  assert.equal(binIndex(0.5, edges), 50);
  assert.equal(binIndex(0.999, edges), 99);
  assert.equal(binIndex(1, edges), 100);
  assert.equal(binIndex(3, edges), 101);
});

Deno.test("best-threshold Dice and mIoU on a hand-computed map", () => {
  const acc = new BestThresholdAccumulator();
  // Scores 0.9, 0.6 on foreground, 0.4, 0.1 on background: any t in (0.4, 0.6] separates them.
  acc.add(Float32Array.from([0.9, 0.6, 0.4, 0.1]), u8([1, 1, 0, 0]));
  const r = acc.compute();
  close(r.dice.value, 1);
  close(r.dice.threshold, 0.41, 1e-9);
  close(r.miou.value, 1);
  // At t = 0 everything is foreground: Dice 2*2/(4+2).
  const flat = new BestThresholdAccumulator();
  flat.add(Float32Array.from([0, 0, 0, 0]), u8([1, 1, 0, 0]));
  close(flat.compute().dice.value, 4 / 6);
});

Deno.test("LocalizationMetrics averages per image and counts classification errors", () => {
  const m = new LocalizationMetrics();
  m.add({
    scores: Float32Array.from([0.9, 0.2, 0.1, 0.1]),
    gt: u8([1, 1, 0, 0]),
    predicted: 1,
    label: 1,
  });
  m.add({
    scores: Float32Array.from([0.9, 0.9, 0.9, 0.1]),
    gt: u8([1, 0, 0, 0]),
    predicted: 0,
    label: 1,
  });
  m.add({ scores: Float32Array.from([0.3]), gt: null, predicted: 0, label: 0 });
  const s = m.summary();
  assert.equal(s.images, 3);
  close(s.classError, 100 / 3, 1e-9);
  // Image 1: F1+ 2/3, F1- 2*2/(3+2) = 0.8. Image 2: F1+ 0.5, F1- 2*1/(1+3) = 0.5.
  close(s.f1Pos, 100 * (2 / 3 + 0.5) / 2, 1e-9);
  close(s.f1Neg, 100 * (0.8 + 0.5) / 2, 1e-9);
  assert.ok(s.pxap > 0 && s.pxap <= 100);
  assert.equal(m.perImage.length, 3);
  assert.ok(Number.isNaN(m.perImage[2].f1Pos));
});
