import assert from "node:assert/strict";
import { blendWeights, planTiles, tileStarts } from "./tiling.ts";
import { MapStitcher } from "./stitcher.ts";

Deno.test("tileStarts covers the axis, the last tile ending on the edge", () => {
  assert.deepEqual(tileStarts(1000, 1024, 128), [0]);
  assert.deepEqual(tileStarts(1024, 1024, 128), [0]);
  // Neighbours overlap by at least `overlap`: 0 and 976 would share only 48 pixels.
  assert.deepEqual(tileStarts(2000, 1024, 128), [0, 896, 976]);
  assert.deepEqual(tileStarts(2700, 1024, 128), [0, 896, 1676]);
  assert.throws(() => tileStarts(100, 64, 64), /overlap/);
});

Deno.test("planTiles lists tiles row by row", () => {
  const p = planTiles(2000, 900, 1024, 128);
  assert.equal(p.count, 3);
  const boxes = p.rows[0].map((t) => [t.x, t.y, t.width, t.height]);
  assert.deepEqual(boxes, [[0, 0, 1024, 900], [896, 0, 1024, 900], [976, 0, 1024, 900]]);
});

Deno.test("blendWeights ramps only where a neighbour overlaps, never to 0", () => {
  const w = blendWeights(0, 8, 20, 4);
  assert.deepEqual([...w], [1, 1, 1, 1, 0.875, 0.625, 0.375, 0.125]);
  const mid = blendWeights(4, 8, 20, 4);
  assert.deepEqual([...mid], [0.125, 0.375, 0.625, 0.875, 0.875, 0.625, 0.375, 0.125]);
  // Two tiles' ramps across their overlap sum to 1: a linear cross-fade.
  for (let i = 0; i < 4; i++) assert.equal(w[4 + i] + mid[i], 1);
});

Deno.test("MapStitcher blends overlaps and averages factor x factor blocks", async () => {
  const rows: number[][] = [];
  const s = new MapStitcher(6, 2, 2, 2, (_y, v, c) => void rows.push([...v, ...c]));
  const ones = (n: number) => new Float32Array(n).fill(1);
  s.add(0, 0, 4, 2, new Float32Array(8).fill(0.2), ones(4), ones(2));
  s.add(2, 0, 4, 2, new Float32Array(8).fill(0.6), Float32Array.of(3, 1, 1, 1), ones(2));
  await s.finish();
  // Map pixel 1 holds analysis columns 2-3 of both rows: tile A's four pixels (weight 1,
  // value 0.2) and tile B's (weights 3 and 1 per row, value 0.6).
  const v1 = (0.2 * 4 + 0.6 * (3 + 1) * 2) / (4 + (3 + 1) * 2);
  assert.equal(rows.length, 1);
  assert.ok(Math.abs(rows[0][0] - 0.2) < 1e-7);
  assert.ok(Math.abs(rows[0][1] - v1) < 1e-6, `${rows[0][1]} vs ${v1}`);
  assert.ok(Math.abs(rows[0][2] - 0.6) < 1e-7);
  assert.deepEqual(rows[0].slice(3), [1, 1, 1]);
});

Deno.test("MapStitcher's memory does not grow with the slide's height", () => {
  const small = new MapStitcher(50_000, 1_000, 4, 1024, () => {});
  const tall = new MapStitcher(50_000, 1_000_000, 4, 1024, () => {});
  assert.equal(tall.bandBytes, small.bandBytes);
  assert.equal(tall.bandBytes, 2 * 4 * 12_500 * (256 + 2));
});

Deno.test("MapStitcher emits untouched rows as uncovered zeros and refuses late tiles", async () => {
  const seen: [number, number, number][] = [];
  const s = new MapStitcher(4, 40, 1, 4, (y, v, c) => void seen.push([y, v[0], c[0]]));
  s.add(
    0,
    0,
    4,
    4,
    new Float32Array(16).fill(0.5),
    new Float32Array(4).fill(1),
    new Float32Array(4).fill(1),
  );
  await s.emitBefore(30);
  assert.equal(seen.length, 30);
  assert.deepEqual(seen[3], [3, 0.5, 1]);
  assert.deepEqual(seen[20], [20, 0, 0]);
  assert.throws(
    () => s.add(0, 20, 4, 4, new Float32Array(16), new Float32Array(4), new Float32Array(4)),
    /already emitted/,
  );
  await s.finish();
  assert.equal(seen.length, 40);
});
