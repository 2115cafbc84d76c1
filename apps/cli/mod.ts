/**
 * The Pointwise CLI as a library: {@link main} runs a command line and
 * returns its exit code (0 success, 1 failure, 2 usage error).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "@pointwise/cli";
 * // Deno.exit(await main(Deno.args)) is the command; usage mistakes exit 2.
 * assert.equal(await main(["evaluate"]), 2);
 * assert.equal(await main(["train", "--epochs", "0"]), 2);
 * ```
 * @module
 */
import { reportError } from "./errors.ts";
import { helpSection } from "./console/help.ts";
import { closestName } from "./option_errors.ts";
import { commandLine, type Launcher, programName, setLauncher, versionLine } from "./program.ts";

export { type Launcher, VERSION } from "./program.ts";

type Run = (argv: string[]) => Promise<number>;

// Commands load on demand: predicting with an ONNX model must not load TensorFlow.js.
const COMMANDS: Record<string, { load: () => Promise<Run>; about: string }> = {
  train: {
    load: async () => (await import("./commands/train.ts")).train,
    about: "train a model (default: built-in synthetic data, cpu preset)",
  },
  eval: {
    load: async () => (await import("./commands/eval.ts")).evalCommand,
    about: "score a model or heat maps made elsewhere on a split: metrics table, per image",
  },
  predict: {
    load: async () => (await import("./commands/predict.ts")).predict,
    about: "class, mask, overlay and heat map for images, folders, globs; predictions.csv",
  },
  slide: {
    load: async () => (await import("./commands/slide.ts")).slide,
    about: "localize over a whole-slide image: mask TIFF, QuPath contours, heat map",
  },
  serve: {
    load: async () => (await import("./commands/serve.ts")).serve,
    about: "serve an exported model over HTTP (and the browser demo)",
  },
  import: {
    load: async () => (await import("./commands/import.ts")).importCommand,
    about: "turn a reference PyTorch checkpoint into a Pointwise model",
  },
  export: {
    load: async () => (await import("./commands/export.ts")).exportCommand,
    about: "write a model for use elsewhere (safetensors for PyTorch, ONNX)",
  },
  weights: {
    load: async () => (await import("./commands/weights.ts")).weightsCommand,
    about: "fetch torchvision's ImageNet weights as safetensors (needs internet)",
  },
};

/** The commands, in the order `--help` lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/**
 * Top-level help.
 *
 * @returns the help text that lists the commands.
 */
export function usage(): string {
  const program = programName();
  return `Pointwise: weakly supervised pointwise localization (min-max entropy).

usage: ${program} <command> [options]

${helpSection("commands", Object.entries(COMMANDS).map(([name, c]) => [name, c.about]), 14)}
${
    helpSection("options", [
      ["-h, --help", `this help; ${program} <command> --help gives a command's options`],
      ["--version", "print the version"],
    ], 14)
  }`;
}

/** POINTWISE_DEBUG=1 prints stack traces; reading it must not need --allow-env. */
function debugEnabled(): boolean {
  const granted =
    Deno.permissions.querySync({ name: "env", variable: "POINTWISE_DEBUG" }).state === "granted";
  return granted && Boolean(Deno.env.get("POINTWISE_DEBUG"));
}

/** Options of {@link main}. */
export interface MainOptions {
  /**
   * How the user started the CLI, so that messages name commands that work
   * as printed: `pointwise` (apps/cli/main.ts) or `task` (deno task) [pointwise].
   */
  launcher?: Launcher;
}

/**
 * Runs one command line; returns the process exit code.
 *
 * @param argv the command and its arguments.
 * @param o how the CLI was started.
 * @returns 0 on success, 1 on failure, 2 for a usage mistake.
 */
export async function main(argv: string[], o: MainOptions = {}): Promise<number> {
  setLauncher(o.launcher ?? "pointwise");
  const [name, ...rest] = argv;
  // `pointwise --version`, and `deno task train --version` where the task names the command.
  const versionOfCommand = name !== undefined && name in COMMANDS && rest.join() === "--version";
  if (name === "--version" || versionOfCommand) {
    console.log(versionLine());
    return 0;
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    const guess = closestName(name, COMMAND_NAMES);
    const hint = guess === undefined ? "" : `; did you mean ${guess}?`;
    console.error(`error: unknown command '${name}'${hint}\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (e) {
    const { message, exitCode, usage } = reportError(e);
    console.error(`error: ${message}${usage ? `\nsee: ${commandLine(name)} --help` : ""}`);
    if (debugEnabled() && e instanceof Error) console.error(e.stack);
    return exitCode;
  }
}
