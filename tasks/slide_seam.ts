/**
 * How far a real model's tiled slide map is from its whole-image map: a
 * 640x512 mosaic of synthetic test images is predicted whole (`predict()`)
 * and through `localizeSlide` (map at full resolution, no tissue skipping),
 * both ways: per tile (each tile's own normalised map, blended) and as the
 * whole-slide map (class maps stitched at the map grid, pooled and
 * normalised over the slide). It prints, for each tiling, the binary masks'
 * agreement, the mean and largest |difference| of the maps, and the
 * whole-slide map's tile margin (how deep inside its tile every cell lies).
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

if (Deno.args.length !== 1) throw new Error("usage: tasks/slide_seam.ts CHECKPOINT|MODEL.onnx");
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

const rows: Record<string, string | number>[] = [];
for (const [tile, overlap] of [[256, 64], [256, 128], [384, 192], [512, 256]]) {
  for (const perTile of [true, false]) {
    if (perTile && 2 * overlap >= tile) continue;
    const tiled = new Float32Array(W * H);
    const r = await localizeSlide(memorySlide(image, "mosaic"), model, {
      tile,
      overlap,
      mapFactor: 1,
      tissue: false,
      thumbnail: 64,
      perTile,
      onMapRow: (y, v) => tiled.set(v, y * W),
    });
    let agree = 0, diff = 0, worst = 0;
    for (let i = 0; i < W * H; i++) {
      agree += (tiled[i] >= model.threshold) === (whole[i] >= model.threshold) ? 1 : 0;
      const d = Math.abs(tiled[i] - whole[i]);
      diff += d;
      worst = Math.max(worst, d);
    }
    rows.push({
      map: r.summary.map.method,
      tile,
      overlap,
      tiles: r.summary.tiles.analysed,
      "tile margin (px)": r.summary.map.tileMargin ?? "-",
      "mask agreement %": Number((100 * agree / (W * H)).toFixed(2)),
      "mean |tiled - whole|": Number((diff / (W * H)).toFixed(5)),
      "max |tiled - whole|": Number(worst.toFixed(5)),
    });
  }
}
console.log(`${Deno.args[0]} (${model.runtime.name}), ${W}x${H} mosaic, map factor 1`);
console.table(rows);
await model.dispose();
