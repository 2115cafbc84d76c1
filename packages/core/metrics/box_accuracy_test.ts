import assert from "node:assert/strict";
import {
  bestIouPerThreshold,
  type Box,
  BoxAccuracyAccumulator,
  boxesFromMask,
  boxIou,
  contourBoxes,
} from "./box_accuracy.ts";

/** A width x height 0/1 image from rows of "#" and ".". */
function picture(rows: string[]): { data: Uint8Array; width: number; height: number } {
  const width = rows[0].length;
  const data = Uint8Array.from(rows.join(""), (c) => (c === "#" ? 1 : 0));
  return { data, width, height: rows.length };
}

const sorted = (boxes: Box[]) => boxes.map((b) => b.join(",")).sort();

Deno.test("boxIou uses wsolevaluation's inclusive areas", () => {
  assert.equal(boxIou([0, 0, 1, 1], [0, 0, 1, 1]), 1);
  assert.equal(boxIou([0, 0, 1, 1], [1, 1, 2, 2]), 1 / 7); // one shared pixel, 4 + 4 - 1
  assert.equal(boxIou([0, 0, 1, 1], [3, 3, 4, 4]), 0);
  assert.equal(boxIou([0, 0, 0, 0], [0, 0, 0, 0]), 1); // a point is one pixel
  assert.equal(boxIou([1, 0, 3, 0], [1, 0, 2, 0]), 2 / 3);
});

Deno.test("contour boxes: the x + w rule, clipping at the edge, 8-connected objects", () => {
  assert.deepEqual(contourBoxes(new Uint8Array(12), 4, 3), [[0, 0, 0, 0]]);
  const one = picture([".....", "..#..", ".....", "....."]);
  assert.deepEqual(contourBoxes(one.data, one.width, one.height), [[2, 1, 3, 2]]);
  const corner = picture([".....", ".....", ".....", "....#"]);
  assert.deepEqual(contourBoxes(corner.data, corner.width, corner.height), [[4, 3, 4, 3]]);
  const diagonal = picture(["......", ".#....", "..#...", "......", "....##"]);
  assert.deepEqual(sorted(contourBoxes(diagonal.data, 6, 5)), sorted([[1, 1, 3, 3], [4, 4, 5, 4]]));
});

Deno.test("contour boxes: each enclosed 4-connected hole adds its box grown by one pixel", () => {
  // Two holes touching only diagonally are two holes (the background is 4-connected).
  const holes = picture([
    "......",
    ".####.",
    ".#.##.",
    ".##.#.",
    ".####.",
    "......",
  ]);
  assert.deepEqual(
    sorted(contourBoxes(holes.data, 6, 6)),
    sorted([[1, 1, 5, 5], [1, 1, 4, 4], [2, 2, 5, 5]]),
  );
  // A bay open to the edge is no hole.
  const bay = picture(["#####", "#....", "#####"]);
  assert.deepEqual(contourBoxes(bay.data, 5, 3), [[0, 0, 4, 2]]);
});

Deno.test("the threshold sweep quantises to 8 bits and cuts above int(t * max)", () => {
  // uint8 of [0.2, 0.5, 1, 0] * 255 is [51, 127, 255, 0] (127.5 truncates to 127).
  const best = bestIouPerThreshold(new Float32Array([0.2, 0.5, 1, 0]), 4, 1, [[1, 0, 2, 0]]);
  // t = 0 .. 0.19: cut < 51, three pixels: [0, 0, 3, 0], IoU 2/4.
  // t = 0.2 .. 0.49: int(0.2 * 255) = 51 drops the first pixel: [1, 0, 3, 0], IoU 2/3.
  // t >= 0.5: int(127.5) = 127, only the brightest: [2, 0, 3, 0], IoU 1/3.
  for (let k = 0; k < 100; k++) {
    assert.equal(best[k], k < 20 ? 0.5 : k < 50 ? 2 / 3 : 1 / 3, `t = ${k / 100}`);
  }
});

