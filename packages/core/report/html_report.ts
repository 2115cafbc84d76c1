/**
 * The evaluation report as one self-contained HTML file: the scores table,
 * training curves and histograms of the per-image scores (F1+, F1-, mask
 * area) as inline SVG, and every image's picture (image, ground truth,
 * prediction, colour bar) inline, sorted from the worst F1+ to the best and
 * shown at its own pixel size, so that pictures made at one scale stay at
 * one scale. No scripts, no external resources: it opens in a browser with
 * no network.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlReport } from "./html_report.ts";
 * const html = htmlReport({
 *   title: "eval <synthetic>",
 *   subtitle: "",
 *   table: { headers: ["method", "F1+"], rows: [["min-max", "54.1"]] },
 *   images: [],
 * });
 * assert.ok(html.startsWith("<!doctype html>"));
 * assert.match(html, /eval &#60;synthetic&#62;/); // text is escaped
 * ```
 * @module
 */
import { encodeBase64 } from "../util/base64.ts";
import { escapeXml, histogram, lineChart, type Series } from "./svg_charts.ts";

/** One evaluated image. */
export interface ReportImage {
  id: string;
  label: string;
  predicted: string;
  /** Dice of the foreground at the threshold, in percent. */
  f1Pos: number;
  /** Dice of the background at the threshold, in percent. */
  f1Neg: number;
  maskArea: number;
  picture: ReportPicture;
}

/** An encoded picture (WebP, JPEG or PNG) and its size in pixels. */
export interface ReportPicture {
  bytes: Uint8Array;
  /** `image/webp`, `image/jpeg` or `image/png`. */
  mediaType: string;
  width: number;
  height: number;
}

/** One epoch of a run's history (the fields the curves use). */
export interface ReportEpoch {
  epoch: number;
  train: { total: number; seg: number; pos: number; neg: number };
  valid?: { classError: number; f1Pos: number; f1Neg: number; pxap: number };
}

/** What the report shows. */
export interface ReportInput {
  title: string;
  subtitle: string;
  table: { headers: string[]; rows: string[][] };
  legend?: string;
  images: ReportImage[];
  history?: ReportEpoch[];
  /** A baseline's run has one classification loss, not min-max's three terms. */
  singleLoss?: boolean;
}

const CSS =
  `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}
.sub{color:#555}table{border-collapse:collapse}td,th{padding:.2rem .7rem;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem}
.figs{display:flex;flex-wrap:wrap;gap:1rem 1.5rem;overflow-x:auto}figure{margin:0 0 .5rem}
figure img{display:block;max-width:none;border:1px solid #ddd}
figcaption{font-size:12px;color:#444;max-width:40rem}.wrong{color:#b00;font-weight:600}`;

function table(t: ReportInput["table"]): string {
  const head = t.headers.map((h) => `<th>${escapeXml(h)}</th>`).join("");
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function curves(history: ReportEpoch[], singleLoss: boolean): string {
  const at = (f: (e: ReportEpoch) => number | undefined): [number, number][] =>
    history.map((e) => [e.epoch + 1, f(e) ?? NaN]);
  const losses: Series[] = singleLoss
    ? [{ name: "cross-entropy", points: at((e) => e.train.total) }]
    : [
      { name: "total", points: at((e) => e.train.total) },
      { name: "L_seg", points: at((e) => e.train.seg) },
      { name: "L_pos", points: at((e) => e.train.pos) },
      { name: "L_neg", points: at((e) => e.train.neg) },
    ];
  const valid: Series[] = [
    { name: "F1+", points: at((e) => e.valid?.f1Pos) },
    { name: "F1-", points: at((e) => e.valid?.f1Neg) },
    { name: "PxAP", points: at((e) => e.valid?.pxap) },
    { name: "cl. error %", points: at((e) => e.valid?.classError) },
  ];
  return `<div class="charts">${
    lineChart(losses, {
      xLabel: "epoch",
      yLabel: "training loss",
      title: "training losses",
      integerX: true,
    })
  }${
    lineChart(valid, { xLabel: "epoch", yLabel: "%", title: "validation metrics", integerX: true })
  }</div>`;
}

function histograms(images: ReportImage[]): string {
  const h = (values: number[], what: string, color: string) =>
    `${
      histogram(values, {
        bins: 20,
        min: 0,
        max: 100,
        xLabel: what,
        title: `histogram of ${what}`,
        color,
      })
    }`;
  return `<div class="charts">${h(images.map((im) => im.f1Pos), "per-image F1+ (%)", "#1f77b4")}${
    h(images.map((im) => im.f1Neg), "per-image F1- (%)", "#ff7f0e")
  }${
    h(images.map((im) => 100 * im.maskArea), "predicted mask area (% of the image)", "#2ca02c")
  }</div>`;
}

function figure(im: ReportImage): string {
  const wrong = im.label !== im.predicted;
  const p = im.picture;
  return `<figure><img alt="${
    escapeXml(im.id)
  }" width="${p.width}" height="${p.height}" src="data:${escapeXml(p.mediaType)};base64,${
    encodeBase64(p.bytes)
  }"><figcaption>${escapeXml(im.id)}: F1+ ${im.f1Pos.toFixed(1)}, F1- ${
    im.f1Neg.toFixed(1)
  }, mask ${(100 * im.maskArea).toFixed(1)}%; label ${escapeXml(im.label)}, predicted <span${
    wrong ? ' class="wrong"' : ""
  }>${escapeXml(im.predicted)}</span></figcaption></figure>`;
}

/**
 * The report's HTML.
 *
 * @param r the title, the scores table, the images and the history.
 * @returns one self-contained HTML page.
 */
export function htmlReport(r: ReportInput): string {
  const sorted = [...r.images].sort((a, b) => a.f1Pos - b.f1Pos || a.id.localeCompare(b.id));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(r.title)}</title>
<style>${CSS}</style></head><body>
<h1>${escapeXml(r.title)}</h1><p class="sub">${escapeXml(r.subtitle)}</p>
<h2>Scores</h2>${table(r.table)}${r.legend ? `<p class="sub">${escapeXml(r.legend)}</p>` : ""}
${
    r.history && r.history.length > 0
      ? `<h2>Training curves</h2>${curves(r.history, r.singleLoss ?? false)}`
      : ""
  }
<h2>Per-image scores</h2>${histograms(r.images)}
<h2>Images, worst to best F1+</h2>
<div class="figs">
${sorted.map(figure).join("\n")}
</div>
</body></html>
`;
}
