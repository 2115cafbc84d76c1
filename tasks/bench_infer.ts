/**
 * The inference part of `deno task bench`: one 775x522 image through
 * Pointwise's tfjs-wasm prediction and through onnxruntime (web on 1 and 2
 * threads, node through Pointwise's runtime, node's raw session run), each
 * runtime in a process of its own (`bench_ort.ts`), with the ratios to the
 * raw native run.
 *
 * @example
 * ```ts ignore
 * await inference(5);
 * ```
 * @module
 */
import { join } from "node:path";
import { buildMinMaxNet } from "@pointwise/core/model";
import { decodeImage, encodePng, withOverrides } from "@pointwise/core/lite";
import { exportOnnx } from "@pointwise/core/onnx";
import { initBackend, Rng, TfjsLocalizer } from "@pointwise/core";
import { type RgbImage, syntheticDataset } from "@pointwise/core/data";
import {
  cpuPreset,
  full,
  median,
  type OrtTiming,
  pairedRounds,
  ROUNDS,
  seconds,
} from "./bench_paired.ts";

/** Median seconds of one runtime in a process of its own (`bench_ort.ts`). */
async function ortTiming(
  runs: number,
  runtime: "web" | "native" | "node-raw",
  threads: number,
  model: string,
  image: string,
): Promise<OrtTiming> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tasks/bench_ort.ts",
      "--runtime",
      runtime,
      "--threads",
      String(threads),
      "--model",
      model,
      "--image",
      image,
      "--runs",
      String(runs),
    ],
    env: { ONNXRUNTIME_NODE_INSTALL: "skip", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(text) as OrtTiming;
  } catch {
    return {
      missing: `${runtime} failed: ${
        new TextDecoder().decode(out.stderr).trim().split("\n").pop()
      }`,
    };
  }
}

/** The bench's 775x522 image: GlaS's train_1.png where the data is here, else a synthetic one in `dir`. */
async function benchImage(dir: string): Promise<{ imagePath: string; imageName: string }> {
  const glas = join("..", "shared", "data", "glas", "train_1.png");
  try {
    await Deno.stat(glas);
    return { imagePath: glas, imageName: "GlaS train_1.png" };
  } catch {
    const imagePath = join(dir, "image.png");
    const big = syntheticDataset({ count: 1, size: 775, classes: 2, seed: 1 }).samples[0].image;
    const data = new Uint8Array(775 * 522 * 3);
    data.set(big.data.subarray(0, data.length));
    await Deno.writeFile(imagePath, await encodePng({ width: 775, height: 522, data }));
    return { imagePath, imageName: "synthetic" };
  }
}

// native: Pointwise's predict() on onnxruntime-node (--runtime native); node raw: only
// onnxruntime-node's session.run on a ready tensor, the reference native is held to (1.2x).
// tfjs-wasm and node raw are timed in turn, ROUNDS times (pairedRounds).
const INFERENCE_HEADER = [
  "model",
  "tfjs-wasm",
  "tfjs-cpu",
  "ort-web 1t",
  "ort-web 2t",
  "native 2t",
  "node raw 2t",
  "native / raw",
  "wasm / raw",
  "web 2t / raw",
];

/** The models of the table; the last is exported only, for its size. */
const INFERENCE_MODELS = [
  ["ResNet-18 (width 1)", full],
  ["cpu preset", cpuPreset],
  ["ResNet-50 (width 1)", withOverrides(full, { arch: "resnet50" })],
] as const;

/** Prints the inference table: every runtime on the ResNet-18 and `cpu` preset models. */
export async function inference(runs: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pointwise-bench-" });
  const { imagePath, imageName } = await benchImage(dir);
  const image = await decodeImage(await Deno.readFile(imagePath), imagePath);
  console.log(
    `\ninference, one ${image.width}x${image.height} image (${imageName}), median of ${runs}` +
      ` (tfjs-wasm and node raw: ${ROUNDS} rounds of ${runs} in turn; wasm / raw: median of the rounds' ratios):`,
  );
  const h = INFERENCE_HEADER;
  console.log(`  ${h[0].padEnd(22)}${h.slice(1).map((x) => x.padStart(14)).join("")}`);
  const sizes: string[] = [];
  for (const [name, config] of INFERENCE_MODELS) {
    const net = buildMinMaxNet(config, ["a", "b"], new Rng(0));
    const bytes = exportOnnx({ config, classes: ["a", "b"], weights: await net.store.read() });
    sizes.push(`${name} ${(bytes.length / 2 ** 20).toFixed(1)} MiB`);
    const model = join(dir, `${name.replace(/\W+/g, "_")}.onnx`);
    await Deno.writeFile(model, bytes);
    if (name.startsWith("ResNet-50")) {
      net.dispose();
      continue;
    }
    const localizer = new TfjsLocalizer(net, ["a", "b"], config);
    try {
      await modelRow(name, localizer, { image, imagePath, model, runs }, config === cpuPreset);
    } finally {
      localizer.dispose();
    }
  }
  console.log(`  exported ONNX sizes: ${sizes.join(", ")}`);
  await Deno.remove(dir, { recursive: true });
}

/** What one model's row is timed on. */
interface RowInputs {
  image: RgbImage;
  imagePath: string;
  /** The model's .onnx file. */
  model: string;
  runs: number;
}

/** Prints one model's row; the pure-JS backend too when `withCpu` (it is slow). */
async function modelRow(
  name: string,
  localizer: TfjsLocalizer,
  { image, imagePath, model, runs }: RowInputs,
  withCpu: boolean,
): Promise<void> {
  const { times, node2, wasmOverRaw, ratios } = await pairedRounds(
    runs,
    () => localizer.predict(image),
    () => ortTiming(runs, "node-raw", 2, model, imagePath),
  );
  const cpu = withCpu ? seconds(await cpuBackendTime(localizer, image, runs)) : "-";
  const web1 = await ortTiming(runs, "web", 1, model, imagePath);
  const web2 = await ortTiming(runs, "web", 2, model, imagePath);
  const native2 = await ortTiming(runs, "native", 2, model, imagePath);
  const cell = (t: OrtTiming) =>
    (t.median !== undefined ? seconds(t.median) : "missing").padStart(14);
  const over = (a: number | undefined, digits = 1) =>
    (a && node2.median ? `${(a / node2.median).toFixed(digits)}x` : "-").padStart(14);
  console.log(
    `  ${name.padEnd(22)}${seconds(median(times)).padStart(14)}${cpu.padStart(14)}${cell(web1)}${
      cell(web2)
    }${cell(native2)}${cell(node2)}${over(native2.median, 2)}${
      (wasmOverRaw ? `${wasmOverRaw.toFixed(2)}x` : "-").padStart(14)
    }${over(web2.median)}`,
  );
  if (ratios.length > 1) {
    // The host's speed drifts: each round's ratio shows how far.
    console.log(`    wasm / raw by round: ${ratios.map((r) => `${r.toFixed(2)}x`).join(", ")}`);
  }
  for (const t of [web1, web2, native2, node2]) if (t.missing) console.log(`    (${t.missing})`);
}

/** The pure-JS backend's median time of a prediction, over a few runs (it is slow). */
async function cpuBackendTime(
  localizer: TfjsLocalizer,
  image: RgbImage,
  runs: number,
): Promise<number> {
  await initBackend("cpu");
  try {
    const t: number[] = [];
    for (let i = 0; i <= Math.min(runs, 2); i++) {
      const t0 = performance.now();
      await localizer.predict(image);
      if (i > 0) t.push((performance.now() - t0) / 1000);
    }
    return median(t);
  } finally {
    await initBackend("wasm");
  }
}
