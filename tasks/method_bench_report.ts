/**
 * What the method benches write: the markdown table (with the trivial-mask
 * floors), the page around it, and the one-line summary of a configuration.
 *
 * @example
 * ```ts ignore
 * const md = resultsMarkdown({ title, command, results, floors, ... });
 * ```
 * @module
 */
import type { Config, Method } from "@pointwise/core/lite";
import type { MetricsSummary } from "@pointwise/core/metrics";
import { duration, fmt, methodName } from "@pointwise/cli/console";

/** One method's outcome at one seed: its scores, or why it has none. */
export interface MethodResult {
  method: Method;
  seed: number;
  summary?: MetricsSummary;
  /** Why the method has no scores (training failed, e.g. diverged). */
  error?: string;
  bestEpoch: number;
  trainSeconds: number;
  /** The method whose training it reuses (Grad-CAM reads CAM's classifier). */
  sharedWith?: Method;
}

/** The scores a table shows, in column order. */
export const SCORE_KEYS = ["classError", "f1Pos", "f1Neg", "pxap", "bestDice", "bestMiou"] as const;
type ScoreKey = typeof SCORE_KEYS[number];

/** Mean and sample standard deviation (n - 1; 0 for one value) of each score over seeds. */
export interface SeedAggregate {
  method: Method;
  /** Seeds with scores. */
  seeds: number[];
  mean: Record<ScoreKey, number>;
  sd: Record<ScoreKey, number>;
  trainSeconds: number;
}

