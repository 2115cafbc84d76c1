// Redraws docs/synthetic_predictions.jpg from the default run (`deno task
// train`): the first four test images, their ground truth and R+ with both
// mask placements (align-corners, the reference's, and stride-grid).
// deno run --allow-read --allow-write --allow-env docs/make_synthetic_predictions.ts
import { type Checkpoint, decodeCheckpoint } from "@pointwise/core/lite";
import { initBackend, TfjsLocalizer } from "@pointwise/core";
import { encodeJpeg, syntheticDataset } from "@pointwise/core/data";
import { loadFont, methodFigure } from "@pointwise/core/viz";

const RUN = "runs/synthetic";
const path = `${RUN}/best.safetensors`;
const checkpoint = decodeCheckpoint(await Deno.readFile(path), path);
const { data } = JSON.parse(await Deno.readTextFile(`${RUN}/run.json`));
// The run's test split: the CLI draws it with seed 3.
const test = syntheticDataset({
  count: data.counts.test,
  size: data.size,
  classes: data.classes,
  seed: 3,
});
await initBackend();
const placements: Checkpoint["config"]["maskUpsample"][] = ["align-corners", "stride-grid"];
const localizers = placements.map((maskUpsample) =>
  TfjsLocalizer.fromCheckpoint({ ...checkpoint, config: { ...checkpoint.config, maskUpsample } })
);
const rows = [];
for (const s of test.samples.slice(0, 4)) {
  const maps = [];
  for (const l of localizers) maps.push((await l.predict(s.image)).mask);
  rows.push({ image: s.image, gt: s.mask?.data ?? null, maps });
}
const fig = methodFigure(
  await loadFont(),
  ["R+ (align-corners)", "R+ (stride-grid)"],
  rows,
  { threshold: localizers[0].threshold, mapLabel: "R+" },
);
localizers.forEach((l) => l.dispose());
await Deno.writeFile("docs/synthetic_predictions.jpg", await encodeJpeg(fig));
console.log(`docs/synthetic_predictions.jpg: ${fig.width}x${fig.height}`);
