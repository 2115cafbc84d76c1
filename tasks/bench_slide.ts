/**
 * `deno task bench:slide`: throughput (megapixels per second) and peak RSS of
 * `pointwise slide` on a generated slide, once per runtime (TensorFlow.js and
 * onnxruntime-web), each in its own process on the threads asked (2 by
 * default). The slide is written by vips (libvips-tools) into `out/bench/`
 * and kept for later runs: tissue-like blobs (Perlin noise: about half of the
 * area with `--tissue dense`, a few fragments with `sparse`) with a fine Perlin texture and pixel noise on white glass, JPEG tiles (Q 85),
 * 256-pixel tiles, a full pyramid, 0.25 µm/px. Peak RSS is the child's
 * VmHWM, polled from /proc every 100 ms (reading another process's /proc entry needs
 * `-A` in Deno, hence the task's flag). Each runtime runs once per variant
 * `BATCH:WORKERS` of `--variants` (tiles per batch, decode worker threads),
 * one after another in one invocation, so that the old path (`1:0`: one
 * tile at a time, decoding on the main thread) and the new ones are
 * measured side by side. A benchmark, not a test.
 *
 * @example
 * ```sh
 * deno task bench:slide                              # 20k x 20k, both runtimes, cpu-preset model
 * deno task bench:slide --size 50000 --runtimes onnx  # the 50k target
 * deno task bench:slide --tissue sparse               # a few tissue fragments: most tiles skipped
 * deno task bench:slide --size 2000 --model tiny      # a quick check that it works
 * deno task bench:slide --size 50000 --runtimes ""  # only write the slide
 * deno task bench:slide --variants 1:0,2:0,4:0,8:0   # batch sizes, no decode workers
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { type Config, PRESETS, withOverrides } from "@pointwise/core/lite";
import { encodeCheckpoint } from "@pointwise/core/io";
import { buildMinMaxNet, Rng } from "@pointwise/core/model";
import { exportOnnx } from "@pointwise/core/onnx";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "20000" },
    runtimes: { type: "string", default: "tfjs,onnx" },
    model: { type: "string", default: "cpu" },
    threads: { type: "string", default: "2" },
    tile: { type: "string", default: "1024" },
    overlap: { type: "string", default: "128" },
    level: { type: "string", default: "0" },
    dir: { type: "string", default: "out/bench" },
    tissue: { type: "string", default: "dense" },
    variants: { type: "string", default: "1:0,4:0,4:1" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(`deno task bench:slide [options]

Writes a generated slide with vips (kept in --dir) and times \`pointwise slide\` on it, once per
runtime and variant, each in its own process: throughput and peak RSS. A benchmark: it asserts
nothing.

  --size N          side of the square slide in pixels (default 20000)
  --tissue KIND     dense (about half the area) or sparse (a few fragments) (default dense)
  --runtimes LIST   tfjs,onnx or one of them; empty: only write the slide (default tfjs,onnx)
  --model NAME      cpu (the cpu preset) or tiny (default cpu)
  --threads N       threads of each runtime (default 2)
  --tile N          tile side (default 1024)
  --overlap N       tile overlap (default 128)
  --level N         pyramid level read (default 0)
  --variants LIST   BATCH:WORKERS pairs, tiles per batch and decode workers (default 1:0,4:0,4:1)
  --dir DIR         where the slide, the models and the runs go (default out/bench)
  -h, --help        this text`);
  Deno.exit(0);
}
const SIZE = Number(values.size);
/** Perlin level below which the slide is glass: "dense" leaves about half the slide tissue, "sparse" a few small fragments. */
const GLASS_BELOW: Record<string, string> = { dense: "0.1", sparse: "0.45" };
if (!(values.tissue! in GLASS_BELOW)) throw new Error("--tissue takes dense or sparse");
const NAME = `slide_${SIZE}_${values.tissue}`;
const DIR = values.dir!;
await Deno.mkdir(DIR, { recursive: true });

