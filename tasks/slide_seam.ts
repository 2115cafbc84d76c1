/**
 * How far a real model's tiled slide map is from its whole-image map: a
 * 640x512 mosaic of synthetic test images is predicted whole and through
 * `localizeSlide` (tiles of 256 overlapping by 64, map at full resolution),
 * and the binary masks' agreement and the mean |difference| of the maps are
 * printed. Min-max and CAM maps are normalised per input, so they differ far
 * from any tile border; a local map would agree everywhere but within its
 * reach of tile borders (the seam test holds the pipeline to that).
 *
 * @example
 * ```sh
 * deno run -A tasks/slide_seam.ts runs/synthetic/best.safetensors
 * ```
 * @module
 */
import { syntheticDataset } from "@pointwise/core/data";
import { localizeSlide, memorySlide } from "@pointwise/core/slide";
import { load } from "@pointwise/runtime";

if (Deno.args.length !== 1) throw new Error("usage: tasks/slide_seam.ts CHECKPOINT");
const model = await load(await Deno.readFile(Deno.args[0]), { name: Deno.args[0] });
const W = 640, H = 512, S = 128;
const ds = syntheticDataset({ count: 20, size: S, classes: 2, seed: 5 });
const data = new Uint8Array(3 * W * H);
for (let k = 0; k < 20; k++) {
  const ox = (k % 5) * S, oy = Math.floor(k / 5) * S;
  const im = ds.samples[k].image;
  for (let y = 0; y < S; y++) {
    data.set(im.data.subarray(3 * y * S, 3 * (y + 1) * S), 3 * ((oy + y) * W + ox));
  }
}
const image = { width: W, height: H, data };
const whole = (await model.predict(image)).mask;
const tiled = new Float32Array(W * H);
await localizeSlide(memorySlide(image, "mosaic"), model, {
  tile: 256,
  overlap: 64,
  mapFactor: 1,
  tissue: false,
  thumbnail: 64,
  onMapRow: (y, v) => tiled.set(v, y * W),
});
let agree = 0, diff = 0;
for (let i = 0; i < W * H; i++) {
  agree += (tiled[i] >= model.threshold) === (whole[i] >= model.threshold) ? 1 : 0;
  diff += Math.abs(tiled[i] - whole[i]);
}
console.log(
  `binary mask agreement ${(100 * agree / (W * H)).toFixed(1)}%, ` +
    `mean |tiled - whole| ${(diff / (W * H)).toFixed(4)}`,
);
await model.dispose();
