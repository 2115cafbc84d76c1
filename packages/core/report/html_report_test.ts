import assert from "node:assert/strict";
import { htmlReport, type ReportImage } from "./html_report.ts";
import { binCounts, histogram, lineChart } from "./svg_charts.ts";

const picture = {
  bytes: new Uint8Array([82, 73, 70, 70]),
  mediaType: "image/webp",
  width: 300,
  height: 120,
};
const image = (id: string, f1Pos: number, f1Neg: number, predicted = "a"): ReportImage => ({
  id,
  label: "a",
  predicted,
  f1Pos,
  f1Neg,
  maskArea: 0.25,
  picture,
});

Deno.test("histogram bins are counted as hand-computed, the top edge in the last bin", () => {
  assert.deepEqual(binCounts([0, 4.9, 5, 9.99, 10, 11, -1, NaN], 2, 0, 10), [2, 3]);
  const svg = histogram([10, 20, 20, 95], { bins: 10, min: 0, max: 100, xLabel: "F1-" });
  assert.equal((svg.match(/<rect /g) ?? []).length, 3, "one bar per non-empty bin");
  assert.match(svg, /<title>2 images in \[20, 30\)<\/title>/);
  assert.match(svg, /<title>1 image in \[90, 100\]<\/title>/, "the last bin holds its top edge");
  // The count axis has whole-number ticks only.
  const yLabels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(yLabels, ["0", "1", "2"]);
});

Deno.test("line charts draw one polyline per series and escape names", () => {
  const svg = lineChart([
    { name: "a<b", points: [[1, 2], [2, 1]] },
    { name: "c", points: [[1, 0], [2, NaN]] },
  ], { xLabel: "epoch", yLabel: "loss", integerX: true });
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
  assert.match(svg, /a&#60;b/);
  assert.doesNotMatch(svg, /NaN/);
  // Every point of the curves lies left of every legend entry.
  const xs = [...svg.matchAll(/points="([^"]*)"/g)].flatMap((m) =>
    m[1].split(" ").map((p) => Number(p.split(",")[0]))
  );
  const legendX = [...svg.matchAll(/<text x="([\d.]+)"[^>]*font-size="11">(a&#60;b|c)</g)]
    .map((m) => Number(m[1]));
  assert.equal(legendX.length, 2);
  assert.ok(Math.max(...xs) < Math.min(...legendX) - 16, `${Math.max(...xs)} ${legendX}`);
  // An epoch axis has whole-number ticks.
  const ticks = [...svg.matchAll(/text-anchor="middle">([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(ticks.slice(0, -1), ["1", "2"]);
});

Deno.test("the report sorts images worst to best, escapes text and needs no network", () => {
  const html = htmlReport({
    title: "eval <of> run",
    subtitle: "synthetic",
    table: { headers: ["method", "F1+"], rows: [["model", "50.0"], ["all-ones", "33.3"]] },
    images: [image("b.png", 70, 80), image("<script>.png", 10, 20, "b"), image("c.png", 40, 60)],
    history: [
      { epoch: 0, train: { total: 2, seg: 0.7, pos: 0.7, neg: 0.6 } },
      {
        epoch: 1,
        train: { total: 1.5, seg: 0.5, pos: 0.5, neg: 0.5 },
        valid: { classError: 10, f1Pos: 50, f1Neg: 60, pxap: 40 },
      },
    ],
  });
  const order = ["&#60;script&#62;.png", "c.png", "b.png"].map((id) => html.indexOf(`alt="${id}"`));
  assert.ok(order.every((i) => i > 0), "every image is there");
  assert.deepEqual([...order].sort((a, b) => a - b), order, "worst F1+ first");
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  assert.match(html, /<title>eval &#60;of&#62; run<\/title>/);
  assert.equal((html.match(/<polyline /g) ?? []).length, 8, "four losses, four valid metrics");
  assert.match(html, /predicted <span class="wrong">b<\/span>/);
  // Pictures are shown at their own size (one scale for all) in their own format.
  assert.equal(
    (html.match(/width="300" height="120" src="data:image\/webp;base64,UklGRg==/g) ?? []).length,
    3,
  );
  // Histograms of F1+, F1- and the mask area: each of the 3 images is a bar in each.
  for (const what of ["F1\\+", "F1-", "mask area"]) {
    assert.match(html, new RegExp(`histogram of [^<]*${what}`));
  }
  assert.equal((html.match(/<rect /g) ?? []).length, 3 + 3 + 1, "mask areas all fall in one bin");
});

Deno.test("a baseline's report plots its one cross-entropy, not min-max's three terms", () => {
  const html = htmlReport({
    title: "cam",
    subtitle: "synthetic",
    table: { headers: ["method"], rows: [["CAM"]] },
    images: [],
    history: [{ epoch: 0, train: { total: 0.7, seg: 0.7, pos: 0, neg: 0 } }],
    singleLoss: true,
  });
  assert.match(html, /cross-entropy/);
  assert.doesNotMatch(html, /L_pos|L_neg|L_seg/);
});
