import assert from "node:assert/strict";
import { initBackend } from "../backend/backend.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import { syntheticDataset } from "../data/synthetic.ts";
import { encodeHeatmapPng16 } from "../io/heatmap_png.ts";
import { encodeNpy } from "../io/npy.ts";
import { LocalizationMetrics } from "../metrics/localization_metrics.ts";
import { buildMinMaxNet } from "../model/build.ts";
import { TfjsLocalizer } from "../inference/tfjs_localizer.ts";
import { Rng } from "../util/rng.ts";
import { evaluate } from "./evaluate.ts";
import { decodeHeatmap, mapStem, scoreHeatmaps } from "./score_maps.ts";

const dataset = syntheticDataset({ count: 4, size: 48, classes: 2, seed: 5 });

/** A folder held in memory. */
function folder(files: Map<string, Uint8Array>) {
  return {
    names: [...files.keys()],
    read: (n: string) => Promise.resolve(files.get(n)!),
    folder: "maps",
  };
}

const stem = (id: string) => id.replace(/\.png$/, "");

Deno.test("maps written from a model's predictions score exactly as the model", async () => {
  await initBackend("wasm");
  const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 });
  const localizer = new TfjsLocalizer(
    buildMinMaxNet(config, dataset.classes, new Rng(2)),
    dataset.classes,
    config,
  );
  const npy = new Map<string, Uint8Array>();
  const png = new Map<string, Uint8Array>();
  const quantised = new LocalizationMetrics({ boxes: true });
  const model = await evaluate(localizer, dataset, {
    boxes: true,
    onImage: ({ sample, prediction: p }) => {
      npy.set(`${stem(sample.id)}.npy`, encodeNpy(Float32Array.from(p.mask), [p.height, p.width]));
      png.set(`${stem(sample.id)}.png`, encodeHeatmapPng16(p.mask, p.width, p.height));
      // What a 16-bit PNG holds: round(v * 65535) / 65535.
      const q = Float32Array.from(p.mask, (v) => Math.round(v * 65535) / 65535);
      quantised.add({ scores: q, gt: sample.mask!.data, predicted: 0, label: 0, width: p.width });
    },
  });
  localizer.dispose();
  const fromNpy = await scoreHeatmaps(dataset, folder(npy), { boxes: true });
  // float32 maps are the model's own values: every score is identical.
  assert.deepEqual(fromNpy.summary, { ...model.summary, classError: NaN });
  assert.deepEqual(
    fromNpy.metrics.perImage.map(({ correct: _, ...s }) => s),
    model.metrics.perImage.map(({ correct: _, ...s }) => s),
  );
  assert.ok(model.summary.pxap > 0 && model.summary.box !== undefined);
  // 16-bit PNG maps score as the maps rounded to 1/65535 do.
  const fromPng = await scoreHeatmaps(dataset, folder(png), { boxes: true });
  assert.deepEqual(fromPng.summary, { ...quantised.summary(), classError: NaN });
});

Deno.test("maps are matched by stem, also under wsolevaluation's <image>.png.npy names", async () => {
  assert.equal(mapStem("train_1.npy"), "train_1");
  assert.equal(mapStem("train_1.png.npy"), "train_1");
  assert.equal(mapStem("train_1.jpg.png"), "train_1");
  assert.equal(mapStem("notes.txt"), null);
  assert.equal(mapStem("train_1_heatmap.npy"), "train_1");
  assert.equal(mapStem("train_1_heatmap.png"), "train_1");
  assert.equal(mapStem("_heatmap.npy"), null);
  const files = new Map<string, Uint8Array>();
  for (const s of dataset.samples) {
    files.set(`${s.id}.npy`, encodeNpy(new Float32Array(48 * 48).fill(0.5), [48, 48]));
  }
  files.set("extra.npy", encodeNpy(new Float32Array(4), [2, 2]));
  files.set("README.txt", new Uint8Array());
  const r = await scoreHeatmaps(dataset, folder(files));
  assert.equal(r.summary.images, 4);
  assert.deepEqual(r.unused, ["extra.npy"]);
});

Deno.test("missing, ambiguous, mis-sized and out-of-range maps are refused by name", async () => {
  const ok = () => encodeNpy(new Float32Array(48 * 48), [48, 48]);
  const files = new Map(dataset.samples.slice(1).map((s) => [`${stem(s.id)}.npy`, ok()]));
  const [first, second] = dataset.samples.map((s) => stem(s.id));
  await assert.rejects(
    scoreHeatmaps(dataset, folder(files)),
    new RegExp(`maps: the maps do not match the images:\\n  no map for ${first}\\.png`),
  );
  files.set(`${first}.npy`, ok());
  files.set(`${first}.png`, encodeHeatmapPng16(new Float32Array(48 * 48), 48, 48));
  await assert.rejects(scoreHeatmaps(dataset, folder(files)), /has 2 maps: .*\.npy, .*\.png/);
  files.delete(`${first}.png`);
  files.set(`${second}.npy`, encodeNpy(new Float32Array(24 * 24), [24, 24]));
  await assert.rejects(
    scoreHeatmaps(dataset, folder(files)),
    new RegExp(`maps/${second}\\.npy is 24x24 but image ${second}\\.png is 48x48`),
  );
  const hot = new Float32Array(48 * 48);
  hot[50] = 1.25;
  files.set(`${second}.npy`, encodeNpy(hot, [48, 48]));
  await assert.rejects(
    scoreHeatmaps(dataset, folder(files)),
    new RegExp(`maps/${second}\\.npy: value 1\\.25 at \\(2, 1\\) is outside \\[0, 1\\]`),
  );
  assert.throws(
    () => decodeHeatmap(encodeNpy(new Float32Array(8), [2, 2, 2]), "c.npy"),
    /c\.npy: shape \(2, 2, 2\); a heat map is 2-D/,
  );
  assert.throws(() => decodeHeatmap(new Uint8Array(12), "x.bin"), /x\.bin: not a heat map/);
});
