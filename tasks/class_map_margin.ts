/**
 * The margin of a model's class maps: how far inside a tile a cell must lie
 * for the tile's class maps to equal the whole image's. A 1024x1024 mosaic
 * of synthetic test images is mapped whole and in interior tiles of 512
 * (on the 32-pixel grid); each tile cell's difference from the whole
 * image's cell, relative to the range of the whole image's class maps, is
 * grouped by the cell's distance to the tile's nearest edge, and the
 * largest difference of each group is printed. Beyond the network's
 * receptive field (217 px for a ResNet-18 cell) the difference is float
 * rounding.
 *
 * @example
 * ```sh
 * deno run -A tasks/class_map_margin.ts runs/synthetic/best.safetensors
 * ```
 * @module
 */
import { syntheticDataset } from "@pointwise/core/data";
import { load } from "@pointwise/runtime";

if (Deno.args.length !== 1) throw new Error("usage: tasks/class_map_margin.ts MODEL");
const model = await load(await Deno.readFile(Deno.args[0]), { name: Deno.args[0] });
if (!model.classMaps) throw new Error(`${Deno.args[0]}: the model gives no class maps`);
const N = 1024, S = 128, T = 512;
const ds = syntheticDataset({ count: 64, size: S, classes: 2, seed: 21 });
const data = new Uint8Array(3 * N * N);
for (let k = 0; k < 64; k++) {
  const ox = (k % 8) * S, oy = Math.floor(k / 8) * S;
  const im = ds.samples[k].image;
  for (let y = 0; y < S; y++) {
    data.set(im.data.subarray(3 * y * S, 3 * (y + 1) * S), 3 * ((oy + y) * N + ox));
  }
}
const whole = await model.classMaps({ width: N, height: N, data });
const { classes, stride } = whole;
const cells = whole.height * whole.width;
let lo = Infinity, hi = -Infinity;
for (const v of whole.maps) lo = Math.min(lo, v), hi = Math.max(hi, v);

/** Largest relative difference per distance (in cells) from the tile's nearest edge. */
const worst = new Map<number, number>();
for (const [x0, y0] of [[256, 256], [160, 352], [352, 160], [480, 480]]) {
  const tile = new Uint8Array(3 * T * T);
  for (let y = 0; y < T; y++) {
    tile.set(data.subarray(3 * ((y0 + y) * N + x0), 3 * ((y0 + y) * N + x0 + T)), 3 * y * T);
  }
  const cm = await model.classMaps({ width: T, height: T, data: tile });
  for (let c = 0; c < classes; c++) {
    for (let j = 0; j < cm.height; j++) {
      for (let i = 0; i < cm.width; i++) {
        const d = Math.min(i, j, cm.width - 1 - i, cm.height - 1 - j);
        const a = cm.maps[c * cm.height * cm.width + j * cm.width + i];
        const b = whole.maps[c * cells + (y0 / stride + j) * whole.width + x0 / stride + i];
        worst.set(d, Math.max(worst.get(d) ?? 0, Math.abs(a - b) / (hi - lo)));
      }
    }
  }
}
console.log(
  `${Deno.args[0]} (${model.runtime.name}): class maps at stride ${stride}, range ${
    (hi - lo).toFixed(3)
  }; tiles of ${T} inside a ${N}x${N} mosaic`,
);
console.table(
  [...worst.entries()].sort((a, b) => a[0] - b[0]).map(([d, v]) => ({
    "cell's distance to the tile edge (px)": `${d * stride} to ${(d + 1) * stride}`,
    "largest |tile - whole| / range": Number(v.toExponential(2)),
  })),
);
await model.dispose();
