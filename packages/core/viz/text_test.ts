import assert from "node:assert/strict";
import { drawText, loadFont, measureText } from "./text.ts";

const blank = (w: number, h: number) => ({
  width: w,
  height: h,
  data: new Uint8Array(w * h * 3).fill(255),
});

/** Bounding box of the pixels darker than white, or null. */
function inked(img: { width: number; height: number; data: Uint8Array }) {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[3 * (y * img.width + x)] < 255) {
        n++;
        x0 = Math.min(x0, x), y0 = Math.min(y0, y), x1 = Math.max(x1, x), y1 = Math.max(y1, y);
      }
    }
  }
  return n === 0 ? null : { x0, y0, x1, y1, n };
}

Deno.test("text is drawn inside the box measureText gives, anti-aliased", async () => {
  const font = await loadFont();
  const img = blank(120, 30);
  const m = measureText(font, "F1+ 62.5%", 14);
  drawText(img, font, "F1+ 62.5%", 10, 5, { size: 14 });
  const box = inked(img)!;
  assert.ok(box !== null, "something is drawn");
  // Glyphs may overhang their advance by a pixel at most.
  assert.ok(box.x0 >= 10 && box.x1 <= Math.ceil(10 + m.width) + 1, JSON.stringify({ box, m }));
  assert.ok(box.y0 >= 5 && box.y1 <= Math.ceil(5 + m.height), JSON.stringify({ box, m }));
  // Most of the box is ink-free; edges have grey levels between black and white.
  assert.ok(box.n > 40 && box.n < 0.7 * m.width * m.height, `${box.n}`);
  const levels = new Set(img.data);
  assert.ok(levels.has(0) || Math.min(...levels) < 40, "strokes reach (near) black");
  assert.ok([...levels].filter((v) => v > 40 && v < 215).length > 10, "edges are anti-aliased");
});

Deno.test("measureText scales with the size, alignment moves the text, edges clip", async () => {
  const font = await loadFont();
  const a = measureText(font, "ground truth", 10), b = measureText(font, "ground truth", 20);
  assert.ok(Math.abs(b.width - 2 * a.width) < 1e-9 && Math.abs(b.height - 2 * a.height) < 1e-9);
  assert.ok(measureText(font, "mm", 12).width > measureText(font, "ii", 12).width);
  assert.equal(measureText(font, "", 12).width, 0);
  const right = blank(100, 24);
  drawText(right, font, "ab", 90, 2, { size: 16, align: "right" });
  const r = inked(right)!;
  assert.ok(r.x1 <= 91 && r.x1 > 80, JSON.stringify(r));
  const centre = blank(100, 24);
  drawText(centre, font, "ab", 50, 2, { size: 16, align: "center" });
  const c = inked(centre)!;
  assert.ok(Math.abs((c.x0 + c.x1) / 2 - 50) < 2, JSON.stringify(c));
  // Half outside the picture: the visible part is drawn, nothing throws.
  const clipped = blank(20, 10);
  drawText(clipped, font, "WWW", -12, -6, { size: 16, color: [200, 0, 0] });
  assert.ok(inked(clipped) !== null);
  assert.ok(clipped.data.some((v, i) => i % 3 === 0 && v === 255) && clipped.data[1] < 255);
});
