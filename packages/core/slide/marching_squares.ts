/**
 * Contours of a binary mask by marching squares, as closed rings through the
 * midpoints between pixel centres (pixel (i, j) spans [i, i+1) x [j, j+1), so
 * its centre is (i + 0.5, j + 0.5)). Foreground is 4-connected: pixels that
 * touch only at a corner are separate regions (the saddle cells are split
 * that way). Every ring keeps the foreground on its left in image
 * coordinates; vertices where the direction does not change are dropped,
 * which loses nothing. {@link maskPolygons} groups the rings into polygons:
 * an outer ring and the holes it contains.
 *
 * @example
 * ```ts
 * import { BitGrid } from "./bit_grid.ts";
 * import { maskPolygons } from "./marching_squares.ts";
 * const g = BitGrid.from(3, 3, [1, 1, 1, 1, 0, 1, 1, 1, 1]);
 * const polygons = maskPolygons(g);
 * [polygons.length, polygons[0].length]; // [1, 2]: one outer ring and one hole
 * ```
 * @module
 */
import type { BitGrid } from "./bit_grid.ts";

/** A closed ring [x0, y0, x1, y1, ...], the first point not repeated. */
export type Ring = number[];
/** An outer ring followed by its holes. */
export type Polygon = Ring[];

// Sides of a cell: 0 top, 1 right, 2 bottom, 3 left.
const T = 0, R = 1, B = 2, L = 3;
/** For each case (tl=8, tr=4, br=2, bl=1), its segments [from, to] with the inside on the left. */
const SEGMENTS: number[][] = [
  [],
  [B, L],
  [R, B],
  [R, L],
  [T, R],
  [T, R, B, L], // saddle, corners apart
  [T, B],
  [T, L],
  [L, T],
  [B, T],
  [L, T, R, B], // saddle, corners apart
  [R, T],
  [L, R],
  [B, R],
  [L, B],
  [],
];
// Where a side's midpoint sits relative to the cell's centre point (cx, cy).
const DX = [0, 0.5, 0, -0.5];
const DY = [-0.5, 0, 0.5, 0];

/** The cell whose corners are pixels (cx-1, cy-1) .. (cx, cy); cells run 0..width, 0..height. */
function cellCase(g: BitGrid, cx: number, cy: number): number {
  return (g.get(cx - 1, cy - 1) << 3) | (g.get(cx, cy - 1) << 2) | (g.get(cx, cy) << 1) |
    g.get(cx - 1, cy);
}

/** The segment of `kase` that starts on `side`, as its end side, or -1. */
function exitFrom(kase: number, side: number): number {
  const s = SEGMENTS[kase];
  for (let i = 0; i < s.length; i += 2) if (s[i] === side) return s[i + 1];
  return -1;
}

/** Every contour ring of `g`. */
export function traceRings(g: BitGrid): Ring[] {
  const W = g.width + 1; // cells per row
  // Each side of a cell is shared with a neighbour; number them once: horizontal
  // edges (top of cell (cx, cy)) and vertical edges (left of cell (cx, cy)).
  const cellsTall = g.height + 2;
  const visited = new Uint8Array(Math.ceil((2 * (W + 1) * cellsTall) / 8));
  const edgeId = (cx: number, cy: number, side: number) =>
    side === T
      ? 2 * (cy * (W + 1) + cx)
      : side === B
      ? 2 * ((cy + 1) * (W + 1) + cx)
      : side === L
      ? 2 * (cy * (W + 1) + cx) + 1
      : 2 * (cy * (W + 1) + cx + 1) + 1;
  const seen = (id: number) => (visited[id >> 3] >> (id & 7)) & 1;
  const mark = (id: number) => void (visited[id >> 3] |= 1 << (id & 7));
  const rings: Ring[] = [];
  for (let cy = 0; cy <= g.height; cy++) {
    // A cell row touches pixel rows cy-1 and cy: nothing to trace when both are empty.
    if (g.rowEmpty(cy - 1) && g.rowEmpty(cy)) continue;
    for (let cx = 0; cx <= g.width; cx++) {
      const kase = cellCase(g, cx, cy);
      const segs = SEGMENTS[kase];
      for (let s = 0; s < segs.length; s += 2) {
        if (seen(edgeId(cx, cy, segs[s]))) continue;
        rings.push(traceFrom(g, cx, cy, segs[s], edgeId, mark, seen));
      }
    }
  }
  return rings;
}

function traceFrom(
  g: BitGrid,
  startX: number,
  startY: number,
  startSide: number,
  edgeId: (cx: number, cy: number, side: number) => number,
  mark: (id: number) => void,
  seen: (id: number) => number,
): Ring {
  const pts: number[] = [];
  let cx = startX, cy = startY, side = startSide;
  let lastDx = NaN, lastDy = NaN;
  for (;;) {
    const id = edgeId(cx, cy, side);
    if (seen(id)) break;
    mark(id);
    const out = exitFrom(cellCase(g, cx, cy), side);
    if (out < 0) throw new Error(`contour broken at cell (${cx}, ${cy})`);
    const x = cx + DX[side], y = cy + DY[side];
    const dx = DX[out] - DX[side], dy = DY[out] - DY[side];
    // Keep a vertex only where the direction changes.
    if (dx !== lastDx || dy !== lastDy) pts.push(x, y);
    lastDx = dx, lastDy = dy;
    if (out === T) cy--, side = B;
    else if (out === B) cy++, side = T;
    else if (out === L) cx--, side = R;
    else cx++, side = L;
  }
  // The first vertex is redundant when the closing step runs straight through it.
  if (pts.length >= 6) {
    const n = pts.length;
    const ax = pts[0] - pts[n - 2], ay = pts[1] - pts[n - 1];
    const bx = pts[2] - pts[0], by = pts[3] - pts[1];
    if (ax * by - ay * bx === 0 && ax * bx + ay * by > 0) pts.splice(0, 2);
  }
  return pts;
}