async function vips(...args: string[]): Promise<void> {
  const out = await new Deno.Command("vips", { args, stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`vips ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Writes the benchmark slide with vips unless it is there already. */
async function benchSlide(size: number): Promise<string> {
  const path = join(DIR, `${NAME}.tif`);
  try {
    await Deno.stat(path);
    return path;
  } catch { /* make it */ }
  const t = (name: string) => join(DIR, `gen_${name}.v`);
  const zoom = 16;
  const small = Math.ceil(size / zoom);
  console.error(`writing ${path} with vips ...`);
  // Where the tissue is: coarse Perlin noise above a level, inverted (255 on glass).
  await vips(
    "perlin",
    t("p"),
    String(small),
    String(small),
    "--cell-size",
    String(Math.max(8, Math.round(small / 6))),
    "--seed",
    "1",
  );
  await vips("relational_const", t("p"), t("glass"), "less", GLASS_BELOW[values.tissue!]);
  await vips("zoom", t("glass"), t("glass_full"), String(zoom), String(zoom));
  // Stain texture: fine Perlin noise in pink to purple, repeated over the slide.
  await vips("perlin", t("q"), "2048", "2048", "--cell-size", "24", "--seed", "2");
  await vips("linear", t("q"), t("smooth"), "40 50 25", "195 95 165");
  // Pixel noise, so that the JPEG tiles cost about what stained tissue costs to decode.
  await vips("gaussnoise", t("n"), "2048", "2048", "--sigma", "14", "--mean", "0");
  await vips("add", t("smooth"), t("n"), t("noisy"));
  await vips("cast", t("noisy"), t("tex"), "uchar");
  const reps = String(Math.ceil(size / 2048));
  await vips("replicate", t("tex"), t("tex_full"), reps, reps);
  await vips("crop", t("tex_full"), t("tex_crop"), "0", "0", String(size), String(size));
  await vips("crop", t("glass_full"), t("glass_crop"), "0", "0", String(size), String(size));
  // Glass (255) OR anything is white; tissue (0) OR texture is the texture.
  await vips("boolean", t("tex_crop"), t("glass_crop"), t("slide"), "or");
  await vips(
    "tiffsave",
    t("slide"),
    path,
    "--tile",
    "--pyramid",
    "--compression",
    "jpeg",
    "--Q",
    "85",
    "--tile-width",
    "256",
    "--tile-height",
    "256",
    "--bigtiff",
    "--xres",
    "4000",
    "--yres",
    "4000",
  );
  for (
    const n of [
      "p",
      "glass",
      "glass_full",
      "q",
      "tex",
      "tex_full",
      "tex_crop",
      "glass_crop",
      "slide",
    ]
  ) {
    await Deno.remove(t(n));
  }
  return path;
}

/** The benchmark model: the cpu preset (ResNet-18 x0.25), or a tiny one, untrained. */
async function benchModels(kind: string): Promise<Record<string, string>> {
  const config: Config = kind === "tiny"
    ? withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 })
    : PRESETS.cpu;
  const classes = ["benign", "malignant"];
  const net = buildMinMaxNet(config, classes, new Rng(0));
  const weights = await net.store.read();
  net.dispose();
  const paths = { tfjs: join(DIR, `${kind}.safetensors`), onnx: join(DIR, `${kind}.onnx`) };
  await Deno.writeFile(paths.tfjs, encodeCheckpoint({ config, classes, weights }));
  await Deno.writeFile(paths.onnx, exportOnnx({ config, classes, weights }));
  return paths;
}

async function peakRss(pid: number): Promise<number> {
  try {
    const s = await Deno.readTextFile(`/proc/${pid}/status`);
    const m = /VmHWM:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const slidePath = await benchSlide(SIZE);
const models = await benchModels(values.model!);
const rows: Record<string, unknown>[] = [];
const runtimes = values.runtimes!.split(",").filter((r) => r !== "");
for (const r of runtimes) {
  if (r !== "tfjs" && r !== "onnx") throw new Error(`--runtimes takes tfjs and onnx, not ${r}`);
}
const variants = values.variants!.split(",").map((v) => {
  const [batch, workers] = v.split(":").map(Number);
  if (!(batch >= 1 && workers >= 0)) throw new Error(`--variants takes BATCH:WORKERS, not ${v}`);
  return { batch, workers };
});
for (const runtime of runtimes) {
  for (const { batch, workers } of variants) {
    const out = join(DIR, `run_${NAME}_${runtime}_b${batch}_w${workers}`);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "apps/cli/main.ts",
        "slide",
        "--model",
        models[runtime as "tfjs" | "onnx"],
        slidePath,
        "--level",
        values.level!,
        "--tile",
        values.tile!,
        "--overlap",
        values.overlap!,
        "--threads",
        values.threads!,
        "--batch",
        String(batch),
        "--workers",
        String(workers),
        "--force",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let peak = 0;
    const poll = setInterval(async () => (peak = Math.max(peak, await peakRss(child.pid))), 100);
    const status = await child.output();
    clearInterval(poll);
    if (!status.success) throw new Error(`pointwise slide failed with ${runtime}`);
    const s = JSON.parse(await Deno.readTextFile(join(out, `${NAME}.json`)));
    const slideMpx = (s.slide.width * s.slide.height) / 1e6;
    const tileMpx = (s.tiles.analysed * s.analysis.tile * s.analysis.tile) / 1e6;
    rows.push({
      runtime: s.runtime,
      batch: s.tiles.batch,
      workers: s.tiles.decodeWorkers,
      slide: `${s.slide.width}x${s.slide.height}`,
      level: s.analysis.level,
      tiles: `${s.tiles.analysed} analysed, ${s.tiles.skipped} skipped`,
      seconds: s.seconds.total,
      "slide Mpx/s": Number((slideMpx / s.seconds.total).toFixed(2)),
      "tile Mpx/s": Number((tileMpx / s.seconds.total).toFixed(3)),
      "read s": s.seconds.read,
      "model s": s.seconds.model,
      "peak RSS MB": Math.round(peak / 2 ** 20),
    });
    console.error(JSON.stringify(rows[rows.length - 1]));
  }
}
console.log(
  `slide ${SIZE}x${SIZE}, ${values.tissue} tissue (vips, JPEG tiles), model ${values.model} (untrained), ` +
    `${values.threads} threads, ${navigator.hardwareConcurrency} cores`,
);
console.table(rows);
await Deno.writeTextFile(join(DIR, `bench_${NAME}.json`), JSON.stringify(rows, null, 2));
