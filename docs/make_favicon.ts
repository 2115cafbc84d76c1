// Draws the demo's favicon (apps/worker/public/favicon.ico): a turbo heat
// blob with its mask outlined in white on a dark rounded square, at 16, 32
// and 48 px, each a PNG inside the ICO container.
// deno run --allow-read --allow-write docs/make_favicon.ts
import { encodePng } from "@pointwise/core/data";
import { colormap } from "@pointwise/core/viz";

function icon(size: number): Uint8Array {
  const ss = 4; // supersampling per axis
  const data = new Uint8Array(size * size * 3);
  const alpha = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0];
      let cover = 0;
      for (let j = 0; j < ss; j++) {
        for (let i = 0; i < ss; i++) {
          const u = (x + (i + 0.5) / ss) / size, v = (y + (j + 0.5) / ss) / size;
          // Rounded square of corner radius 0.2.
          const dx = Math.max(0, Math.abs(u - 0.5) - 0.3),
            dy = Math.max(0, Math.abs(v - 0.5) - 0.3);
          if (Math.hypot(dx, dy) > 0.2) continue;
          cover++;
          // Two overlapping bumps make the score map.
          const t = Math.min(
            1,
            Math.exp(-((u - 0.42) ** 2 + (v - 0.58) ** 2) / 0.045) +
              0.7 * Math.exp(-((u - 0.68) ** 2 + (v - 0.34) ** 2) / 0.02),
          );
          const edge = Math.abs(t - 0.5) < 0.07;
          const c = edge ? [255, 255, 255] : colormap(t).map((k: number) => 0.8 * k + 0.2 * 27);
          for (let k = 0; k < 3; k++) acc[k] += c[k];
        }
      }
      const p = y * size + x;
      alpha[p] = cover / (ss * ss);
      for (let k = 0; k < 3; k++) data[3 * p + k] = cover ? Math.round(acc[k] / cover) : 255;
    }
  }
  return onWhite(data, alpha);
}

/** The rounded square's edge blended over white (the PNG encoder writes opaque RGB). */
function onWhite(rgb: Uint8Array, alpha: Float32Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let p = 0; p < alpha.length; p++) {
    for (let k = 0; k < 3; k++) {
      out[3 * p + k] = Math.round(rgb[3 * p + k] * alpha[p] + 255 * (1 - alpha[p]));
    }
  }
  return out;
}

const sizes = [16, 32, 48];
const pngs = await Promise.all(
  sizes.map((s) => encodePng({ width: s, height: s, data: icon(s) })),
);
const header = 6 + 16 * sizes.length;
const total = header + pngs.reduce((n, p) => n + p.length, 0);
const ico = new Uint8Array(total);
const view = new DataView(ico.buffer);
view.setUint16(2, 1, true); // type: icon
view.setUint16(4, sizes.length, true);
let offset = header;
sizes.forEach((s, k) => {
  const e = 6 + 16 * k;
  ico[e] = s;
  ico[e + 1] = s;
  view.setUint16(e + 4, 1, true); // colour planes
  view.setUint16(e + 6, 32, true); // bits per pixel
  view.setUint32(e + 8, pngs[k].length, true);
  view.setUint32(e + 12, offset, true);
  ico.set(pngs[k], offset);
  offset += pngs[k].length;
});
await Deno.writeFile("apps/worker/public/favicon.ico", ico);
console.log(`apps/worker/public/favicon.ico: ${ico.length} bytes`);