/** Twice the signed area of a ring (shoelace, raw coordinates). */
export function signedArea2(ring: Ring): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0; i < n; i += 2) {
    const j = (i + 2) % n;
    s += ring[i] * ring[j + 1] - ring[j] * ring[i + 1];
  }
  return s;
}

/** True when (x, y) is inside `ring` (even-odd rule). */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const yi = ring[i + 1], yj = ring[j + 1];
    if ((yi > y) !== (yj > y)) {
      const xc = ring[i] + ((y - yi) * (ring[j] - ring[i])) / (yj - yi);
      if (x < xc) inside = !inside;
    }
  }
  return inside;
}

/**
 * Point-in-ring queries on a long ring in time proportional to the edges
 * that cross the query's row: edges bucketed by the unit rows they span.
 */
class RingIndex {
  readonly #buckets = new Map<number, number[]>();

  constructor(readonly ring: Ring) {
    const n = ring.length;
    for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
      const lo = Math.floor(Math.min(ring[i + 1], ring[j + 1]));
      const hi = Math.floor(Math.max(ring[i + 1], ring[j + 1]));
      for (let b = lo; b <= hi; b++) {
        let list = this.#buckets.get(b);
        if (list === undefined) this.#buckets.set(b, list = []);
        list.push(i);
      }
    }
  }

  /** Same answer as `pointInRing(x, y, ring)`. */
  contains(x: number, y: number): boolean {
    const ring = this.ring, n = ring.length;
    let inside = false;
    for (const i of this.#buckets.get(Math.floor(y)) ?? []) {
      const j = i === 0 ? n - 2 : i - 2;
      const yi = ring[i + 1], yj = ring[j + 1];
      if ((yi > y) !== (yj > y)) {
        const xc = ring[i] + ((y - yi) * (ring[j] - ring[i])) / (yj - yi);
        if (x < xc) inside = !inside;
      }
    }
    return inside;
  }
}

function bbox(ring: Ring): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    x0 = Math.min(x0, ring[i]), x1 = Math.max(x1, ring[i]);
    y0 = Math.min(y0, ring[i + 1]), y1 = Math.max(y1, ring[i + 1]);
  }
  return [x0, y0, x1, y1];
}

/**
 * The mask's polygons: each outer ring with the holes it directly contains.
 * With the foreground on the left in image coordinates (y down), outer rings
 * have a negative shoelace area and holes a positive one.
 */
export function maskPolygons(g: BitGrid): Polygon[] {
  const rings = traceRings(g);
  const outers: { ring: Ring; area: number; box: number[]; index: RingIndex | null }[] = [];
  const holes: Ring[] = [];
  for (const ring of rings) {
    const a = signedArea2(ring);
    if (a < 0) outers.push({ ring, area: -a, box: bbox(ring), index: null });
    else holes.push(ring);
  }
  // Smallest first: the first outer ring around a hole is the one it belongs to.
  outers.sort((a, b) => a.area - b.area);
  const polygons: Polygon[] = outers.map((o) => [o.ring]);
  // Outer rings by the grid cells their boxes overlap (kept smallest first), so that a
  // hole meets only the rings near it.
  const CELL = 64;
  const across = Math.ceil((g.width + 2) / CELL) + 1;
  const cells = new Map<number, number[]>();
  outers.forEach((o, k) => {
    const [x0, y0, x1, y1] = o.box;
    for (let cy = Math.floor(y0 / CELL); cy <= Math.floor(y1 / CELL); cy++) {
      for (let cx = Math.floor(x0 / CELL); cx <= Math.floor(x1 / CELL); cx++) {
        const key = cy * across + cx;
        let list = cells.get(key);
        if (list === undefined) cells.set(key, list = []);
        list.push(k);
      }
    }
  });
  for (const hole of holes) {
    // Any vertex of a hole lies strictly inside its outer ring (rings never cross).
    const [hx0, hy0, hx1, hy1] = bbox(hole);
    const x = hole[0], y = hole[1];
    let owner = -1;
    for (const k of cells.get(Math.floor(y / CELL) * across + Math.floor(x / CELL)) ?? []) {
      const o = outers[k];
      const [x0, y0, x1, y1] = o.box;
      if (hx0 < x0 || hx1 > x1 || hy0 < y0 || hy1 > y1) continue;
      if (o.ring.length > 256) {
        o.index ??= new RingIndex(o.ring);
        if (o.index.contains(x, y)) owner = k;
      } else if (pointInRing(x, y, o.ring)) owner = k;
      if (owner >= 0) break;
    }
    if (owner < 0) throw new Error("a hole lies outside every outer contour");
    polygons[owner].push(hole);
  }
  return polygons;
}