Deno.test("MaxBoxAccV2 takes the best threshold for the set, then averages over IoU 30/50/70", () => {
  const acc = new BoxAccuracyAccumulator();
  // Image A: IoU 2/3 for t in [0.2, 0.5), 1/2 below, 1/3 above (see the test above).
  acc.add(new Float32Array([0.2, 0.5, 1, 0]), 4, 1, [[1, 0, 2, 0]]);
  // Image B: a one-pixel box matches its ground truth exactly only at t >= 0.5.
  acc.add(new Float32Array([0.3, 1, 0, 0, 0]), 5, 1, [[1, 0, 1, 0]]);
  // B: t < 0.3 (cut < 76): [0, 0, 2, 0], IoU 1/3; t >= 0.3 (cut 76): [1, 0, 2, 0], IoU 1/2.
  const r = acc.compute();
  // IoU 30: both images at every threshold. IoU 50: both for t in [0.3, 0.5).
  // IoU 70: never.
  assert.deepEqual(r.maxBoxAcc, { 30: 100, 50: 100, 70: 0 });
  assert.equal(r.bestThreshold[50], 0.3);
  assert.equal(r.maxBoxAccV2, 200 / 3);
  assert.equal(r.images, 2);
  assert.throws(() => new BoxAccuracyAccumulator().compute(), /no images/);
  assert.throws(() => acc.add(new Float32Array([2]), 1, 1, [[0, 0, 0, 0]]), /outside \[0, 1\]/);
});

Deno.test("ground-truth boxes from a mask: one inclusive box per 8-connected region", () => {
  const m = picture(["##....", "##....", "..#...", ".....#"]);
  assert.deepEqual(sorted(boxesFromMask(m.data, 6, 4)), sorted([[0, 0, 2, 2], [5, 3, 5, 3]]));
  assert.deepEqual(boxesFromMask(new Uint8Array(4), 2, 2), []);
});

Deno.test("boxes and IoUs match OpenCV's contours on every map and threshold", async () => {
  // tests/fixtures/make_box_fixtures.py: cv2.findContours(RETR_TREE) + boundingRect, as
  // wsolevaluation uses them, on blobs, rings, noise and edge-touching maps.
  const ref = JSON.parse(
    await Deno.readTextFile(
      new URL("../../../tests/fixtures/box_accuracy_cv2.json", import.meta.url),
    ),
  ) as {
    cases: {
      width: number;
      height: number;
      scores: number[];
      gt: Box[];
      boxes: Box[][];
      bestIou: number[];
    }[];
    maxBoxAcc: Record<string, number>;
  };
  const acc = new BoxAccuracyAccumulator();
  let holes = 0;
  for (const [i, c] of ref.cases.entries()) {
    const scores = new Float32Array(c.scores);
    const max = scores.reduce((a, b) => Math.max(a, Math.trunc(b * 255)), 0);
    for (let k = 0; k < 100; k++) {
      const cut = Math.trunc((k * 0.01) * max);
      const binary = scores.map((v) => (Math.trunc(v * 255) > cut ? 1 : 0));
      const got = contourBoxes(binary, c.width, c.height);
      assert.deepEqual(sorted(got), sorted(c.boxes[k]), `case ${i}, t = ${k / 100}`);
      // Boxes beyond one per object are OpenCV's hole borders.
      holes += c.boxes[k].length - Math.max(1, boxesFromMask(binary, c.width, c.height).length);
    }
    const best = bestIouPerThreshold(scores, c.width, c.height, c.gt);
    // Same integer areas, same division: exact.
    assert.deepEqual([...best], c.bestIou, `case ${i}`);
    acc.add(scores, c.width, c.height, c.gt);
  }
  const r = acc.compute();
  assert.deepEqual(r.maxBoxAcc, {
    30: ref.maxBoxAcc["30"],
    50: ref.maxBoxAcc["50"],
    70: ref.maxBoxAcc["70"],
  });
  assert.ok(holes > 10, `the fixture exercises holes (${holes})`);
});
