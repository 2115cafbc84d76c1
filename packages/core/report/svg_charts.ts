/**
 * Small inline SVG charts for reports that must open with no network: a
 * line chart (training curves) and a histogram. Plain strings, no scripts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binCounts, histogram } from "./svg_charts.ts";
 * assert.deepEqual(binCounts([0.1, 0.5, 0.52, 0.9], 2, 0, 1), [1, 3]);
 * const svg = histogram([0.1, 0.5, 0.52, 0.9], { bins: 10, min: 0, max: 1, xLabel: "F1-" });
 * assert.ok(svg.startsWith("<svg"));
 * ```
 * @module
 */

/** Escapes text for HTML and SVG. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const W = 480, H = 240, L = 48, R = 16, T = 16, B = 40;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

const num = (
  v: number,
) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

function axes(
  xMin: number,
  xMax: number,
  yMin: number,
  yMax: number,
  xLabel: string,
  yLabel: string,
) {
  const sx = (x: number) => L + ((x - xMin) / (xMax - xMin || 1)) * (W - L - R);
  const sy = (y: number) => H - B - ((y - yMin) / (yMax - yMin || 1)) * (H - T - B);
  const ticks = (lo: number, hi: number) =>
    Array.from({ length: 5 }, (_, i) => lo + (i * (hi - lo)) / 4);
  let g = `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>` +
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`;
  for (const x of ticks(xMin, xMax)) {
    g += `<text x="${sx(x).toFixed(1)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${
      num(x)
    }</text>`;
  }
  for (const y of ticks(yMin, yMax)) {
    g +=
      `<text x="${L - 4}" y="${(sy(y) + 3).toFixed(1)}" font-size="10" text-anchor="end">${
        num(y)
      }</text>` +
      `<line x1="${L}" y1="${sy(y).toFixed(1)}" x2="${W - R}" y2="${
        sy(y).toFixed(1)
      }" stroke="#eee"/>`;
  }
  g +=
    `<text x="${(L + W - R) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${
      escapeXml(xLabel)
    }</text>` +
    `<text x="12" y="${
      (T + H - B) / 2
    }" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(T + H - B) / 2})">${
      escapeXml(yLabel)
    }</text>`;
  return { g, sx, sy };
}

/** A line series. */
export interface Series {
  name: string;
  points: [number, number][];
}

/** Lines over a shared x axis, with a legend. */
export function lineChart(
  series: Series[],
  o: { xLabel: string; yLabel: string; title?: string },
): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) =>
    Number.isFinite(x) && Number.isFinite(y)
  );
  if (all.length === 0) {
    return `<svg width="${W}" height="${H}"></svg>`;
  }
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const { g, sx, sy } = axes(
    Math.min(...xs),
    Math.max(...xs),
    Math.min(0, ...ys),
    Math.max(...ys),
    o.xLabel,
    o.yLabel,
  );
  let body = g;
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    body += `<polyline fill="none" stroke="${c}" stroke-width="1.8" points="${
      pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ")
    }"/>`;
    body += `<text x="${W - R - 4}" y="${
      T + 12 + 13 * i
    }" font-size="11" text-anchor="end" fill="${c}">${escapeXml(s.name)}</text>`;
  });
  const title = o.title ? `<title>${escapeXml(o.title)}</title>` : "";
  return `<svg width="${W}" height="${H}" role="img">${title}${body}</svg>`;
}

/** Counts of `values` in `bins` equal bins over [min, max] (the last bin includes max). */
export function binCounts(values: number[], bins: number, min: number, max: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!(v >= min && v <= max)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins))]++;
  }
  return counts;
}

/** A histogram of `values` over [min, max]. */
export function histogram(
  values: number[],
  o: { bins: number; min: number; max: number; xLabel: string; title?: string },
): string {
  const counts = binCounts(values, o.bins, o.min, o.max);
  const top = Math.max(1, ...counts);
  const { g, sx, sy } = axes(o.min, o.max, 0, top, o.xLabel, "images");
  let body = g;
  const width = (o.max - o.min) / o.bins;
  counts.forEach((n, i) => {
    if (n === 0) return;
    const x0 = sx(o.min + i * width), x1 = sx(o.min + (i + 1) * width);
    body += `<rect x="${(x0 + 0.5).toFixed(1)}" y="${sy(n).toFixed(1)}" width="${
      (x1 - x0 - 1).toFixed(1)
    }" height="${(sy(0) - sy(n)).toFixed(1)}" fill="#1f77b4"><title>${n} images in [${
      num(o.min + i * width)
    }, ${num(o.min + (i + 1) * width)})</title></rect>`;
  });
  const title = o.title ? `<title>${escapeXml(o.title)}</title>` : "";
  return `<svg width="${W}" height="${H}" role="img">${title}${body}</svg>`;
}
