/**
 * Small inline SVG charts for reports that must open with no network: a
 * line chart (training curves) and a histogram. Plain strings, no scripts.
 * Axes get round-number ticks ({@link niceTicks}); a line chart's legend
 * sits in its own column right of the plot, where no curve can cross it.
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
import { niceTicks } from "./ticks.ts";

/** Escapes text for HTML and SVG. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const H = 240, L = 52, T = 12, B = 40;
const PLOT_W = 400, HIST_W = 300, LEGEND_W = 100, R = 12;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

interface AxisSpec {
  lo: number;
  hi: number;
  label: string;
  /** Whole-number ticks only (epochs, counts). */
  integer?: boolean;
}

/** Frame, ticks, grid lines and axis titles of a plot `plotW` wide starting at x = L. */
function axes(x: AxisSpec, y: AxisSpec, plotW: number) {
  const ax = niceTicks(x.lo, x.hi, 6, x.integer);
  const ay = niceTicks(y.lo, y.hi, 5, y.integer);
  const [x0, x1] = ax.domain, [y0, y1] = ay.domain;
  const sx = (v: number) => L + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (v: number) => H - B - ((v - y0) / (y1 - y0 || 1)) * (H - T - B);
  const f = (v: number) => v.toFixed(1);
  let g = "";
  ay.ticks.forEach((t, i) => {
    g += `<line x1="${L}" y1="${f(sy(t))}" x2="${L + plotW}" y2="${f(sy(t))}" stroke="#e5e5e5"/>` +
      `<text x="${L - 5}" y="${f(sy(t) + 3.5)}" font-size="10" text-anchor="end">${
        ay.labels[i]
      }</text>`;
  });
  ax.ticks.forEach((t, i) => {
    g += `<line x1="${f(sx(t))}" y1="${H - B}" x2="${f(sx(t))}" y2="${H - B + 4}" stroke="#333"/>` +
      `<text x="${f(sx(t))}" y="${H - B + 15}" font-size="10" text-anchor="middle">${
        ax.labels[i]
      }</text>`;
  });
  g += `<line x1="${L}" y1="${H - B}" x2="${L + plotW}" y2="${H - B}" stroke="#333"/>` +
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>` +
    `<text x="${L + plotW / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${
      escapeXml(x.label)
    }</text>` +
    `<text x="13" y="${
      (T + H - B) / 2
    }" font-size="11" text-anchor="middle" transform="rotate(-90 13 ${(T + H - B) / 2})">${
      escapeXml(y.label)
    }</text>`;
  return { g, sx, sy };
}

/** A line series. */
export interface Series {
  name: string;
  points: [number, number][];
}

const svg = (width: number, title: string | undefined, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" role="img" font-family="system-ui,sans-serif">${
    title ? `<title>${escapeXml(title)}</title>` : ""
  }${body}</svg>`;

/**
 * Lines over a shared x axis, with a legend beside the plot.
 *
 * @param series the lines, each named.
 * @param o the axis labels, the title, whole-number x ticks.
 * @returns the SVG.
 */
export function lineChart(
  series: Series[],
  o: { xLabel: string; yLabel: string; title?: string; integerX?: boolean },
): string {
  const width = L + PLOT_W + R + LEGEND_W;
  const all = series.flatMap((s) => s.points).filter(([x, y]) =>
    Number.isFinite(x) && Number.isFinite(y)
  );
  if (all.length === 0) return svg(width, o.title, "");
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  const { g, sx, sy } = axes(
    { lo: Math.min(...xs), hi: Math.max(...xs), label: o.xLabel, integer: o.integerX },
    { lo: Math.min(0, ...ys), hi: Math.max(...ys), label: o.yLabel },
    PLOT_W,
  );
  let body = g;
  let row = 0;
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 0) return;
    body += `<polyline fill="none" stroke="${c}" stroke-width="1.8" points="${
      pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ")
    }"/>`;
    // A single point draws no line: mark it.
    if (pts.length === 1) {
      body += `<circle cx="${sx(pts[0][0]).toFixed(1)}" cy="${
        sy(pts[0][1]).toFixed(1)
      }" r="2.5" fill="${c}"/>`;
    }
    const ly = T + 10 + 16 * row++;
    const lx = L + PLOT_W + R;
    body +=
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 16}" y2="${
        ly - 4
      }" stroke="${c}" stroke-width="2.5"/>` +
      `<text x="${lx + 21}" y="${ly}" font-size="11">${escapeXml(s.name)}</text>`;
  });
  return svg(width, o.title, body);
}

/**
 * Counts of `values` in `bins` equal bins over [min, max] (the last bin includes max).
 *
 * @param values the values.
 * @param bins the number of bins.
 * @param min the first bin's lower edge.
 * @param max the last bin's upper edge.
 */
export function binCounts(values: number[], bins: number, min: number, max: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!(v >= min && v <= max)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins))]++;
  }
  return counts;
}

/**
 * A histogram of `values` over [min, max]; values outside it (or NaN) are left out.
 *
 * @param values the values.
 * @param o bins, range, axis label, title and colour.
 * @returns the SVG.
 */
export function histogram(
  values: number[],
  o: { bins: number; min: number; max: number; xLabel: string; title?: string; color?: string },
): string {
  const counts = binCounts(values, o.bins, o.min, o.max);
  const top = Math.max(1, ...counts);
  const { g, sx, sy } = axes(
    { lo: o.min, hi: o.max, label: o.xLabel },
    { lo: 0, hi: top, label: "images", integer: true },
    HIST_W,
  );
  let body = g;
  const width = (o.max - o.min) / o.bins;
  const num = (v: number) => Number(v.toPrecision(4)).toString();
  counts.forEach((n, i) => {
    if (n === 0) return;
    const x0 = sx(o.min + i * width), x1 = sx(o.min + (i + 1) * width);
    body += `<rect x="${(x0 + 0.5).toFixed(1)}" y="${sy(n).toFixed(1)}" width="${
      (x1 - x0 - 1).toFixed(1)
    }" height="${(sy(0) - sy(n)).toFixed(1)}" fill="${o.color ?? COLOURS[0]}"><title>${n} image${
      n === 1 ? "" : "s"
    } in [${num(o.min + i * width)}, ${num(o.min + (i + 1) * width)}${
      i === o.bins - 1 ? "]" : ")"
    }</title></rect>`;
  });
  return svg(L + HIST_W + R, o.title, body);
}
