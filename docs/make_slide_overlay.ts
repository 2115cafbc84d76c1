/**
 * Writes the README's slide example: `out/slide_example/mosaic.tif`, a
 * 4096x3072 tiled pyramidal TIFF (JPEG tiles, written by vips) of white glass
 * with three "tissue fragments" made of the built-in synthetic test images
 * (128x128 each, seeds the training never saw), then runs `pointwise slide`
 * on it with the default run's model and copies the overlay to
 * docs/slide_overlay.png. Needs `deno task train` first and Debian's
 * libvips-tools.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write --allow-run --allow-env docs/make_slide_overlay.ts
 * ```
 * @module
 */
import { syntheticDataset } from "@pointwise/core/data";

const W = 4096, H = 3072, S = 128;
const dir = "out/slide_example";
await Deno.mkdir(dir, { recursive: true });

/** Fragments: ellipses in units of the slide's size. */
const FRAGMENTS = [
  { cx: 0.27, cy: 0.35, rx: 0.2, ry: 0.26 },
  { cx: 0.7, cy: 0.3, rx: 0.16, ry: 0.18 },
  { cx: 0.62, cy: 0.75, rx: 0.25, ry: 0.17 },
];
const inFragment = (x: number, y: number) =>
  FRAGMENTS.some((f) => ((x / W - f.cx) / f.rx) ** 2 + ((y / H - f.cy) / f.ry) ** 2 < 1);

const across = W / S, down = H / S;
const images = syntheticDataset({ count: across * down, size: S, classes: 2, seed: 1000 }).samples;
const header = new TextEncoder().encode(`P6\n${W} ${H}\n255\n`);
const ppm = new Uint8Array(header.length + 3 * W * H).fill(244);
ppm.set(header);
for (let ty = 0; ty < down; ty++) {
  for (let tx = 0; tx < across; tx++) {
    // A grid cell belongs to tissue when its centre lies in a fragment.
    if (!inFragment((tx + 0.5) * S, (ty + 0.5) * S)) continue;
    const img = images[ty * across + tx].image;
    for (let y = 0; y < S; y++) {
      const at = header.length + 3 * ((ty * S + y) * W + tx * S);
      ppm.set(img.data.subarray(3 * y * S, 3 * (y + 1) * S), at);
    }
  }
}
await Deno.writeFile(`${dir}/mosaic.ppm`, ppm);
const vips = await new Deno.Command("vips", {
  args: [
    "tiffsave",
    `${dir}/mosaic.ppm`,
    `${dir}/mosaic.tif`,
    "--tile",
    "--pyramid",
    "--compression",
    "jpeg",
    "--Q",
    "90",
    "--tile-width",
    "256",
    "--tile-height",
    "256",
  ],
}).output();
if (!vips.success) throw new Error("vips failed");
await Deno.remove(`${dir}/mosaic.ppm`);

const args = [
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "apps/cli/main.ts",
  "slide",
  "--model",
  "runs/synthetic",
  `${dir}/mosaic.tif`,
  "--tile",
  "512",
  "--overlap",
  "64",
  "--map-factor",
  "2",
  "--thumbnail",
  "1024",
  "--out",
  dir,
];
console.log(`deno ${args.join(" ")}`);
const run = await new Deno.Command(Deno.execPath(), { args, stderr: "inherit", stdout: "inherit" })
  .output();
if (!run.success) throw new Error("pointwise slide failed");
await Deno.copyFile(`${dir}/mosaic_overlay.png`, "docs/slide_overlay.png");
