// Contours: the GeoJSON polygons, rasterised back at pixel centres, give the
// mask again (holes included), and the file is valid GeoJSON in QuPath's
// annotation form.
import assert from "node:assert/strict";
import { check } from "@placemarkio/check-geojson";
import { BitGrid } from "./bit_grid.ts";
import { maskPolygons, signedArea2, traceRings } from "./marching_squares.ts";
import { type AnnotationCollection, polygonsToGeoJson } from "./geojson.ts";
import { Rng } from "../util/rng.ts";

/**
 * Even-odd fill of every ring of every feature at the centres of a w x h grid
 * of cells `scale` level-0 pixels wide: an independent scanline rasteriser.
 */
function rasterise(fc: AnnotationCollection, w: number, h: number, scale: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (const f of fc.features) {
    for (const ring of f.geometry.coordinates) {
      for (let y = 0; y < h; y++) {
        const cy = (y + 0.5) * scale;
        const xs: number[] = [];
        for (let i = 0; i + 1 < ring.length; i++) {
          const [x0, y0] = ring[i], [x1, y1] = ring[i + 1];
          if ((y0 > cy) !== (y1 > cy)) xs.push(x0 + ((cy - y0) * (x1 - x0)) / (y1 - y0));
        }
        for (const xc of xs) {
          // Toggle every cell whose centre lies left of the crossing: even-odd by parity.
          for (let x = 0; x < w && (x + 0.5) * scale < xc; x++) out[y * w + x] ^= 1;
        }
      }
    }
  }
  return out;
}

function iou(a: Uint8Array, b: ArrayLike<number>): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] && b[i] ? 1 : 0;
    union += a[i] || b[i] ? 1 : 0;
  }
  return union === 0 ? 1 : inter / union;
}

/** Blobs with holes, islands in holes, single pixels, diagonal touches and edge contact. */
function testMask(w: number, h: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const m = new Uint8Array(w * h);
  for (let k = 0; k < 6; k++) {
    const cx = rng.uniform(0, w), cy = rng.uniform(0, h), r = rng.uniform(4, w / 4);
    const hole = rng.uniform(0, 0.6) * r;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = Math.hypot(x - cx, (y - cy) * 1.3);
        if (d < r && d >= hole) m[y * w + x] = 1;
        if (d < hole * 0.3) m[y * w + x] = 1; // an island inside the hole
      }
    }
  }
  for (let k = 0; k < 40; k++) m[rng.int(h) * w + rng.int(w)] ^= 1; // speckle
  m[0] = 1, m[w + 1] = 1; // a diagonal touch in the corner
  return m;
}

Deno.test("a ring keeps the foreground on its left; holes wind the other way", () => {
  const g = BitGrid.from(3, 3, [1, 1, 1, 1, 0, 1, 1, 1, 1]);
  const rings = traceRings(g);
  assert.equal(rings.length, 2);
  const areas = rings.map(signedArea2).sort((a, b) => a - b);
  // Outer: the 3x3 block with its corners cut (9 - 4 * 1/8); hole: a diamond of area 1/2.
  assert.deepEqual(areas.map((a) => a / 2), [-(9 - 0.5), 0.5]);
  const polygons = maskPolygons(g);
  assert.equal(polygons.length, 1);
  assert.equal(polygons[0].length, 2);
});

Deno.test("pixels touching at a corner are separate regions (4-connected)", () => {
  const g = BitGrid.from(2, 2, [1, 0, 0, 1]);
  assert.equal(maskPolygons(g).length, 2);
});

for (const seed of [1, 2, 3]) {
  Deno.test(`contours rasterise back to the mask (IoU 1, holes kept), seed ${seed}`, () => {
    const w = 97, h = 73, scale = 4;
    const mask = testMask(w, h, seed);
    const polygons = maskPolygons(BitGrid.from(w, h, mask));
    assert.ok(polygons.some((p) => p.length > 1), "the mask has holes");
    const fc = polygonsToGeoJson(polygons, { name: "Tumor", color: [200, 0, 0] }, {
      x: scale,
      y: scale,
    });
    const back = rasterise(fc, w, h, scale);
    // The contour passes midway between pixel centres, so each centre falls on
    // its own side: the raster is exact, stricter than the IoU >= 0.99 asked.
    assert.equal(iou(back, mask), 1);
  });
}

Deno.test("the GeoJSON validates and has QuPath's annotation fields", () => {
  const w = 64, h = 48;
  const polygons = maskPolygons(BitGrid.from(w, h, testMask(w, h, 5)));
  const fc = polygonsToGeoJson(polygons, { name: "Tumor", color: [200, 0, 0] }, { x: 2, y: 2 });
  // check() throws on RFC 7946 structure errors (types, closed rings, positions); it does not
  // check winding, so that is checked below: outer rings counter-clockwise, holes clockwise.
  const parsed = check(JSON.stringify(fc)) as unknown as AnnotationCollection;
  assert.equal(parsed.type, "FeatureCollection");
  assert.equal(parsed.features.length, polygons.length);
  for (const f of parsed.features) {
    assert.match(f.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(f.properties.objectType, "annotation");
    assert.deepEqual(f.properties.classification, { name: "Tumor", color: [200, 0, 0] });
    f.geometry.coordinates.forEach((ring, i) => {
      assert.deepEqual(ring[0], ring[ring.length - 1]);
      const area = signedArea2(ring.slice(0, -1).flat());
      assert.ok(i === 0 ? area > 0 : area < 0, `ring ${i} winds the wrong way`);
    });
  }
});
