import assert from "node:assert/strict";
import { type PathCommand, rasterizePath } from "./raster.ts";

const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
const polygon = (pts: [number, number][]): PathCommand[] => [
  { type: "M", x: pts[0][0], y: pts[0][1] },
  ...pts.slice(1).map(([x, y]) => ({ type: "L" as const, x, y })),
  { type: "Z" },
];

Deno.test("a pixel-aligned square covers its pixels fully and nothing else", () => {
  const cov = rasterizePath(polygon([[1, 1], [3, 1], [3, 3], [1, 3]]), 5, 4);
  const want = [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0];
  assert.deepEqual(Array.from(cov), want);
  // The winding direction does not matter.
  assert.deepEqual(
    Array.from(rasterizePath(polygon([[1, 1], [1, 3], [3, 3], [3, 1]]), 5, 4)),
    want,
  );
});

Deno.test("partly covered pixels get their exact covered area", () => {
  // A square from (0.5, 0.25) to (2.5, 1.75): corner pixels 0.5 x 0.75 = 0.375.
  const cov = rasterizePath(polygon([[0.5, 0.25], [2.5, 0.25], [2.5, 1.75], [0.5, 1.75]]), 3, 2);
  const want = [0.375, 0.75, 0.375, 0.375, 0.75, 0.375];
  cov.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${i}: ${v} vs ${want[i]}`));
  // A right triangle with legs 4 and 3: area 6, the diagonal pixels half covered or so.
  const tri = rasterizePath(polygon([[0, 0], [4, 0], [0, 3]]), 4, 3);
  assert.ok(Math.abs(sum(tri) - 6) < 1e-5, `${sum(tri)}`);
  assert.ok(Math.abs(tri[0] - 1) < 1e-6 && Math.abs(tri[2 * 4 + 3]) < 1e-6);
});

Deno.test("curves are flattened finely: a circle of cubic arcs has area pi r^2", () => {
  const r = 10, cx = 12, cy = 12, k = 0.5523 * r;
  const c: PathCommand[] = [
    { type: "M", x: cx + r, y: cy },
    { type: "C", x1: cx + r, y1: cy + k, x2: cx + k, y2: cy + r, x: cx, y: cy + r },
    { type: "C", x1: cx - k, y1: cy + r, x2: cx - r, y2: cy + k, x: cx - r, y: cy },
    { type: "C", x1: cx - r, y1: cy - k, x2: cx - k, y2: cy - r, x: cx, y: cy - r },
    { type: "C", x1: cx + k, y1: cy - r, x2: cx + r, y2: cy - k, x: cx + r, y: cy },
    { type: "Z" },
  ];
  const cov = rasterizePath(c, 24, 24);
  // Cubic arcs stray 0.03% from the circle; chords within 0.05 px of them lose about 0.5%.
  assert.ok(Math.abs(sum(cov) / (Math.PI * r * r) - 1) < 0.01, `${sum(cov)}`);
  // A square with a square hole (wound the other way): the area of the difference.
  const ring: PathCommand[] = [
    ...polygon([[2, 2], [22, 2], [22, 22], [2, 22]]),
    ...polygon([[7, 7], [7, 17], [17, 17], [17, 7]]),
  ];
  assert.ok(Math.abs(sum(rasterizePath(ring, 24, 24)) - 300) < 1e-3);
});

Deno.test("quadratic curves are filled too: a parabolic segment has 2/3 of its box", () => {
  // From (0, 8) up to the control point (8, -8) and down to (16, 8), closed by the base:
  // the parabola peaks at y = 0, so the segment is 2/3 of the 16 x 8 box.
  const cov = rasterizePath(
    [
      { type: "M", x: 0, y: 8 },
      { type: "Q", x1: 8, y1: -8, x: 16, y: 8 },
      { type: "Z" },
    ],
    16,
    8,
  );
  assert.ok(Math.abs(sum(cov) / ((2 / 3) * 128) - 1) < 0.01, `${sum(cov)}`);
});

Deno.test("shapes past the grid's edges are clipped, not wrapped", () => {
  const cov = rasterizePath(polygon([[-2, -1], [2, -1], [2, 6], [-2, 6]]), 4, 3);
  assert.deepEqual(Array.from(cov), [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
});
