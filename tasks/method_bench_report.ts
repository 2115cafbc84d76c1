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

/** One method's outcome: its scores, or why it has none. */
export interface MethodResult {
  method: Method;
  summary?: MetricsSummary;
  /** Why the method has no scores (training failed, e.g. diverged). */
  error?: string;
  bestEpoch: number;
  trainSeconds: number;
  /** The method whose training it reuses (Grad-CAM reads CAM's classifier). */
  sharedWith?: Method;
}

/** The results table, in markdown; the floors come last. */
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
  const scores = (s: MetricsSummary) => [
    fmt(s.f1Pos),
    fmt(s.f1Neg),
    fmt(s.pxap),
    fmt(s.bestDice),
    fmt(s.bestMiou),
  ];
  const rows = results.map((r) =>
    r.summary === undefined
      ? [methodName(r.method), `failed: ${r.error ?? "unknown"}`, "", "", "", "", "", "", ""]
      : [
        methodName(r.method),
        fmt(r.summary.classError),
        ...scores(r.summary),
        String(r.bestEpoch + 1),
        r.sharedWith ? `(${methodName(r.sharedWith)}'s)` : duration(r.trainSeconds),
      ]
  );
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
    `${c.brightness}/${c.contrast}/${c.saturation}/${c.hue}; seed ${c.seed}`;
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
  evalDesc: string;
  /** Scored on the split that also selected the weights. */
  selfSelected: boolean;
  config: Config;
  table: string;
  figure: boolean;
  /** Methods still to run (the page is rewritten after each). */
  pending: Method[];
}

/** The results page in markdown. */
export function resultsMarkdown(p: ResultsPage): string {
  return [
    `# ${p.title}: min-max entropy and baselines`,
    "",
    `Measured ${p.date.toISOString().slice(0, 10)} with \`${p.command}\` on ${p.cores} cores ` +
    `(${p.backend}), ${duration(p.seconds)} in all.`,
    ...(p.pending.length > 0
      ? ["", `**In progress**: still to run: ${p.pending.map(methodName).join(", ")}.`]
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
    "",
    p.table,
    "",
    "F1+/F1-: Dice of the foreground/background at threshold 0.5, mean over images; PxAP: pixel " +
    "precision-recall area; Dice*/mIoU*: at the best threshold. Every map is in [0, 1] " +
    "(baselines' maps are min-max normalised per image). Train time includes validation after " +
    "every epoch. Grad-CAM is computed post hoc on the CAM run's classifier.",
    ...(p.figure ? ["", "![Images, ground truth and each method's map](figure.jpg)"] : []),
    "",
  ].join("\n");
}
