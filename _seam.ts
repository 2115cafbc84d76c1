import { decodeCheckpoint, initBackend, Localizer, syntheticDataset } from "@pointwise/core";
import { localizeSlide, memorySlide } from "@pointwise/core/slide";
import { tinyCheckpoint } from "./tests/_helpers.ts";
await initBackend();
const bytes = Deno.args[0] ? await Deno.readFile(Deno.args[0]) : (await tinyCheckpoint()).bytes;
const model = Localizer.fromCheckpoint(decodeCheckpoint(bytes, "m"));
// A 640x512 mosaic of synthetic images.
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
await localizeSlide(memorySlide(image, "m"), model, {
  tile: 256,
  overlap: 64,
  mapFactor: 1,
  tissue: false,
  thumbnail: 64,
  onMapRow: (y, v) => tiled.set(v, y * W),
});
let agree = 0, diff = 0;
for (let i = 0; i < W * H; i++) {
  agree += (tiled[i] >= 0.5) === (whole[i] >= 0.5) ? 1 : 0;
  diff += Math.abs(tiled[i] - whole[i]);
}
console.log(
  "binary agreement",
  (agree / (W * H)).toFixed(4),
  "mean |diff|",
  (diff / (W * H)).toFixed(4),
);