/** Aggregates a method's scored seeds; undefined when none has scores. */
export function aggregate(results: MethodResult[]): SeedAggregate | undefined {
  const ok = results.filter((r) => r.summary !== undefined);
  if (ok.length === 0) return undefined;
  const mean = {} as Record<ScoreKey, number>;
  const sd = {} as Record<ScoreKey, number>;
  for (const k of SCORE_KEYS) {
    const v = ok.map((r) => r.summary![k]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    mean[k] = m;
    sd[k] = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  }
  const trainSeconds = ok.reduce((a, r) => a + r.trainSeconds, 0) / ok.length;
  return { method: ok[0].method, seeds: ok.map((r) => r.seed), mean, sd, trainSeconds };
}

/**
 * The results table, in markdown. With one seed, a row per method; with
 * several, a row per method with the mean ± sd over its seeds, followed by a
 * row per seed. The floors come last.
 */
export function markdownTable(results: MethodResult[], floors: [string, MetricsSummary][]): string {
  const header = [
    "method",
    "cl. err %",
    "F1+",
    "F1-",
    "PxAP",
    "Dice*",
    "mIoU*",
    "best epoch",
    "train time",
  ];
  const scores = (s: Record<ScoreKey, number>) => SCORE_KEYS.slice(1).map((k) => fmt(s[k]));
  const seeds = [...new Set(results.map((r) => r.seed))];
  const multi = seeds.length > 1;
  const row = (r: MethodResult, label: string) =>
    r.summary === undefined
      ? [label, `failed: ${r.error ?? "unknown"}`, "", "", "", "", "", "", ""]
      : [
        label,
        fmt(r.summary.classError),
        ...scores(r.summary),
        String(r.bestEpoch + 1),
        r.sharedWith ? `(${methodName(r.sharedWith)}'s)` : duration(r.trainSeconds),
      ];
  const rows: string[][] = [];
  const methods = [...new Set(results.map((r) => r.method))];
  for (const method of methods) {
    const mine = results.filter((r) => r.method === method);
    if (!multi) {
      rows.push(...mine.map((r) => row(r, methodName(method))));
      continue;
    }
    const a = aggregate(mine);
    const shared = mine.find((r) => r.sharedWith)?.sharedWith;
    rows.push(
      a === undefined
        ? [`**${methodName(method)}**`, "failed at every seed", "", "", "", "", "", "", ""]
        : [
          `**${methodName(method)}** (mean ± sd, ${a.seeds.length} seeds)`,
          ...SCORE_KEYS.map((k) => `${fmt(a.mean[k])} ± ${fmt(a.sd[k])}`),
          "",
          shared ? `(${methodName(shared)}'s)` : `${duration(a.trainSeconds)} each`,
        ],
    );
    rows.push(...mine.map((r) => row(r, `seed ${r.seed}`)));
  }
  for (const [name, s] of floors) rows.push([name, "–", ...scores(s), "–", "–"]);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "/")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A configuration in one line, as the results page records it. */
export function configSummary(c: Config): string {
  const crops = `${c.repeats} crop${c.repeats > 1 ? "s" : ""} of ${c.crop}x${c.crop}`;
  return `${c.arch}${c.deepStem ? " (deep stem)" : ""} x${c.width}, ${c.epochs} epochs of batch ` +
    `${c.batchSize} (${crops} per image per epoch), SGD lr ${c.lr} (x${c.lrGamma} every ` +
    `${c.lrStep} epochs, ${c.warmupSteps} warm-up steps), WILDCAT kmax ${c.kmax} dropout ` +
    `${c.dropout}; min-max erasing ${c.eraseTimes} passes from epoch ${c.eraseStartEpoch + 1}; ` +
    `augmentation: reflect pad ${c.padFraction}, flips ${c.hflip}/${c.vflip}, colour jitter ` +
    `${c.brightness}/${c.contrast}/${c.saturation}/${c.hue}; output stride ${c.outputStride}, ` +
    `input scale ${c.resize}; min-max: ${c.localizerWarmup} epochs of L_seg alone first, ` +
    `classifier terms into the backbone: ${c.backboneGrad}`;
}

/** Everything the results page says. */
export interface ResultsPage {
  title: string;
  date: Date;
  command: string;
  cores: number;
  backend: string;
  seconds: number;
  trainDesc: string;
  validDesc: string;
  /** Images of the split that selects the weights. */
  validImages: number;
  evalDesc: string;
  /** The seeds each method is trained with. */
  seeds: number[];
  /** Scored on the split that also selected the weights. */
  selfSelected: boolean;
  config: Config;
  /** The file every method's backbone starts from (`--init-backbone`); random weights without. */
  initBackbone?: string;
  table: string;
  figure: boolean;
  /** Runs still to come, e.g. "CAM (seed 1)" (the page is rewritten after each). */
  pending: string[];
}

/** The results page in markdown. */
export function resultsMarkdown(p: ResultsPage): string {
  return [
    `# ${p.title}: min-max entropy and baselines`,
    "",
    `Measured ${p.date.toISOString().slice(0, 10)} with \`${p.command}\` on ${p.cores} cores ` +
    `(${p.backend}), ${duration(p.seconds)} in all.`,
    ...(p.pending.length > 0
      ? ["", `**In progress**: still to run: ${p.pending.join(", ")}.`]
      : []),
    "",
    `- trained on ${p.trainDesc}`,
    `- weights selected on ${p.validDesc} (lowest classification error)`,
    `- scored on ${p.evalDesc}` +
    (p.selfSelected
      ? " (the split that also selected the weights: optimistic for classification; pass " +
        "--test for a held-out table)"
      : ""),
    `- configuration: ${configSummary(p.config)}`,
    `- starting weights: ${
      p.initBackbone === undefined
        ? "random (the backbone's own initialisation)"
        : `every method's backbone from ${p.initBackbone}, its heads fresh`
    }`,
    `- seeds: ${p.seeds.join(", ")} (each method trained once per seed` +
    (p.seeds.length > 1 ? "; mean ± sample sd over seeds, then each seed's row" : "") + ")",
    "",
    p.table,
    "",
    `Selection is noisy: the weights are chosen on ${p.validImages} validation images, where one ` +
    `image is ${fmt(100 / p.validImages)} points of classification error, so the selected epoch ` +
    "(and with it every score) varies from seed to seed.",
    "",
    "F1+/F1-: Dice of the foreground/background at threshold 0.5, mean over images; PxAP: pixel " +
    "precision-recall area; Dice*/mIoU*: at the best threshold. Every map is in [0, 1] " +
    "(baselines' maps are min-max normalised per image). Train time includes validation after " +
    "every epoch. Grad-CAM is computed post hoc on the CAM run's classifier.",
    ...(p.figure
      ? [
        "",
        `![Images, ground truth and each method's map (seed ${p.seeds[0]})](figure.jpg)`,
      ]
      : []),
    "",
  ].join("\n");
}
